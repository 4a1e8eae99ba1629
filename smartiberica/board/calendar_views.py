"""The calendar page (what is due, month by month) and each user's iCalendar feed.

Signed-in users with the dashboard permission (board and staff) read the page and create or
revoke their own feed there. The feed's address needs no login: `calendar/feed/<token>.ics` answers
the owner's calendar, in the owner's language, to whoever holds the token (a calendar app), and 404
once the feed is revoked or for a token nobody holds.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from smartiberica.board import calendar_feeds
from smartiberica.board.calendar import (
    EntryLinks,
    calendar_entries,
    calendar_page,
    default_start,
    feed_range,
    parse_start,
)
from smartiberica.board.calendar_ics import to_ical
from smartiberica.kernel.roles import DASHBOARD_PERMISSION


def _user(request: HttpRequest) -> User:
    # `permission_required` lets only a signed-in user through; this tells the type checker so.
    if isinstance(request.user, AnonymousUser):
        raise PermissionDenied
    return request.user


def _render_page(request: HttpRequest, *, feed_url: str = "") -> HttpResponse:
    user = _user(request)
    start = parse_start(request.GET.get("from")) or default_start()
    context = {
        # Read whole here (tuples of dataclasses), so the template runs no query.
        "page": calendar_page(start=start, links=EntryLinks.for_user(user)),
        "feed": calendar_feeds.active_feed(user),
        "feed_url": feed_url,
    }
    return render(request, "board/calendar.html", context)


@require_GET
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def calendar(request: HttpRequest) -> HttpResponse:
    return _render_page(request)


@require_POST
@never_cache
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def calendar_feed_new(request: HttpRequest) -> HttpResponse:
    """Create the user's feed (revoking the previous one) and show its address, this once."""
    try:
        _feed, token = calendar_feeds.calendar_feed_create(
            user=_user(request), language=translation.get_language() or ""
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(reverse("calendar") + "#subscribe")
    # Rendered, not redirected: the address is shown here once and stored nowhere readable.
    feed_url = request.build_absolute_uri(reverse("calendar-feed", args=[token]))
    return _render_page(request, feed_url=feed_url)


@require_POST
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    try:
        calendar_feeds.calendar_feed_revoke(user=_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your calendar subscription is revoked: its address no longer answers."))
    return redirect(reverse("calendar") + "#subscribe")


@require_GET
@never_cache
@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's calendar as iCalendar, from twelve months back to twenty-four ahead. Seven
    queries: the feed and its owner, the owner's permissions, the four kinds of entries."""
    try:
        feed = calendar_feeds.calendar_feed_open(token=token)
    except calendar_feeds.CalendarFeedNotFound:
        raise Http404(_("This calendar address answers nothing: it may have been revoked.")) from None
    first, last = feed_range()
    with translation.override(feed.language):
        entries = calendar_entries(first=first, last=last, links=EntryLinks.for_user(feed.user))
        body = to_ical(
            entries,
            name=_("SmartIberica Funding: what is due"),
            stamp=timezone.now(),
            absolute=request.build_absolute_uri,
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="smartiberica.ics"'
    # The token is in the URL: keep it out of other sites' logs and of search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
