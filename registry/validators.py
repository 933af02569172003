"""One rule for every name a form takes (people's and libraries'): no characters
that turn the text around, and not only invisible characters.

U+202E (RIGHT-TO-LEFT OVERRIDE) and its kin make a row in a list or the admin
read differently from what is stored; a name of zero-width characters is a blank-
looking row nobody can find. Joiners inside a name (U+200C/U+200D, needed in some
scripts) are fine: only a name of nothing else is refused.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Bidirectional embedding, override and isolate controls, and the implicit marks.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
#: Characters that render as nothing though they are not whitespace.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")

#: Form fields that hold a name (registry.forms.NameFieldsMixin checks them).
NAME_FIELDS = frozenset({"first_name", "last_name", "guardian_name", "contact_name", "name"})


def _invisible(char: str) -> bool:
    return char.isspace() or char in BLANK_LOOKING or unicodedata.category(char) in {"Cf", "Cc"}


def validate_name(value: str) -> None:
    if not value:
        return
    if any(char in BIDI_CONTROLS for char in value):
        raise ValidationError(
            _(
                "The name contains an invisible character that changes the direction of "
                "the text. Type the name instead of pasting it."
            ),
            code="bidi_control",
        )
    if all(_invisible(char) for char in value):
        raise ValidationError(
            _("The name consists of invisible characters only. Write the name with letters."),
            code="invisible_name",
        )
