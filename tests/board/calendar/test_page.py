"""The calendar page: who reads it, what it shows month by month, and what it costs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from funding import actions
from smartiberica.board.calendar_feeds import calendar_feed_create
from smartiberica.kernel.roles import BOARD, STAFF
from tests.board.calendar.records import Records
from tests.funding.factories import make_agreement, make_loan_source, make_obligation

pytestmark = pytest.mark.django_db

URL = "/calendar/"


def client_for(role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    user = get_user_model().objects.create_user(username=role, password="x", is_staff=role != "outsider")
    if role in (BOARD, STAFF):
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("outsider", 403), (BOARD, 200), (STAFF, 200)]
)
def test_board_members_and_staff_read_the_page_and_nobody_else(db: None, role: str, status: int) -> None:
    response = client_for(role).get(URL)
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == f"/accounts/login/?next={URL}"


def test_the_page_lists_what_is_due_month_by_month_and_says_overdue_in_words(
    records: Records, staff_client: Client
) -> None:
    html = in_english(staff_client).get(URL).content.decode()
    assert '<h2 id="month-2025-03">March 2025</h2>' in html
    assert '<h2 id="month-2026-02">February 2026</h2>' in html
    assert "month-2026-03" not in html
    may = html.split('id="month-2025-05"')[1].split("</section>")[0]
    assert "Nothing due this month." in may
    march = html.split('id="month-2025-03"')[1].split("</section>")[0]
    assert "Instalment 2 of the loan FIARE-2025" in march
    assert '<caption class="visually-hidden">What is due in March 2025</caption>' in march
    row = march.split(f'data-entry="instalment-{records.loan}-2"')[1].split("</tr>")[0]
    assert 'data-status="overdue"' in html and ">Overdue</span>" in row
    assert f'href="/admin/funding/loan/{records.loan}/change/"' in row
    # The covenant due in February, still pending, heads the page.
    earlier = html.split('id="earlier-title"')[1].split("</section>")[0]
    assert "Debt ratio under 60 %" in earlier and ">Overdue</span>" in earlier
    assert f'href="/admin/funding/obligation/{records.covenant}/change/"' in earlier


def test_the_page_moves_twelve_months_at_a_time(records: Records, board_client: Client) -> None:
    html = board_client.get(URL).content.decode()
    assert 'href="?from=2024-03"' in html and 'href="?from=2026-03"' in html
    html = board_client.get(URL + "?from=2026-03").content.decode()
    assert 'id="month-2026-03"' in html and 'id="month-2027-02"' in html
    assert 'id="month-2026-02"' not in html and 'id="month-2027-03"' not in html
    assert 'id="earlier-title"' not in html  # today is not among these months


def test_a_month_it_cannot_read_shows_the_months_from_this_one(db: None, board_client: Client) -> None:
    html = board_client.get(URL + "?from=nonsense").content.decode()
    assert 'id="month-2025-03"' in html and 'id="month-2026-02"' in html


def test_the_last_page_has_no_next_link(db: None, board_client: Client) -> None:
    html = board_client.get(URL + "?from=2099-01").content.decode()
    assert 'id="month-2099-12"' in html
    assert "?from=2100" not in html and 'href="?from=2098-01"' in html


def test_a_reader_without_the_admin_is_led_to_the_year_pages(records: Records) -> None:
    reader = get_user_model().objects.create_user("lector", password="x")
    reader.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    client = Client()
    client.force_login(reader)
    html = client.get(URL).content.decode()
    row = html.split(f'data-entry="obligation-{records.report}"')[1].split("</tr>")[0]
    assert 'href="/years/2025/"' in row
    assert "/admin/" not in html.split("<main")[1]


def test_the_navigation_links_to_the_calendar(db: None, board_client: Client) -> None:
    html = board_client.get(URL).content.decode()
    assert f'<a href="{URL}">' in html.split('class="main-nav"')[1].split("</nav>")[0]


def more_records(n: int) -> None:
    fiare = make_loan_source()
    agreement = make_agreement(
        committed_amount=Decimal("100000.00"), period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
    )
    for i in range(n):
        make_obligation(source=fiare, due_date=date(2025, 4 + i % 8, 1 + i))
        actions.tranche_add(agreement=agreement, date=date(2025, 4 + i % 8, 10), amount=Decimal("100.00"))


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# Whether the data is the demo's (every page asks), session and user, the user's two kinds of
# permissions, the obligations overdue before the months, the four kinds of entries, the user's feed.
PAGE_QUERIES = 11


def test_the_page_costs_a_fixed_number_of_queries_whatever_it_lists(
    records: Records, staff_client: Client
) -> None:
    calendar_feed_create(user=get_user_model().objects.get(username="sara"), language="es")
    few = queries(staff_client, URL)
    more_records(20)
    assert (few, queries(staff_client, URL)) == (PAGE_QUERIES, PAGE_QUERIES)
