"""List columns that keep a changelist narrow: long texts cut, whole in their tooltip.

At 1280 px the admin's sidebars leave the results table some 700 px; a supplier's name or a
description printed whole pushes the amount columns out of sight. A cut column shows its first
`SHORT_TEXT` characters and the whole text on hover (and to screen readers, in `title`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

SHORT_TEXT = 32


def short_text(value: object, length: int = SHORT_TEXT) -> str | SafeString:
    """`value` as text, cut to `length` characters (with "…") and whole in a tooltip when cut."""
    text = "" if value is None else str(value)
    cut = Truncator(text).chars(length)
    if cut == text:
        return text
    return format_html('<span title="{}">{}</span>', text, cut)


def short_column(
    model: type[models.Model], path: str, *, length: int = SHORT_TEXT, name: str | None = None
) -> Callable[[Any], str]:
    """A list_display column showing the field at `path` ("supplier", "invoice__client__name") cut.

    Titled and sorted like the field; the related rows of a path must be in
    `list_select_related`, so the column costs no query.
    """
    parts = path.split("__")
    field: Any = model._meta.get_field(parts[0])
    for part in parts[1:]:
        field = field.related_model._meta.get_field(part)
    # A foreign key is titled by itself ("client"), not by the field read on it ("name").
    title_field: Any = model._meta.get_field(parts[0]) if len(parts) > 1 else field

    def column(obj: Any) -> str:
        value = obj
        for part in parts:
            value = getattr(value, part, None) if value is not None else None
        return short_text(value, length)

    column.__name__ = name or f"{parts[0]}_short"
    column.short_text = True  # type: ignore[attr-defined]  # read by the tests of column order
    return admin.display(description=title_field.verbose_name, ordering=path)(column)
