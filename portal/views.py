from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import registrar_required
from applications.models import pending_account_applications
from borrowers.models import Borrower
from borrowers.policy import EXPIRY_NOTICE_DAYS
from core.middleware import refresh_idle_timeout
from portal import health
from selfservice import session as borrower_session
from transfers.models import TransferRequest


@registrar_required
def start(request):
    """Registrars and head administrators: the start page of their library. It lives
    in the roof because it counts borrowers, transfers and applications."""
    today = timezone.localdate()
    borrower_count, expiring_count = Borrower.objects.visible_to(request.user).count_with_expiring(
        EXPIRY_NOTICE_DAYS, today
    )
    return render(
        request,
        "libraries/start.html",
        {
            "library": request.user.library,
            "borrower_count": borrower_count,
            "expiring_count": expiring_count,
            "expiry_notice_days": EXPIRY_NOTICE_DAYS,
            "pending_transfer_count": TransferRequest.objects.incoming_for(request.user).count(),
            "pending_applications": pending_account_applications(request.user),
        },
    )


@login_not_required
@require_GET
def accessibility(request):
    """Anyone: the tillgänglighetsredogörelse that Swedish law requires, linked from every page."""
    return render(request, "accessibility.html")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """The proxy, compose and monitoring: 200 when the database answers and every
    migration is applied, else 503. The mail queue's age is reported but never
    fails the check: a mail server outage must not take the site out of the proxy
    (mail_queue_status alerts on it). Counts and ages only, nothing personal."""
    checks = health.check()
    healthy = checks["database"] == "ok" and checks["migrations"] == "ok"
    body = "".join(f"{name}: {value}\n" for name, value in checks.items())
    return HttpResponse(body, content_type="text/plain", status=200 if healthy else 503)


@login_not_required
@never_cache
@require_POST
def keep_alive(request):
    """A logged-in staff member or borrower, from the timeout warning (app.js,
    "Fortsätt vara inloggad"): the idle time starts again. 204 while the session
    lives, 401 once it has ended (then the page offers to log in again)."""
    if request.user.is_authenticated:
        # The idle timeout starts again now (not only when it is due to move);
        # SessionLifetimeMiddleware still ends the session at its absolute limit.
        refresh_idle_timeout(request, force=True)
        alive = True
    else:
        alive = borrower_session.current_borrower(request)[0] is not None
    return HttpResponse(status=204 if alive else 401)
