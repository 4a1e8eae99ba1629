"""The board's calendar as iCalendar (RFC 5545), written with the `icalendar` library.

One all-day VEVENT per calendar entry, whose UID stays the same for the same record
(`obligation-17@smartiberica`), so a calendar app updates an event rather than adding another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from smartiberica.board.calendar import CalendarEntry, EntryStatus

PRODID = "-//SmartIberica Funding//Calendar//EN"
UID_DOMAIN = "smartiberica"
# How often calendar apps are asked to fetch the feed again.
REFRESH = timedelta(hours=12)
# Statuses a summary names: the others (due, expected) are what a calendar event means anyway.
_NAMED_STATUSES = (EntryStatus.OVERDUE, EntryStatus.DONE, EntryStatus.WAIVED)


def _summary(entry: CalendarEntry) -> str:
    if entry.status in _NAMED_STATUSES:
        return _("%(title)s (%(status)s)") % {"title": entry.title, "status": entry.status_label}
    return entry.title


def _event(entry: CalendarEntry, *, stamp: datetime, absolute: Callable[[str], str]) -> Event:
    event = Event()
    event.add("uid", f"{entry.uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    # A date (not a datetime): an all-day event, VALUE=DATE, ending the next day.
    event.add("dtstart", entry.day)
    event.add("dtend", entry.day + timedelta(days=1))
    event.add("summary", _summary(entry))
    description = f"{entry.detail}\n{entry.kind_label}: {entry.status_label}"
    event.add("description", description)
    event.add("categories", [entry.kind_label])
    event.add("url", absolute(entry.url))
    event.add("transp", "TRANSPARENT")  # a deadline does not make anybody busy
    return event


def to_ical(
    entries: Iterable[CalendarEntry], *, name: str, stamp: datetime, absolute: Callable[[str], str]
) -> bytes:
    """A VCALENDAR named `name` holding one event per entry; `stamp` (UTC) is each DTSTAMP and
    `absolute` turns an entry's relative URL into an absolute one."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for entry in entries:
        calendar.add_component(_event(entry, stamp=stamp, absolute=absolute))
    return calendar.to_ical()
