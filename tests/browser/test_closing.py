"""A board member approves a year and shares its board pack; a funder reads it without an account."""

from __future__ import annotations

from typing import Any

import pytest

from tests.board.story import build
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_login_and_language import log_in


@pytest.fixture
def live_story(transactional_db: None, seeded_reference_data: None) -> None:
    build()


@pytest.mark.usefixtures("live_story")
def test_a_board_member_approves_a_year_and_shares_its_pack_with_a_funder(
    page: Any, browser: Any, live_server: Any, board_user: Any
) -> None:
    base = live_server.url
    log_in(page, base, "berta")

    # The approval page (year-approve): a note and a submit button.
    page.goto(f"{base}/years/2024/approve/")
    page.fill("textarea[name=note]", "Cuentas aprobadas en la asamblea")
    with page.expect_navigation():
        page.locator("form:has(textarea[name=note]) button[type=submit]").click()
    assert page.url.endswith("/years/2024/")

    section = page.locator("#funder-links")
    section.locator("input[name=reader_name]").fill("Ana, Fiare Banca Etica")
    section.locator("input[name=reader_email]").fill("ana@fiare.example")
    with page.expect_navigation():
        section.locator("form.funder-link-form button[type=submit]").click()
    link = page.locator("input.shared-link").input_value()
    assert "/shared/" in link
    page.screenshot(path=str(ARTIFACTS / "funder-link-created.png"), full_page=True)

    # The funder: a fresh browser, no account.
    funder = browser.new_context(locale="es-ES")
    tab = funder.new_page()
    response = tab.goto(link)
    assert response.status == 200
    assert "2024" in tab.locator("h1").inner_text()
    assert "Ana, Fiare Banca Etica" in tab.locator("[data-shared-with]").inner_text()
    assert tab.locator("[data-figure=self_financing] .value").is_visible()
    tab.screenshot(path=str(ARTIFACTS / "funder-pack-2024.png"), full_page=True)
    for path in ("/", "/years/", "/admin/"):
        tab.goto(f"{base}{path}")
        assert "login" in tab.url, path

    # The board member revokes the link; the funder's next visit finds nothing.
    page.goto(f"{base}/years/2024/")
    with page.expect_navigation():
        page.locator("#funder-links tr:has-text('Ana, Fiare Banca Etica') button[type=submit]").click()
    assert page.locator("#funder-links").get_by_text("1", exact=True).count() == 1  # one view logged
    assert tab.goto(link).status == 404
    funder.close()
