"""Text fields hold printable text: control characters are refused everywhere (forms, imports, actions).

A NUL byte is refused by PostgreSQL (a 500 on a form, a traceback in an import) and stored as is by
SQLite; a tab, a line break or an escape sequence in a name breaks exports, error lines and
the admin's lists. Single-line fields (every CharField) refuse every control character;
multi-line ones (TextField: descriptions, notes) accept tabs and line breaks only.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

ERR_CONTROL_CHARACTER = _("This text contains a control character (%(character)s): type it again without it.")

# C0 controls, DEL and the C1 controls.
_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(*texts: str) -> bool:
    return any(_SINGLE_LINE.search(text) for text in texts)


@deconstructible
class ControlCharacterValidator:
    """Refuse control characters (a model field validator; also run by the importers)."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        match = (_MULTI_LINE if self.multiline else _SINGLE_LINE).search(value)
        if match:
            raise ValidationError(
                ERR_CONTROL_CHARACTER,
                code="control_character",
                params={"character": f"U+{ord(match.group()):04X}"},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((ControlCharacterValidator, self.multiline))


validate_single_line = ControlCharacterValidator()
validate_multi_line = ControlCharacterValidator(multiline=True)
