"""One rule for every text that names a person or a library (names, a guardian's
name, a library's address, city and phone, a student's home-country number): no
characters that turn the text around, no control or invisible characters, and not
only invisible characters.

U+202E (RIGHT-TO-LEFT OVERRIDE) and its kin make a row in a list or the admin
read differently from what is stored; a name of zero-width characters is a blank-
looking row nobody can find; a zero-width space inside a name makes it unsearchable;
control characters (ESC sequences, BEL, CR/LF, C1 controls) reach terminals, CSV
files and mail headers. Joiners inside a name (U+200C/U+200D, needed in Persian and
Indic scripts) are fine: only a name of nothing else is refused.

The forms attach the rule by field name (NAME_FIELDS, core.forms.NameFieldsMixin);
the models carry it as a field validator, so the admin is covered too.
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

#: Joiners that belong inside words of some scripts: allowed within a name.
JOINERS = frozenset("\u200c\u200d")

#: Form fields that name a person or a library (core.forms.NameFieldsMixin checks them).
NAME_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "guardian_name",
        "contact_name",
        "name",
        "box",
        "street_address",
        "postal_code",
        "city",
        "country",
        "phone",
        "fax",
        "home_number",
    }
)


def _invisible(char: str) -> bool:
    return char.isspace() or char in BLANK_LOOKING or unicodedata.category(char) in {"Cf", "Cc"}


def _control_or_invisible(char: str) -> bool:
    """C0 and C1 controls (tab, CR, LF, ESC, BEL, DEL …), format characters such as the
    zero-width space, word joiner, soft hyphen and BOM, and line/paragraph separators."""
    if char in JOINERS:
        return False
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}


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
    if any(_control_or_invisible(char) for char in value):
        raise ValidationError(
            _(
                "The text contains a control character or an invisible character (such as "
                "a line break or a zero-width space). Type the text instead of pasting it."
            ),
            code="control_character",
        )
