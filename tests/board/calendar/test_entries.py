"""What the calendar lists: each kind of entry with its status, and the months of a page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from smartiberica.board.calendar import (
    CalendarEntry,
    EntryLinks,
    calendar_entries,
    calendar_page,
    feed_range,
    parse_start,
)
from tests.board.calendar.records import Records
from tests.funding.factories import make_approved_budget, make_budget

pytestmark = pytest.mark.django_db

NO_ADMIN = EntryLinks(frozenset())
NBSP = "\u00a0"


def summary(entries: list[CalendarEntry] | tuple[CalendarEntry, ...]) -> list[tuple[date, str, str, str]]:
    return [(e.day, e.kind, e.status, e.title) for e in entries]


def test_it_gathers_every_kind_of_entry_by_day_with_its_status(
    records: Records, django_assert_num_queries: Any
) -> None:
    with translation.override("en"), django_assert_num_queries(4):
        entries = calendar_entries(first=date(2025, 1, 1), last=date(2025, 12, 31), links=NO_ADMIN)
    assert summary(entries) == [
        (date(2025, 1, 31), "obligation", "done", "Audit 2024"),
        (date(2025, 2, 15), "instalment", "done", "Instalment 1 of the loan FIARE-2025"),
        (date(2025, 2, 28), "obligation", "overdue", "Debt ratio under 60 %"),
        (date(2025, 3, 15), "instalment", "overdue", "Instalment 2 of the loan FIARE-2025"),
        (date(2025, 4, 15), "instalment", "due", "Instalment 3 of the loan FIARE-2025"),
        (date(2025, 4, 30), "obligation", "due", "Yearly report 2024"),
        (date(2025, 6, 15), "tranche", "expected", "Expected tranche: Convenio Smart Belgium 2025"),
        (date(2025, 7, 31), "obligation", "waived", "Justificación primer semestre"),
        (date(2025, 12, 31), "budget", "done", "Approve the cost budget for 2026"),
    ]


def test_each_entry_says_where_it_comes_from_and_keeps_a_stable_uid(records: Records) -> None:
    with translation.override("en"):
        entries = {
            e.uid: e
            for e in calendar_entries(first=date(2025, 1, 1), last=date(2025, 12, 31), links=NO_ADMIN)
        }
    with translation.override("en"):  # the messages are lazy: read them in English
        report = entries[f"obligation-{records.report}"]
        assert report.detail == "Fiare Banca Etica · report · Informe anual Fiare 2024"
        assert (report.kind_label, report.status_label, report.overdue) == (
            "obligation to a funder",
            "due",
            False,
        )
    assert entries[f"obligation-{records.covenant}"].overdue
    assert entries[f"instalment-{records.loan}-3"].detail == "Fiare Banca Etica · €1,000.00"
    tranche = next(e for e in entries.values() if e.kind == "tranche")
    assert tranche.detail == "Smart Belgium · €60,000.00"
    assert entries["budget-approval-2026"].detail == "Approved on 03/01/2025."


def test_a_reader_of_the_admin_is_led_to_the_records_and_another_to_the_year_pages(
    records: Records, staff_user: Any
) -> None:
    window = {"first": date(2025, 1, 1), "last": date(2025, 12, 31)}
    staff = {e.uid: e.url for e in calendar_entries(**window, links=EntryLinks.for_user(staff_user))}
    assert staff[f"obligation-{records.report}"] == f"/admin/funding/obligation/{records.report}/change/"
    assert staff[f"instalment-{records.loan}-1"] == f"/admin/funding/loan/{records.loan}/change/"
    assert {url for uid, url in staff.items() if uid.startswith("tranche-")} == {
        f"/admin/funding/supportagreement/{records.agreement}/change/"
    }
    assert staff["budget-approval-2026"] == "/admin/funding/costbudget/?year=2026"
    reader = get_user_model().objects.create_user("lector", password="x")  # not staff: no admin
    board = {e.uid: e.url for e in calendar_entries(**window, links=EntryLinks.for_user(reader))}
    assert board[f"obligation-{records.report}"] == "/years/2025/"
    assert board["budget-approval-2026"] == "/years/2026/"


def test_the_budget_approval_is_due_until_31_december_then_overdue_until_approved(db: None) -> None:
    make_budget(year=2026)  # a draft does not count
    with translation.override("en"):
        (entry,) = calendar_entries(first=date(2025, 12, 1), last=date(2025, 12, 31), links=NO_ADMIN)
        assert (entry.day, entry.status, entry.title) == (
            date(2025, 12, 31),
            "due",
            "Approve the cost budget for 2026",
        )
        assert entry.detail == "No cost budget for 2026 is approved yet."
        (entry,) = calendar_entries(first=date(2024, 12, 31), last=date(2024, 12, 31), links=NO_ADMIN)
        assert (entry.status, entry.title) == ("overdue", "Approve the cost budget for 2025")
    make_approved_budget(year=2025, approved_on=date(2025, 1, 10))
    (entry,) = calendar_entries(first=date(2024, 12, 31), last=date(2024, 12, 31), links=NO_ADMIN)
    assert entry.status == "done"


def test_a_range_without_a_31_december_has_no_budget_approval(db: None) -> None:
    assert calendar_entries(first=date(2025, 1, 1), last=date(2025, 12, 30), links=NO_ADMIN) == []


def test_a_page_holds_twelve_months_and_the_obligations_overdue_before_them(
    records: Records, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(5):
        page = calendar_page(start=date(2025, 3, 1), links=NO_ADMIN)
    assert (page.first, page.last) == (date(2025, 3, 1), date(2026, 2, 28))
    assert [m.first_day for m in page.months] == [
        date(2025, 3, 1),
        *(date(2025, m, 1) for m in range(4, 13)),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    by_month = {m.first_day: [e.day for e in m.entries] for m in page.months}
    assert by_month[date(2025, 3, 1)] == [date(2025, 3, 15)]
    assert by_month[date(2025, 4, 1)] == [date(2025, 4, 15), date(2025, 4, 30)]
    assert by_month[date(2025, 5, 1)] == []
    assert by_month[date(2025, 12, 1)] == [date(2025, 12, 31)]
    assert [e.uid for e in page.earlier_overdue] == [f"obligation-{records.covenant}"]
    assert (page.previous_start, page.next_start) == (date(2024, 3, 1), date(2026, 3, 1))


def test_a_page_of_other_months_lists_nothing_from_before_them(
    records: Records, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(4):
        page = calendar_page(start=date(2025, 6, 1), links=NO_ADMIN)
    assert page.earlier_overdue == ()


@pytest.mark.parametrize(
    ("value", "start"),
    [
        ("2025-03", date(2025, 3, 1)),
        ("1990-01", date(1990, 1, 1)),
        ("2099-01", date(2099, 1, 1)),
        ("1989-12", None),
        ("2099-02", None),
        ("2025-13", None),
        ("2025", None),
        ("2025-03-01", None),
        ("marzo", None),
        ("", None),
        (None, None),
    ],
)
def test_the_first_month_is_read_from_year_and_month_within_the_record_dates(
    value: str | None, start: date | None
) -> None:
    assert parse_start(value) == start


def test_the_feed_runs_from_twelve_months_back_to_twenty_four_ahead() -> None:
    assert feed_range() == (date(2024, 3, 1), date(2027, 3, 31))
