"""A closed year with a board pack worth reading: the board story's 2024, approved.

The story (tests/board/story.py) gives 2024 every kind of figure; two long names (a funder and a
client) make the tables wrap, which is where a PDF table would run past the page's edge.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from funding import actions as funding
from services import actions as services
from services.selectors import service_lines_by_code
from smartiberica.board.closing import year_close
from tests.board.story import build, line

YEAR = 2024
NOTE = "Cuentas aprobadas por el consejo"
LONG_SOURCE = "Fundación para el Fomento de la Economía Social y Solidaria de las Comarcas del Interior"
LONG_CLIENT = "Asociación de Cooperativas Agroalimentarias y de Servicios Ecológicos del Alto Guadalquivir"


def build_closed_year(board_user: Any) -> None:
    """The story, two long names in 2024, and 2024 approved by `board_user`."""
    build()
    source = funding.source_create(code="fomento", name=LONG_SOURCE, kind="grant")
    funding.receipt_create(source=source, date=date(YEAR, 9, 1), amount=Decimal("1234.56"), reference="FO-1")
    client, _created = services.client_get_or_create(name=LONG_CLIENT, tax_id="B91834267")
    invoice = services.invoice_create(
        client=client,
        service_line=service_lines_by_code()["project-support"],
        issue_date=date(YEAR, 10, 1),
        lines=[line("3210.00")],
    )
    services.invoice_issue(invoice=invoice)
    year_close(year=YEAR, user=board_user, note=NOTE)


def require_pdf_engine() -> None:
    """Skip (or fail, with REQUIRE_PDF=1 as in CI) when WeasyPrint cannot load its libraries."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        message = f"WeasyPrint cannot run here ({error}): see README, 'Closing a year'"
        if os.environ.get("REQUIRE_PDF") == "1":
            pytest.fail(message + " (REQUIRE_PDF=1)")
        pytest.skip(message + " (set REQUIRE_PDF=1 to make this a failure)")
