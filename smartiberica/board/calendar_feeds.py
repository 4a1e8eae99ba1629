"""Each user's calendar feed: a secret, revocable iCalendar address for the board's calendar apps.

The token is `secrets.token_urlsafe(32)`, shown once to the user who creates the feed; only its
SHA-256 (hex) is stored, a request's token is looked up by that hash and compared with
`hmac.compare_digest`. A user has one active feed at most: creating one revokes the previous one
(a database constraint holds it too). A feed answers while it is not revoked and its owner is
active and may still see the board's figures; otherwise its address answers 404 like an unknown one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartiberica.board.models import CalendarFeed
from smartiberica.kernel.roles import DASHBOARD_PERMISSION

TOKEN_BYTES = 32

ERR_MAY_NOT_SUBSCRIBE = _("Only staff and board members may subscribe to the board's calendar.")
ERR_NO_ACTIVE_FEED = _("You have no calendar subscription to revoke.")


class CalendarFeedNotFound(Exception):
    """No feed answers for that token: unknown, revoked, or its owner may no longer see the figures."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_subscribe(user: User) -> bool:
    return user.is_active and user.has_perm(DASHBOARD_PERMISSION)


def _language(code: str) -> str:
    """`code` if the site speaks it (`es-es` counts as `es`), else the default language."""
    known = {language for language, _name in settings.LANGUAGES}
    base = code.lower().split("-")[0]
    return base if base in known else settings.LANGUAGE_CODE


def _revoke_active(user: User) -> int:
    # The user's row is locked first, so that two clicks run one after the other: the second one
    # finds the first one's feed (there may be none to lock yet).
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    feeds = list(CalendarFeed.objects.active().filter(user=user))
    now = timezone.now()
    for feed in feeds:
        feed.revoked_at = now
        feed.full_clean()
        feed.save(update_fields=["revoked_at"])
    return len(feeds)


@transaction.atomic
def calendar_feed_create(*, user: User, language: str) -> tuple[CalendarFeed, str]:
    """A new feed for `user`, in `language`, and its token (returned this once, stored hashed).

    The user's previous feed, if any, is revoked. Refused for a user who may not see the figures.
    """
    if not may_subscribe(user):
        raise ValidationError(ERR_MAY_NOT_SUBSCRIBE, code="may_not_subscribe")
    _revoke_active(user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(user=user, token_hash=token_hash(token), language=_language(language))
    feed.full_clean()
    feed.save()
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    """Revoke `user`'s feed now: its address answers 404 from then on."""
    if _revoke_active(user) == 0:
        raise ValidationError(ERR_NO_ACTIVE_FEED, code="no_active_feed")


def active_feed(user: User) -> CalendarFeed | None:
    """`user`'s feed that still answers, if any (one query)."""
    return CalendarFeed.objects.active().filter(user=user).first()


def calendar_feed_open(*, token: str) -> CalendarFeed:
    """The feed of `token`, with its owner; `CalendarFeedNotFound` when it answers nothing.

    Three queries: the feed and its owner, then the owner's permissions.
    """
    digest = token_hash(token)
    feed = CalendarFeed.objects.active().select_related("user").filter(token_hash=digest).first()
    # The database compared the hashes already; compare again in constant time, whatever the
    # collation or the backend did.
    if feed is None or not hmac.compare_digest(feed.token_hash, digest) or not may_subscribe(feed.user):
        raise CalendarFeedNotFound
    return feed
