"""At 1280 px, a money list shows its amounts and their totals without scrolling sideways.

Before: the invoice list put its amounts after the client and service line, and with a long
client name they sat past the right edge of the results box, behind a horizontal scroll bar.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.browser.test_admin_number_input import open_admin_in
from tests.services.factories import make_client, make_invoice

INVOICES = "/admin/services/invoice/?issue_date_year=2024"


def inside(box: dict[str, float], frame: dict[str, float]) -> bool:
    return box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 0.5


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
def test_the_invoice_amounts_and_totals_are_in_sight_at_1280_px(
    page: Any, live_server: Any, staff_user: Any
) -> None:
    client = make_client(name="Asociación Cultural de Amigos del Libro Ilustrado de Andalucía Oriental")
    for day in (1, 2, 3):
        make_invoice(client=client, issue_date=date(2024, 3, day))
    open_admin_in(page, live_server.url, "es", INVOICES)
    assert page.viewport_size["width"] == 1280
    frame = page.locator("#changelist .results").bounding_box()
    for selector in ("th.column-gross_amount", "tfoot td.field-gross_amount", "tfoot td.field-net_amount"):
        box = page.locator(selector).bounding_box()
        assert box is not None and inside(box, frame), (selector, box, frame)
    assert "363,00" in page.locator("tfoot td.field-gross_amount").inner_text()
