"""The borrower's language (*Språk*) on every form that registers or edits a borrower:
one field, defined once; a form includes it with LanguageFieldMixin and its layout
names "language" (layout.CONTACT: next to the e-mail address)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import languages


def language_field(**overrides) -> forms.ChoiceField:
    """*Språk*: Svenska (the default) or another of settings.LANGUAGES, each named in itself."""
    options = {
        "label": _("Language"),
        "choices": languages.choices,
        "initial": settings.LANGUAGE_CODE,
        "help_text": _("The borrower's e-mails and My pages are in this language."),
        # A select always sends a value; a form posted without one keeps the language
        # the form started with (LanguageFieldMixin.clean_language).
        "required": False,
        "error_messages": {"invalid_choice": _("Choose one of the languages in the list.")},
        "widget": forms.Select,
        **overrides,
    }
    return forms.ChoiceField(**options)


class LanguageFieldMixin:
    """Adds the *Språk* field to a (house-style) form: the language of `borrower`
    (an edit, the pull page), of `replaces` (LMA → personnummer) or of the saved
    `instance` (the admin), else Swedish.
    The form's result then carries `language` (cleaned_data["language"])."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = language_field()
        instance = getattr(self, "instance", None)
        account = (
            getattr(self, "borrower", None)
            or getattr(self, "replaces", None)
            or (instance if getattr(instance, "pk", None) else None)
        )
        if account is not None:
            field.initial = account.language
            self.initial.setdefault("language", account.language)
        self.fields["language"] = field
        self.apply_house_rules([field])

    def clean_language(self) -> str:
        chosen = self.cleaned_data.get("language")
        return chosen or self.initial.get("language") or self.fields["language"].initial
