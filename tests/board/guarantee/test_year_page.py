"""The guarantee fund's ledger beside its figure on the year page, and year by year on the
multi-year page (the ledgers of tests/board/guarantee/conftest.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from services import actions
from tests.services.factories import make_advance, make_invoice

D = Decimal
NBSP = "\u00a0"


def card(html: str) -> str:
    return html.split('data-card="guarantee-fund"')[1].split("</table>")[0]


def ledger_row(html: str, key: str) -> str:
    """The amount of one line of the ledger card, as the page writes it."""
    row = card(html).split(f'data-guarantee="{key}"')[1].split("</tr>")[0]
    return re.sub(r"<[^>]+>", "", row.split('<td class="num">')[1]).strip()


def money(text: str) -> str:
    """An amount as the Spanish pages write it: "346,91 €" with a no-break space."""
    return text.replace(" ", NBSP)


def test_the_year_page_shows_the_years_ledger(fund: None, board_client: Client) -> None:
    html = board_client.get("/years/2024/").content.decode()

    assert ledger_row(html, "opening_balance") == money("346,91 €")
    assert ledger_row(html, "inflows") == money("400,00 €")
    assert ledger_row(html, "advances_paid") == money("−300,00 €")
    assert ledger_row(html, "recoveries") == money("500,00 €")
    assert ledger_row(html, "closing_balance") == money("946,91 €")
    assert ledger_row(html, "outstanding_advances") == money("300,00 €")
    assert "data-guarantee-warning" not in html


def test_the_card_sits_beside_the_guarantee_fund_figure(fund: None, board_client: Client) -> None:
    html = board_client.get("/years/2024/").content.decode()
    resources = html.split('id="resources-title"')[1].split("</section>")[0]

    assert 'data-card="guarantee-fund"' in resources
    assert "<caption>" in card(html) and 'scope="row"' in card(html)


def test_the_card_warns_when_the_advances_out_exceed_the_balance(fund: None, board_client: Client) -> None:
    html = board_client.get("/years/2023/").content.decode()

    assert ledger_row(html, "closing_balance") == money("346,91 €")
    assert ledger_row(html, "outstanding_advances") == money("500,00 €")
    warning = html.split("data-guarantee-warning")[1].split("</p>")[0]
    assert 'role="status"' in html.split("data-guarantee-warning")[0].rsplit("<p", 1)[1]
    assert '<span aria-hidden="true">⚠</span>' in warning  # an icon and words, not colour alone
    assert money("500,00 €") in warning and money("346,91 €") in warning


@pytest.mark.parametrize(
    ("advanced", "warned"),
    [("100.00", False), ("100.01", True)],
    ids=["equal-is-no-warning", "a-cent-above-warns"],
)
def test_the_warning_starts_above_the_balance(board_client: Client, advanced: str, warned: bool) -> None:
    # 10,000.00 of turnover at 2 %: 200.00 in. An advance of A out leaves 200.00 − A in the fund.
    actions.member_turnover_record(
        month=date(2024, 1, 1), turnover=D("10000.00"), structure_rate=D("5.50"), fund_rate=D("2.00")
    )
    make_advance(invoice=make_invoice(issue_date=date(2024, 2, 1)), amount=D(advanced), date=date(2024, 3, 1))

    html = board_client.get("/years/2024/").content.decode()

    balance = D("200.00") - D(advanced)
    assert ledger_row(html, "closing_balance") == money(f"{balance:.2f} €".replace(".", ","))
    assert ("data-guarantee-warning" in html) is warned


def test_the_ledgers_lines_open_the_records_behind_them(fund: None, staff_client: Client) -> None:
    html = staff_client.get("/years/2024/").content.decode()
    links = dict(re.findall(r'data-guarantee="(\w+)"[^>]*><th scope="row"><a href="([^"]+)"', card(html)))

    assert links["advances_paid"] == "/admin/services/guaranteeadvance/?date_year=2024"
    assert links["recoveries"] == "/admin/services/guaranteeadvance/?recovered_on_year=2024"
    assert links["outstanding_advances"] == "/admin/services/guaranteeadvance/?outstanding=2024"
    assert links["inflows"] == "/admin/services/memberturnover/?month_year=2024"
    # Each list lands on its number.
    for key, total in (
        ("advances_paid", "300.00"),
        ("recoveries", "500.00"),
        ("outstanding_advances", "300.00"),
    ):
        listing = staff_client.get(links[key].replace("&amp;", "&"))
        assert listing.context["filtered_total"] == D(total), key


def test_a_year_without_fund_shows_no_card(story_without_fund: None, board_client: Client) -> None:
    html = board_client.get("/years/2024/").content.decode()

    assert 'data-card="guarantee-fund"' not in html


@pytest.fixture
def story_without_fund(db: None) -> None:
    make_invoice(issue_date=date(2024, 2, 1))


def test_the_year_in_progress_shows_its_balance_to_date(fund: None, board_client: Client) -> None:
    with time_machine.travel("2024-09-01 10:00:00+02:00", tick=False), translation.override("en"):
        html = board_client.get("/years/2024/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Balance to date" in card(html)
    assert "Balance at 31 December" not in card(html)


def test_the_multi_year_page_shows_the_balance_at_each_year_end(fund: None, board_client: Client) -> None:
    html = board_client.get("/years/").content.decode()
    table = html.split('data-card="guarantee-fund-years"')[1].split("</table>")[0]
    rows = {
        year: [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r'<td class="num">(.*?)</td>', cells)
        ]
        for year, cells in re.findall(r'<tr data-year="(\d+)">(.*?)</tr>', table, re.S)
    }

    assert rows["2023"][:4] == [money("846,91 €"), money("621,00 €"), money("121,00 €"), money("346,91 €")]
    assert rows["2023"][4].startswith(money("500,00 €")) and "⚠" in rows["2023"][4]
    assert rows["2024"] == [
        money("400,00 €"),
        money("300,00 €"),
        money("500,00 €"),
        money("946,91 €"),
        money("300,00 €"),
    ]
