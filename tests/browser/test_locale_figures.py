"""The same figure, read in the browser in Spanish, French and English, follows each language's
CLDR conventions (issue 18): es `-2.345,67 €`, fr `-2 345,67 €` with a narrow no-break space,
en `-€2,345.67`; a ratio as es `123,5 %`, fr `123,5 %` (narrow no-break space), en `123.5%`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.browser.test_login_and_language import log_in
from tests.funding.factories import make_expense
from tests.services.factories import line, make_client, make_invoice

NNBSP, NBSP = "\u202f", "\u00a0"
EXPECTED = {
    "es": ("-2.345,67" + NBSP + "€", "123,5" + NBSP + "%"),
    "fr": ("-2" + NNBSP + "345,67" + NBSP + "€", "123,5" + NNBSP + "%"),
    "en": ("-€2,345.67", "123.5%"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_reference_data")
def test_a_figure_reads_each_languages_way_in_the_browser(
    page: Any, live_server: Any, board_user: Any
) -> None:
    make_invoice(client=make_client(), issue_date=date(2024, 5, 2), lines=[line("12345.67")])
    # Own revenue 12,345.67 against costs of 10,000.00: a negative funding gap, 123.46 % self-financed.
    make_expense(date=date(2024, 6, 1), amount=Decimal("10000.00"))
    log_in(page, live_server.url, "berta")
    for language, (money, ratio) in EXPECTED.items():
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto(f"{live_server.url}/years/2024/")
        assert page.locator("html").get_attribute("lang") == language
        funding_gap = page.locator("#figure-funding_gap .value").inner_text().strip()
        self_financing = page.locator("#figure-self_financing .value").inner_text().strip()
        assert (funding_gap, self_financing) == (money, ratio), language
