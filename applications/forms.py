from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.forms import Form, ModelForm
from libraries.models import Library, Municipality

from .models import BranchApplication

#: The roles one may apply for, as the form explains them (head administrators are
#: appointed by MTM).
ROLE_CHOICES = [
    (Role.REGISTRAR.value, _("Registrar – registers borrowers in the registry")),
    (Role.MEDIATOR.value, _("Mediator – lends talking books, does not register borrowers")),
]

#: The honeypot's name: a field that bots fill and people never see.
HONEYPOT = "website"

NAME_ERRORS = {
    "max_length": _("The name can be at most %(limit_value)d characters long."),
}


class AccountApplicationForm(Form):
    """Ansök om ett registrerarkonto: who the applicant is, at which library, which role.

    The library was chosen in the search step (by name or sigel, among the active
    libraries and those of Biblioteksdatabasen not yet connected) and travels as a
    hidden pk; the same queryset is its validation.
    """

    library = forms.ModelChoiceField(
        queryset=Library.objects.in_directory_or_active(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose your library: search for it again."),
            "invalid_choice": _("Choose your library: search for it again."),
        },
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        error_messages={"required": _("Enter your first name."), **NAME_ERRORS},
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        error_messages={"required": _("Enter your last name."), **NAME_ERRORS},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_(
            "Your work e-mail address. It becomes your login, and every account needs its own "
            "address."
        ),
        max_length=254,
        error_messages={
            "required": _("Enter your work e-mail address."),
            "invalid": _("Enter the e-mail address in the format name@example.se."),
            "max_length": _("The e-mail address can be at most 254 characters long."),
        },
    )
    phone = forms.CharField(
        label=_("Phone"),
        help_text=_("A number where MTM can reach you at work."),
        max_length=50,
        error_messages={
            "required": _("Enter your phone number at work."),
            "max_length": _("The phone number can be at most 50 characters long."),
        },
    )
    role = forms.ChoiceField(
        label=_("I apply for an account as"),
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose registrar or mediator."),
            "invalid_choice": _("Choose registrar or mediator."),
        },
    )
    works_at_library = forms.BooleanField(
        label=_("I work at this library"),
        error_messages={
            "required": _("Tick the box to confirm that you work at the library."),
        },
    )
    course_taken = forms.BooleanField(
        label=_("I have taken MTM's registrar course"),
        help_text=_("Needed for a registrar account, not for a mediator."),
        required=False,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "work email", "spellcheck": "false"}
        )
        self.fields["phone"].widget.attrs.update({"autocomplete": "work tel", "type": "tel"})

    @property
    def is_spam(self) -> bool:
        """A filled honeypot: a bot. Its application is discarded without a word."""
        return bool(self.data.get(self.add_prefix(HONEYPOT), "").strip())

    def layout(self) -> Layout:
        return Layout(
            "library",
            "first_name",
            "last_name",
            "email",
            "phone",
            "role",
            "works_at_library",
            "course_taken",
            # The honeypot's hiding place: out of sight and out of the accessibility tree.
            Div(
                Field(HONEYPOT, template="core/field_plain.html"),
                css_class="visually-hidden",
                aria_hidden="true",
            ),
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean(self):
        cleaned = super().clean()
        # The course is about registering borrowers (who may be registered, and how):
        # a förmedlare registers no one, so it is asked of registrars only.
        if cleaned.get("role") == Role.REGISTRAR and not cleaned.get("course_taken"):
            self.add_error(
                "course_taken",
                forms.ValidationError(
                    _("Tick the box to confirm that you have taken MTM's registrar course."),
                    "required",
                ),
            )
        return cleaned

    def application_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "library",
                "first_name",
                "last_name",
                "email",
                "phone",
                "role",
                "works_at_library",
                "course_taken",
            )
        }


class BranchApplicationForm(ModelForm):
    """Ansök om en filial: the missing branch's name, address and talking-book contact."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        empty_label=_("Choose a municipality"),
        error_messages={
            "required": _("Choose the municipality the branch is in."),
            "invalid_choice": _("Choose the municipality the branch is in."),
        },
    )

    class Meta:
        model = BranchApplication
        fields = [
            "name",
            "street_address",
            "postal_code",
            "city",
            "municipality",
            "contact_name",
            "contact_email",
        ]
        labels = {
            "name": _("The branch's name"),
            "street_address": _("Street address"),
            "postal_code": _("Postal code"),
            "city": _("City"),
            "contact_name": _("Talking-book contact"),
            "contact_email": _("Talking-book contact's e-mail"),
        }
        help_texts = {
            "contact_name": _(
                "The person at the branch who answers questions about talking books."
            ),
        }
        error_messages = {
            "name": {
                "required": _("Enter the branch's name."),
                "max_length": _("The name can be at most %(limit_value)d characters long."),
            },
            "street_address": {
                "required": _("Enter the branch's street address."),
                "max_length": _(
                    "The street address can be at most %(limit_value)d characters long."
                ),
            },
            "postal_code": {
                "required": _("Enter the postal code."),
                "max_length": _("Enter the postal code as five digits, for example 123 45."),
            },
            "city": {
                "required": _("Enter the city (postort)."),
                "max_length": _("The city can be at most %(limit_value)d characters long."),
            },
            "contact_name": {
                "max_length": _("The name can be at most %(limit_value)d characters long."),
            },
            "contact_email": {
                "invalid": _("Enter the e-mail address in the format name@example.se."),
                "max_length": _("The e-mail address can be at most 254 characters long."),
            },
        }

    def layout(self) -> Layout:
        return Layout(*self.Meta.fields)

    def __init__(self, *args, library, **kwargs):
        super().__init__(*args, **kwargs)
        self.library = library
        self.fields["postal_code"].widget.attrs.update(
            {"autocomplete": "postal-code", "inputmode": "numeric"}
        )
        self.fields["contact_email"].widget.attrs["spellcheck"] = "false"

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the branch's name."), "required")
        # Compared in Python: SQLite's LIKE and lower() know only ASCII (Östra ≠ östra),
        # and a library has few branches.
        folded = name.casefold()
        if folded in {n.casefold() for n in self.library.branches.values_list("name", flat=True)}:
            raise forms.ValidationError(
                _("Your library already has a branch with this name."), "exists"
            )
        pending = BranchApplication.objects.pending().filter(library=self.library)
        if folded in {n.casefold() for n in pending.values_list("name", flat=True)}:
            raise forms.ValidationError(
                _("An application for a branch with this name is already waiting for MTM."),
                "pending",
            )
        return name

    def clean_postal_code(self):
        digits = "".join(self.cleaned_data["postal_code"].split())
        if len(digits) != 5 or not digits.isdigit():
            raise forms.ValidationError(
                _("Enter the postal code as five digits, for example 123 45."), "invalid"
            )
        return f"{digits[:3]} {digits[3:]}"

    def clean_contact_email(self):
        return self.cleaned_data["contact_email"].strip()
