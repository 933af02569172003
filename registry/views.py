from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def accessibility(request):
    """Anyone: the tillgänglighetsredogörelse that Swedish law requires, linked from every page."""
    return render(request, "accessibility.html")


@login_not_required
@require_GET
def healthz(request):
    """The load balancer: the process answers. Reveals nothing."""
    return HttpResponse("ok", content_type="text/plain")
