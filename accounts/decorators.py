from functools import wraps

from django.shortcuts import render


def registrar_required(view):
    """Only head administrators and registrars of a library get past this.

    A förmedlare, or MTM staff (who work in the admin), get a page that says
    plainly that they have no registrar rights.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_registrar:
            return render(request, "accounts/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def head_admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_head_admin:
            return render(request, "accounts/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
