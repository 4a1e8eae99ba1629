"""The example statement files of the documentation, and how a test reads a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from smartiberica.kernel.statements import StatementFileError, read_statement_file

EXAMPLES = Path(django_settings.BASE_DIR) / "docs" / "examples" / "bank-statements"


def refused(data: bytes, *, language: str | None = None) -> str:
    """The message `data` is refused with (in `language`, or the active one); fails if it is read."""
    with (
        translation.override(language or translation.get_language()),
        pytest.raises(StatementFileError) as caught,
    ):
        read_statement_file(data)
    return caught.value.message
