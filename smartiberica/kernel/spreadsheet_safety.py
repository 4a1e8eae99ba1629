"""Text cells that a spreadsheet would run as a formula, written as inert text (CSV injection).

A client named `=HYPERLINK(…)` must reach Excel or LibreOffice as that text, never as a live
formula. OWASP's guidance: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
return is written, in CSV, with a leading apostrophe; in XLSX it is stored as a string cell
(never a formula). Numbers, dates and empty cells are left as they are: only text is escaped.

Every export (the board's CSV and XLSX, the admin's record exports) goes through this module,
and the CSV import removes the apostrophe it added (`unescape_csv_text`), so that an exported
file re-imports unchanged (public contract 2). The escape is reversible: a text that already
starts with apostrophes before a trigger gets one more, and the import takes exactly one away.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPABLE = re.compile(r"'*[=+\-@\t\r]")


def escape_csv_text(value: Any) -> Any:
    """A CSV cell value: text a spreadsheet would run gets a leading apostrophe; others unchanged."""
    if isinstance(value, str) and _ESCAPABLE.match(value):
        return "'" + value
    return value


def unescape_csv_text(text: str) -> str:
    """The inverse of `escape_csv_text` on a cell read from a CSV file."""
    if text.startswith("'") and _ESCAPABLE.match(text, 1):
        return text[1:]
    return text


def xlsx_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    """A write-only XLSX cell; text is always a string cell, even when it starts with `=`."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl takes a str starting with "=" for a formula: force the string type.
        cell.data_type = "s"
    return cell
