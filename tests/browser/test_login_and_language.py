from typing import Any

import pytest

from tests.conftest import PASSWORD


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("h1")


@pytest.mark.django_db(transaction=True)
def test_a_board_member_logs_in_and_lands_on_the_figures_in_spanish(
    page: Any, live_server: Any, board_user: Any
) -> None:
    log_in(page, live_server.url, "berta")
    assert "/years/" in page.url
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text().startswith("Cifras ")
    assert page.locator("button:has-text('Cerrar sesión')").is_visible()


@pytest.mark.django_db(transaction=True)
def test_the_language_switcher_turns_the_page_english_then_french(
    page: Any, live_server: Any, board_user: Any
) -> None:
    log_in(page, live_server.url, "berta")
    assert page.locator("h3", has_text="Ratio de autofinanciación").is_visible()
    # Selecting is enough: the page submits the switcher itself.
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h3", has_text="Self-financing ratio").is_visible()
    with page.expect_navigation():
        page.select_option("select[name=language]", "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h3", has_text="Taux d’autofinancement").is_visible()


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_keeps_the_visitor_out(page: Any, live_server: Any, board_user: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "berta")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit].primary")
    page.wait_for_selector("[role=alert]")
    assert "/accounts/login/" in page.url
