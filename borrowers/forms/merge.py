"""Slå ihop konton: the merged account is checked by the rules of MTM's admin form.

The merged values are fed to BorrowerAdminForm (the admin's one door to the
borrower rules: identifier, e-mail, validity per kind, guardian, protected
identity, library) as if MTM had typed them on the kept account. Two things
differ from an edit: the identifier and e-mail may be the other account's (both
accounts are left out of "taken"), and the identifier may be of another kind than
the kept account's (the result is judged by the rules of its own kind).
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext

from borrowers.identity import MESSAGES, IdentityError, parse_any_identifier
from borrowers.rules import check_borrower_email, check_identifier_free

from .admin import BorrowerAdminForm


class MergeRulesForm(BorrowerAdminForm):
    #: The pks of both accounts being merged.
    pair: tuple[int, int] = ()
    #: The stored validity the merged one comes from, when its account has the same
    #: kind as the result: an unchanged date is not judged again, as in an edit.
    saved_validity = None

    def clean_number(self):
        try:
            identity = parse_any_identifier(self.cleaned_data["number"], today=self.today)
        except IdentityError as error:
            raise forms.ValidationError(gettext(MESSAGES[error.code]), code=error.code) from None
        check_identifier_free(identity, staff=self.staff, exclude_pk=list(self.pair))
        return identity

    def clean_email(self) -> str:
        return check_borrower_email(
            self.cleaned_data["email"], staff=self.staff, exclude_pk=list(self.pair)
        )

    def _get_validation_exclusions(self):
        # The e-mail was checked above against every account but the two being
        # merged; its unique constraint guards the save (the other account goes first).
        return {*super()._get_validation_exclusions(), "email"}

    def _saved_validity(self):
        return self.saved_validity


def rules_form(keep, values: dict, *, pair, staff, saved_validity) -> MergeRulesForm:
    """The bound rules form for the merged `values` (attribute name -> value)."""
    data = {
        "number": values["identifier_display"],
        "email": values["email"],
        "valid_until": f"{values['valid_until']:%Y-%m-%d}" if values["valid_until"] else "",
        "services": [service.pk for service in values["services"]],
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "library": values["library"].pk if values["library"] else "",
        "guardian_birth_date": (
            f"{values['guardian_birth_date']:%Y-%m-%d}" if values["guardian_birth_date"] else ""
        ),
        "guardian_name": values["guardian_name"],
    }
    if values["registered_as_minor"]:
        data["registered_as_minor"] = "on"
    if values["protected_identity"]:
        data["protected_identity"] = "on"
    form_class = type(
        "MergeRulesForm",
        (MergeRulesForm,),
        {"staff": staff, "pair": pair, "saved_validity": saved_validity},
    )
    form = form_class(data, instance=keep)
    form.today = timezone.localdate()
    return form
