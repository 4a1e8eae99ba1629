"""Each user's iCalendar feed: made on the calendar page, read by calendar apps, revocable."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from icalendar import Calendar

from funding import selectors as funding_selectors
from smartiberica.board.calendar_feeds import (
    ERR_MAY_NOT_SUBSCRIBE,
    ERR_NO_ACTIVE_FEED,
    active_feed,
    calendar_feed_create,
    calendar_feed_revoke,
    token_hash,
)
from smartiberica.board.calendar_ics import PRODID
from smartiberica.board.models import CalendarFeed
from smartiberica.kernel.roles import BOARD
from tests.board.calendar.records import Records

pytestmark = pytest.mark.django_db


def feed_url(token: str) -> str:
    return f"/calendar/feed/{token}.ics"


def events_of(content: bytes) -> dict[str, Any]:
    return {str(event["UID"]): event for event in Calendar.from_ical(content).walk("VEVENT")}


# --- The demo's feed ------------------------------------------------------------------------------------


def test_the_demo_feed_parses_back_and_holds_the_fiare_yearly_reports(settings: Any) -> None:
    settings.DEBUG = True
    with time_machine.travel("2026-11-26 10:00:00+01:00", tick=False):
        call_command("load_demo", "--password", "s3cret", stdout=StringIO())
        board = get_user_model().objects.get(username="board")
        _feed, token = calendar_feed_create(user=board, language="es")
        response = Client().get(feed_url(token))
        reports = [
            due
            for due in funding_selectors.obligations_between(first=date(2025, 11, 1), last=date(2028, 11, 30))
            if due.source_code == "fiare"
        ]
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", PRODID)
    assert str(calendar["X-WR-CALNAME"])
    # From November 2025 to the end of November 2028: the reports due in April 2026 and 2027.
    assert [(due.due_date, due.status) for due in reports] == [
        (date(2026, 4, 30), "accepted"),
        (date(2027, 4, 30), "pending"),
    ]
    events = events_of(response.content)
    for due in reports:
        event = events[f"obligation-{due.id}@smartiberica"]
        assert event.decoded("DTSTART") == due.due_date  # a date: an all-day event
        assert event["DTSTART"].params["VALUE"] == "DATE"
        assert event.decoded("DTEND") == date(due.due_date.year, 5, 1)
        assert str(event["SUMMARY"]).startswith(due.description)
        assert f"Informe anual Fiare {due.due_date.year - 1}" in str(event["DESCRIPTION"])
        assert str(event["URL"]) == f"http://testserver/admin/funding/obligation/{due.id}/change/"
        assert event.decoded("DTSTAMP").tzinfo is not None
    # The loan was repaid in 2025 and the story approves each year's budget the December before.
    assert not [uid for uid in events if uid.startswith("instalment-")]
    assert "budget-approval-2027@smartiberica" in events


# --- The feed of the tests' records ---------------------------------------------------------------------


def test_the_feed_lists_the_calendar_in_its_owner_language(records: Records, staff_user: Any) -> None:
    _feed, english = calendar_feed_create(user=staff_user, language="en")
    events = events_of(Client().get(feed_url(english)).content)
    tranche = next(event for uid, event in events.items() if uid.startswith("tranche-"))
    assert "Smart Belgium · €60,000.00" in str(tranche["DESCRIPTION"])
    covenant = events[f"obligation-{records.covenant}@smartiberica"]
    assert str(covenant["SUMMARY"]) == "Debt ratio under 60 % (overdue)"
    assert str(events[f"instalment-{records.loan}-2@smartiberica"]["SUMMARY"]).endswith("(overdue)")
    assert str(events[f"obligation-{records.report}@smartiberica"]["SUMMARY"]) == "Yearly report 2024"
    _feed, spanish = calendar_feed_create(user=staff_user, language="es-es")
    assert CalendarFeed.objects.get(token_hash=token_hash(spanish)).language == "es"
    events = events_of(Client().get(feed_url(spanish)).content)
    tranche = next(event for uid, event in events.items() if uid.startswith("tranche-"))
    assert "Smart Belgium · 60.000,00\u00a0€" in str(tranche["DESCRIPTION"])


def test_the_feed_covers_twelve_months_back_and_twenty_four_ahead(records: Records, staff_user: Any) -> None:
    _feed, token = calendar_feed_create(user=staff_user, language="en")
    days = sorted(
        event.decoded("DTSTART") for event in events_of(Client().get(feed_url(token)).content).values()
    )
    # 30 April 2024's report is after 1 March 2024; 31 Dec 2026 and 2027's approvals are in range too.
    assert days[0] == date(2024, 4, 30)
    assert days[-1] == date(2026, 12, 31)


# Whether the data is the demo's (every response says so), the feed and its owner, the owner's two
# kinds of permissions, the four kinds of entries.
FEED_QUERIES = 8


def test_the_feed_costs_a_fixed_number_of_queries(
    records: Records, staff_user: Any, django_assert_num_queries: Any
) -> None:
    _feed, token = calendar_feed_create(user=staff_user, language="en")
    client = Client()
    with django_assert_num_queries(FEED_QUERIES):
        assert client.get(feed_url(token)).status_code == 200


# --- Revoked, unknown, replaced -------------------------------------------------------------------------


def test_a_revoked_feed_answers_404(db: None, board_user: Any) -> None:
    _feed, token = calendar_feed_create(user=board_user, language="es")
    assert Client().get(feed_url(token)).status_code == 200
    calendar_feed_revoke(user=board_user)
    assert Client().get(feed_url(token)).status_code == 404
    assert active_feed(board_user) is None


def test_an_unknown_token_answers_404(db: None, board_user: Any) -> None:
    _feed, token = calendar_feed_create(user=board_user, language="es")
    assert Client().get(feed_url(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404
    assert Client().get(feed_url("")).status_code == 404


def test_a_new_feed_revokes_the_previous_one(db: None, board_user: Any) -> None:
    old, old_token = calendar_feed_create(user=board_user, language="es")
    new, new_token = calendar_feed_create(user=board_user, language="fr")
    assert Client().get(feed_url(old_token)).status_code == 404
    assert Client().get(feed_url(new_token)).status_code == 200
    old.refresh_from_db()
    assert old.revoked_at is not None and active_feed(board_user) == new
    assert len(new_token) >= 43 and new.token_hash == token_hash(new_token) != new_token


def test_the_database_holds_one_active_feed_per_user(db: None, board_user: Any) -> None:
    calendar_feed_create(user=board_user, language="es")
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(user=board_user, token_hash="0" * 64, language="es")


def test_revoking_without_a_feed_says_so(db: None, board_user: Any) -> None:
    with pytest.raises(ValidationError) as error:
        calendar_feed_revoke(user=board_user)
    assert error.value.messages == [str(ERR_NO_ACTIVE_FEED)]


def test_a_user_without_the_dashboard_permission_cannot_create_a_feed(db: None) -> None:
    outsider = get_user_model().objects.create_user("otto", password="x", is_staff=True)
    with pytest.raises(ValidationError) as error:
        calendar_feed_create(user=outsider, language="es")
    assert error.value.messages == [str(ERR_MAY_NOT_SUBSCRIBE)]
    client = Client()
    client.force_login(outsider)
    assert client.post("/calendar/feed/new/").status_code == 403
    assert not CalendarFeed.objects.exists()


def test_a_feed_stops_when_its_owner_leaves_the_board(db: None, board_user: Any) -> None:
    _feed, token = calendar_feed_create(user=board_user, language="es")
    board_user.groups.remove(Group.objects.get(name=BOARD))
    assert Client().get(feed_url(token)).status_code == 404
    board_user.groups.add(Group.objects.get(name=BOARD))
    board_user.is_active = False
    board_user.save()
    assert Client().get(feed_url(token)).status_code == 404


# --- On the calendar page -------------------------------------------------------------------------------


def test_the_page_creates_the_feed_and_shows_its_address_once(
    db: None, board_client: Client, board_user: Any
) -> None:
    board_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = board_client.post("/calendar/feed/new/")
    assert response.status_code == 200
    feed = active_feed(board_user)
    assert feed is not None and feed.language == "fr"
    html = response.content.decode()
    url = html.split('id="feed-url"')[1].split('value="')[1].split('"')[0]
    assert url.startswith("http://testserver/calendar/feed/") and url.endswith(".ics")
    token = url.removeprefix("http://testserver/calendar/feed/").removesuffix(".ics")
    assert feed.token_hash == token_hash(token)
    assert Client().get(feed_url(token)).status_code == 200
    later = board_client.get("/calendar/").content.decode()
    assert token not in later and 'id="feed-url"' not in later
    assert 'action="/calendar/feed/revoke/"' in later


def test_the_page_revokes_the_feed(db: None, board_client: Client, board_user: Any) -> None:
    _feed, token = calendar_feed_create(user=board_user, language="es")
    response = board_client.post("/calendar/feed/revoke/")
    assert response.status_code == 302 and response["Location"] == "/calendar/#subscribe"
    assert Client().get(feed_url(token)).status_code == 404
    assert 'action="/calendar/feed/revoke/"' not in board_client.get("/calendar/").content.decode()


def test_the_feed_and_subscription_urls_refuse_the_wrong_methods(
    db: None, board_client: Client, board_user: Any
) -> None:
    assert board_client.get("/calendar/feed/new/").status_code == 405
    assert board_client.get("/calendar/feed/revoke/").status_code == 405
    _feed, token = calendar_feed_create(user=board_user, language="es")
    assert Client().post(feed_url(token)).status_code in (403, 405)  # no CSRF token, and GET only
    assert Client().get(feed_url(token))["Referrer-Policy"] == "no-referrer"
