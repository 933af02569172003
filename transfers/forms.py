from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import LookupDoor
from borrowers.forms.language import LanguageFieldMixin
from borrowers.forms.wiring import IdentityLookupMixin
from borrowers.lookups import lookup_email_term
from borrowers.rules import check_borrower_email
from core.forms import Form
from libraries.models import Library


class PullForm(IdentityLookupMixin, LanguageFieldMixin, Form):
    """The pull confirmation: where to, the borrower's e-mail and language, and their
    consent. A new address is looked up as a search (IdentityLookupMixin)."""

    lookup_door = LookupDoor.PULL

    library = forms.ModelChoiceField(
        label=_("Library"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose the library the borrower moves to."),
            "invalid_choice": _("Choose one of your own libraries."),
        },
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_(
            "The borrower's login to the talking-book service. Change it if the borrower "
            "has a new address."
        ),
        max_length=254,
        error_messages={
            "required": _("Enter the borrower's e-mail address."),
            "invalid": _("Enter the e-mail address in the format name@example.se."),
            "max_length": _("The e-mail address can be at most 254 characters long."),
        },
    )
    consent = forms.BooleanField(
        label=_("The user has agreed to the move"),
        error_messages={
            "required": _("Tick the box to confirm that the borrower has agreed to the move."),
        },
    )

    def __init__(self, *args, staff, borrower, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("email", borrower.email)
        kwargs["initial"].setdefault("language", borrower.language)
        super().__init__(*args, **kwargs)
        self.staff, self.borrower = staff, borrower
        self.registrar = staff
        # SECURITY: the queryset is the validation: only the registrar's own active libraries.
        libraries = Library.objects.choosable_by(staff)
        self.main_library = staff.library.main_library
        self.fields["library"].queryset = libraries
        self.fields["library"].initial = self.main_library.pk
        self.has_branches = libraries.count() > 1
        if not self.has_branches:
            # Nothing to choose: the registrar's main library, shown as text on the page.
            del self.fields["library"]
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def layout(self) -> Layout:
        return Layout("library", "email", "language", "consent")

    @property
    def target_library(self):
        """Where the borrower moves: the chosen library, or the only one there is."""
        return self.cleaned_data.get("library") or self.main_library

    def clean_email(self):
        email = self.cleaned_data["email"]

        def check():
            return check_borrower_email(email, staff=self.staff, exclude_pk=self.borrower.pk)

        if lookup_email_term(email) == lookup_email_term(self.borrower.email):
            return check()  # the borrower's own address: no lookup of anyone else
        return self.look_up(check, email=email, default=email)
