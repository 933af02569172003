"""The admin's start page: the notice of protected identities typed by registrars."""

from django import template

from audit.models import ProtectedLookupAlert

register = template.Library()


@register.simple_tag
def unseen_protected_lookups(user) -> int:
    """How many alerts nobody has marked seen, for staff allowed to see them; else 0."""
    if not user.has_perm("audit.view_protectedlookupalert"):
        return 0
    return ProtectedLookupAlert.objects.unseen().count()
