from typing import Any

import pytest

from tests.conftest import PASSWORD


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")


@pytest.mark.django_db(transaction=True)
def test_a_board_member_logs_in_and_reads_the_home_page_in_spanish(
    page: Any, live_server: Any, board_user: Any
) -> None:
    log_in(page, live_server.url, "berta")
    page.wait_for_selector("text=Hola, berta")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("button:has-text('Cerrar sesión')").is_visible()


@pytest.mark.django_db(transaction=True)
def test_the_language_switcher_turns_the_page_english_then_french(
    page: Any, live_server: Any, board_user: Any
) -> None:
    log_in(page, live_server.url, "berta")
    page.wait_for_selector("text=Hola, berta")
    # Selecting is enough: the page submits the switcher itself.
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_selector("text=Welcome, berta")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.select_option("select[name=language]", "fr")
    page.wait_for_selector("text=Bonjour, berta")
    assert page.locator("html").get_attribute("lang") == "fr"


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_keeps_the_visitor_out(page: Any, live_server: Any, board_user: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "berta")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit].primary")
    page.wait_for_selector("[role=alert]")
    assert "/accounts/login/" in page.url
