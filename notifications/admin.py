"""Utgående e-post in the admin: MTM sees what was sent, what is waiting and what
failed (with its error), and can send failed mail again. Nothing is editable: a
mail's text is rendered at delivery from its kind and context."""

from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .mail import resend
from .models import MailStatus, OutgoingMail

RESENDABLE = [MailStatus.FAILED, MailStatus.CANCELLED]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "to",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["to"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        "kind",
        "to",
        "subject",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "context",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # mail is queued by the change that causes it, never typed in

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.change_outgoingmail")

    @admin.display(description=_("last error"))
    def error(self, mail):
        return Truncator(mail.last_error).chars(120)

    @admin.action(description=_("Send again"), permissions=["resend"])
    def send_again(self, request, queryset):
        """Skicka igen: failed or cancelled mail gets a fresh set of attempts."""
        resent = 0
        for mail in queryset.filter(status__in=RESENDABLE):
            resend(mail)
            resent += 1
        skipped = queryset.count() - resent
        if resent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d mail was queued to be sent again.",
                    "%(count)d mails were queued to be sent again.",
                    resent,
                )
                % {"count": resent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d mail was not sent again: only failed or cancelled mail can be.",
                    "%(count)d mails were not sent again: only failed or cancelled mail can be.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
