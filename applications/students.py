"""*Ansök om konto för student utan svenskt personnummer* (registrars, in Mitt
bibliotek > Skapa) and their library's applications; MTM decides in the admin
(applications/admin.py, StudentApplication.approve / reject)."""

from crispy_forms.layout import Layout
from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import registrar_required
from audit.models import LookupDoor
from borrowers.forms.fields import SwedishDateField
from borrowers.forms.language import LanguageFieldMixin
from borrowers.forms.layout import AGREEMENT, CONTACT, NAMES, SERVICES
from borrowers.forms.register import LibraryChoiceField, RegisterBorrowerForm
from borrowers.forms.wiring import (
    IdentityLookupMixin,
    agreement_field,
    agreement_help,
    chosen_language,
)
from borrowers.rules import check_borrower_email
from core.forms import Form
from libraries.models import Library

from .models import StudentApplication


class StudentApplicationForm(IdentityLookupMixin, LanguageFieldMixin, Form):
    lookup_door = LookupDoor.STUDENT_APPLICATION

    first_name = RegisterBorrowerForm.base_fields["first_name"]
    last_name = RegisterBorrowerForm.base_fields["last_name"]
    email = RegisterBorrowerForm.base_fields["email"]
    birth_date = SwedishDateField(
        label=_("Date of birth"),
        help_text=_("Write the date as YYYY-MM-DD."),
        error_messages={"required": _("Enter the student's date of birth.")},
    )
    home_number = forms.CharField(
        label=_("Last digits from the home country (optional)"),
        required=False,
        max_length=50,
        help_text=_(
            "If the student's home country gives them an identity number: its last digits."
        ),
        error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    studies_end = SwedishDateField(
        label=_("Expected end of studies in Sweden"),
        help_text=_("The account is valid at most until this day. Write the date as YYYY-MM-DD."),
        error_messages={"required": _("Enter when the student's studies in Sweden end.")},
    )
    services = RegisterBorrowerForm.base_fields["services"]
    agreement = agreement_field()

    def __init__(self, *args, registrar, **kwargs):
        self.registrar = registrar
        self.today = timezone.localdate()
        super().__init__(*args, **kwargs)
        libraries = Library.objects.choosable_by(registrar)
        if len(libraries) > 1:
            self.fields["library"] = LibraryChoiceField(
                label=_("Library"),
                queryset=libraries,  # SECURITY: the registrar's own libraries only
                empty_label=None,
                initial=registrar.library.main_library.pk,
                error_messages={"invalid_choice": _("Choose one of the libraries in the list.")},
            )
            self.apply_house_rules([self.fields["library"]])
        # The create forms' help: read the agreement text together with the student.
        self.fields["agreement"].help_text = agreement_help(
            minor=False, language=chosen_language(self)
        )

    def layout(self) -> Layout:
        return Layout(
            "library",
            *NAMES,
            *CONTACT,
            "birth_date",
            "home_number",
            "studies_end",
            *SERVICES,
            *AGREEMENT,
        )

    def clean_email(self):
        email = self.cleaned_data["email"]
        return self.look_up(
            lambda: check_borrower_email(email, staff=self.registrar), email=email, default=email
        )

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born >= self.today:
            raise forms.ValidationError(
                _("The date of birth must be earlier than today."), code="future"
            )
        return born

    def clean_studies_end(self):
        end = self.cleaned_data["studies_end"]
        if end < self.today:
            raise forms.ValidationError(
                _("The date has passed. Enter today's date or a later one."), code="past"
            )
        return end

    def save(self) -> StudentApplication:
        data = self.cleaned_data
        with transaction.atomic():
            application = StudentApplication.objects.create(
                library=data.get("library") or self.registrar.library.main_library,
                applied_by=self.registrar,
                first_name=data["first_name"].strip(),
                last_name=data["last_name"].strip(),
                email=data["email"],
                birth_date=data["birth_date"],
                home_number=data["home_number"].strip(),
                studies_end=data["studies_end"],
                language=data["language"],
            )
            application.services.set(data["services"])
        return application


@registrar_required
@require_http_methods(["GET", "POST"])
def apply(request):
    """Registrars and head administrators: apply to MTM for a student's account."""
    form = StudentApplicationForm(request.POST or None, registrar=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            gettext("The application has been sent to MTM. You get an e-mail within two days."),
        )
        return redirect("applications:student_applications")
    return render(request, "applications/student_apply.html", {"form": form})


@registrar_required
@require_http_methods(["GET"])
def applications(request):
    """Registrars and head administrators: their library's student applications."""
    rows = (
        StudentApplication.objects.visible_to(request.user)
        .select_related("library", "borrower")
        .order_by("-created_at")[:200]
    )
    return render(request, "applications/student_list.html", {"applications": rows})
