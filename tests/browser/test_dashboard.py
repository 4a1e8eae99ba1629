"""A board member reads the dashboard in a real browser."""

from pathlib import Path
from typing import Any

import pytest

from tests.board.story import build
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_login_and_language import log_in

NBSP = "\u00a0"


@pytest.fixture
def live_story(transactional_db: None, seeded_reference_data: None) -> None:
    build()


def figure(page: Any, key: str) -> str:
    return str(page.locator(f'[data-figure="{key}"] .value').inner_text()).replace(NBSP, " ")


@pytest.mark.usefixtures("live_story")
def test_a_board_member_reads_changes_year_and_basis_and_language(
    page: Any, live_server: Any, board_user: Any
) -> None:
    log_in(page, live_server.url, "berta")
    assert page.url.endswith("/years/2024/")
    assert figure(page, "self_financing") == "96,0 %"
    assert figure(page, "client_concentration") == "70,4 %"
    assert page.locator("main svg").count() == 5
    assert page.locator("main svg").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "dashboard-2024-es.png"), full_page=True)

    page.click("text=Caja")
    assert "basis=cash" in page.url
    assert "12.000,00 €" in page.locator("table.figures").first.inner_text().replace(NBSP, " ")

    page.click(".year-nav >> text=2023")
    assert page.url.endswith("/years/2023/?basis=cash")
    assert page.locator("h1").inner_text() == "Cifras 2023"
    assert figure(page, "budget_execution") == "—"

    page.click("text=Devengo")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    # v2: 17,500 / 37,237.84 (in kind and the interest due are costs).
    assert figure(page, "self_financing") == "47.0%"
    page.screenshot(path=str(ARTIFACTS / "dashboard-2023-en.png"), full_page=True)


@pytest.mark.usefixtures("live_story")
def test_the_dashboard_prints_as_a_board_pack(page: Any, live_server: Any, board_user: Any) -> None:
    log_in(page, live_server.url, "berta")
    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible()
    assert not page.locator(".basis-toggle").is_visible()
    assert page.locator(".headline").first.is_visible()
    pdf = ARTIFACTS / "board-pack-2024.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert Path(pdf).read_bytes().startswith(b"%PDF")


@pytest.mark.usefixtures("live_story")
def test_a_board_member_never_sees_add_or_change_controls(
    page: Any, live_server: Any, board_user: Any
) -> None:
    log_in(page, live_server.url, "berta")
    with page.expect_navigation():  # drill down to the invoices behind the figure
        page.click("a:text-is('Ingresos por servicios')")
    assert "/admin/services/invoice/" in page.url
    assert page.locator("#result_list tbody tr").count() == 3
    assert page.locator("a.addlink").count() == 0
    assert page.locator("select[name=action]").count() == 0
    page.locator("#result_list tbody tr a").first.click()
    assert page.locator("input[type=submit]").count() == 0
    assert page.locator("a.deletelink").count() == 0
