"""Staff reconcile a bank line in the browser: /bank/ suggests the payment, one click confirms it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.models import Payment
from tests.board.reconciliation.helpers import Line, import_line, matched
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_login_and_language import log_in
from tests.services.factories import make_client, make_invoice, make_payment


@pytest.fixture
def open_line(transactional_db: None, seeded_reference_data: None) -> tuple[int, Payment]:
    payment = make_payment(
        invoice=make_invoice(client=make_client(name="Hachette Livre")), date=date(2024, 3, 15)
    )
    line = import_line(
        Line(date(2024, 3, 18), "121.00", description="TRANSFERENCIA HACHETTE LIVRE", name="Hachette Livre")
    )
    return line, payment


def test_staff_confirm_a_suggestion_and_see_the_line_reconciled(
    page: Any, live_server: Any, staff_user: Any, open_line: tuple[int, Payment]
) -> None:
    line, payment = open_line
    base = live_server.url
    log_in(page, base, "sara")

    page.goto(f"{base}/bank/")
    row = page.locator(f"tr[data-line='{line}']")
    suggestion = row.locator(f"[data-suggestion='payment-{payment.pk}']")
    assert suggestion.is_visible()
    assert suggestion.get_attribute("data-confident") is not None
    page.screenshot(path=str(ARTIFACTS / "bank-before-confirm.png"), full_page=True)

    with page.expect_navigation():
        suggestion.locator("button[type=submit]").click()

    assert page.url == f"{base}/bank/"
    assert page.locator(".message.success").count() == 1
    assert page.locator(f"tr[data-line='{line}']").count() == 0
    assert matched(line) == ("payment", payment.pk)

    page.goto(f"{base}/bank/lines/{line}/")
    record = page.locator(f"[data-reconciled] [data-record='payment-{payment.pk}']")
    assert record.is_visible()
    assert record.locator("a").get_attribute("href") == f"/admin/services/payment/{payment.pk}/change/"
