from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from notifications.mail import queue_mail
from notifications.models import MailKind

from .models import StaffUser


class StaffUserCreationForm(forms.ModelForm):
    """MTM types no password: the new user chooses one from the welcome mail."""

    class Meta:
        model = StaffUser
        fields = ["email", "first_name", "last_name", "phone", "library", "role"]

    def clean_email(self):
        email = StaffUser.objects.normalize_email(self.cleaned_data["email"]).strip()
        if StaffUser.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email


@admin.register(StaffUser)
class StaffUserAdmin(UserAdmin):
    add_form = StaffUserCreationForm
    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "first_name", "last_name", "library", "role", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "library"]
    search_fields = ["email", "first_name", "last_name", "library__name"]
    list_select_related = ["library"]
    autocomplete_fields = ["library"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "phone"]}),
        (_("Workplace"), {"fields": ["library", "role"]}),
        (_("Rights"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "first_name", "last_name", "phone", "library", "role"]}),
    ]
    filter_horizontal = ["groups"]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if not change:
                obj.set_unusable_password()
            super().save_model(request, obj, form, change)
            if not change:
                queue_mail(MailKind.STAFF_WELCOME, to=obj.email, user=obj.pk)
