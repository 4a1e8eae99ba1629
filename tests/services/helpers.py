"""Small assertions helpers of the services tests."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def error_codes(error: ValidationError) -> list[str | None]:
    """The codes of every message of a ValidationError, whether it is a dict or a list."""
    if hasattr(error, "error_dict"):
        return [e.code for errors in error.error_dict.values() for e in errors]
    return [e.code for e in error.error_list]
