"""Staff accounts in MTM's admin: library staff (per library), and MTM's own staff.

- A new account gets no password from MTM: the person chooses one from the
  welcome mail (STAFF_WELCOME, queued in the same transaction).
- Accounts are deactivated, never deleted (the audit log refers to them):
  deactivating ends the person's sessions at once.
- Only a superuser can make or change a superuser.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ShowFacets
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from core.admin_tools import AutocompleteFilter, LibraryFilter
from core.forms import NameFieldsMixin
from notifications.mail import queue_mail
from notifications.models import MailKind

from . import mfa
from .models import StaffUser, end_sessions_of


def check_workplace(cleaned: dict, *, is_staff: bool) -> dict[str, str]:
    """Library staff have a main library and a role; MTM staff have neither (SPEC §2)."""
    library, role = cleaned.get("library"), cleaned.get("role")
    errors = {}
    if library is not None and library.is_branch:
        errors["library"] = gettext(
            "Staff accounts belong to a main library. Choose %(main)s, the main library of "
            "this branch."
        ) % {"main": library.parent.name}
    if is_staff:
        if library is not None:
            errors["library"] = gettext("MTM staff belong to no library: leave it empty.")
        if role:
            errors["role"] = gettext("MTM staff have no role at a library: leave it empty.")
    elif library is None and role:
        errors["library"] = gettext("Choose the library the person works at.")
    elif library is not None and not role:
        errors["role"] = gettext("Choose the person's role at the library.")
    return errors


class StaffUserCreationForm(NameFieldsMixin, forms.ModelForm):
    """MTM types no password: the new user chooses one from the welcome mail."""

    class Meta:
        model = StaffUser
        fields = ["email", "first_name", "last_name", "phone", "library", "role"]

    def clean_email(self):
        email = StaffUser.objects.normalize_email(self.cleaned_data["email"]).strip()
        if StaffUser.objects.with_email(email).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("library") is None and "library" not in self.errors:
            self.add_error("library", gettext("Choose the library the person works at."))
        for field, message in check_workplace(cleaned, is_staff=False).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class StaffUserChangeForm(NameFieldsMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = StaffUser
        fields = [
            "email",
            "password",
            "first_name",
            "last_name",
            "phone",
            "library",
            "role",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
        ]

    def clean_email(self):
        email = StaffUser.objects.normalize_email(self.cleaned_data["email"]).strip()
        if StaffUser.objects.with_email(email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        is_staff = cleaned.get("is_staff", self.instance.is_staff)
        for field, message in check_workplace(cleaned, is_staff=is_staff).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned


@admin.register(StaffUser)
class StaffUserAdmin(UserAdmin):
    add_form = StaffUserCreationForm
    form = StaffUserChangeForm
    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "first_name", "last_name", "library", "role", "is_active", "is_staff"]
    list_filter = [LibraryFilter, "role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name", "library__name"]
    list_select_related = ["library"]
    autocomplete_fields = ["library"]
    readonly_fields = ["last_login", "date_joined", "activity"]
    show_facets = ShowFacets.NEVER
    actions = ["deactivate", "reset_second_factor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "phone"]}),
        (_("Workplace"), {"fields": ["library", "role"]}),
        (_("Rights"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined", "activity"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "first_name", "last_name", "phone", "library", "role"]}),
    ]
    filter_horizontal = ["groups"]

    @property
    def media(self):
        return super().media + AutocompleteFilter.media()

    @admin.display(description=_("audit log"))
    def activity(self, user):
        if user.pk is None:
            return "–"
        url = reverse("admin:audit_auditevent_changelist")
        return format_html('<a href="{}?actor={}">{}</a>', url, user.pk, gettext("What they did"))

    # --- who may change what ---------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # SECURITY: superuser rights are given by a superuser only.
            fields.append("is_superuser")
        return fields

    def has_change_permission(self, request, obj=None):
        # SECURITY: a superuser's account (e-mail, password) is changed by a superuser only.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead: the audit log and transfer history refer to the account.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # --- saving --------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if not change:
                obj.set_unusable_password()
            super().save_model(request, obj, form, change)
            if not change:
                queue_mail(MailKind.STAFF_WELCOME, to=obj.email, user=obj.pk)
            elif "is_active" in form.changed_data and not obj.is_active:
                # Deactivated: the person is logged out everywhere, now.
                end_sessions_of(obj)

    @admin.action(description=_("Deactivate the chosen accounts"), permissions=["change"])
    def deactivate(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        done = 0
        with transaction.atomic():
            for user in queryset.filter(is_active=True):
                user.deactivate()
                done += 1
        messages.success(
            request,
            ngettext(
                "%(count)d account deactivated and logged out.",
                "%(count)d accounts deactivated and logged out.",
                done,
            )
            % {"count": done},
        )

    @admin.action(description=_("Reset two-step verification"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """For someone who lost their phone and recovery codes: their devices go
        (audited) and they are logged out; they enrol anew at their next login."""
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        with transaction.atomic():
            users = list(queryset)
            for user in users:
                mfa.reset(user, by=request.user)
                end_sessions_of(user)
        messages.success(
            request,
            ngettext(
                "Two-step verification reset for %(count)d account.",
                "Two-step verification reset for %(count)d accounts.",
                len(users),
            )
            % {"count": len(users)},
        )


# django-otp's own admin pages would show every person's app key and QR code to
# MTM: the second factor is reset with the action above, never edited.
for _device_model in (TOTPDevice, StaticDevice, WebAuthnCredential):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
