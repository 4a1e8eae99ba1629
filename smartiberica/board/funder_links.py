"""Links for funders: a read-only link to one closed year's board pack, for a reader without an account.

The token is `secrets.token_urlsafe(32)`, shown once to whoever creates the link; only its SHA-256
(hex) is stored, a visit's token is looked up by that hash and compared with `hmac.compare_digest`.
A link opens its year's pack while it is neither revoked nor expired and the year has stayed
closed since the link was made: a reopening kills the link for good, even if the year is approved
again later (the pack the reader was given no longer exists). Every visit is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartiberica.board.closing import ERR_YEAR_NOT_CLOSED
from smartiberica.board.models import FunderLink, FunderLinkView, YearApproval
from smartiberica.kernel.closed_years import is_closed
from smartiberica.kernel.models import ClosedYear
from smartiberica.kernel.roles import DASHBOARD_PERMISSION
from smartiberica.kernel.text import validate_single_line

DEFAULT_DAYS = 90
MAX_DAYS = 366
TOKEN_BYTES = 32

ERR_MAY_NOT_SHARE = _("Only staff and board members may share a year's board pack.")
ERR_READER_NAME_REQUIRED = _("Say who the link is for.")
ERR_DAYS_OUT_OF_RANGE = _("A link lasts from 1 to %(max)s days.")
ERR_ALREADY_REVOKED = _("This link was revoked already.")


class FunderLinkNotFound(Exception):
    """No usable link for that token: unknown, revoked, expired, or its year was reopened."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_may_share(user: User) -> None:
    if not (user.is_active and user.has_perm(DASHBOARD_PERMISSION)):
        raise ValidationError(ERR_MAY_NOT_SHARE, code="may_not_share")


def _year_approved(year: int) -> bool:
    return is_closed(year) and YearApproval.objects.approvals().of_year(year).exists()


@transaction.atomic
def funder_link_create(
    *, year: int, reader_name: str, reader_email: str, created_by: User, days: int = DEFAULT_DAYS
) -> tuple[FunderLink, str]:
    """A link to `year`'s pack for one reader, and its token (returned this once, stored hashed).

    Refused when `year` is not closed, the reader's name is missing or spans lines, the e-mail is
    not valid, or the link would last less than a day or more than `MAX_DAYS`.
    """
    _check_may_share(created_by)
    if not _year_approved(year):
        raise ValidationError(ERR_YEAR_NOT_CLOSED, code="year_not_closed", params={"year": year})
    reader_name = reader_name.strip()
    if not reader_name:
        raise ValidationError({"reader_name": ValidationError(ERR_READER_NAME_REQUIRED, code="required")})
    try:
        validate_single_line(reader_name)
    except ValidationError as error:
        raise ValidationError({"reader_name": error}) from error
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": ValidationError(ERR_DAYS_OUT_OF_RANGE, code="days", params={"max": MAX_DAYS})}
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = FunderLink(
        year=year,
        reader_name=reader_name,
        reader_email=reader_email.strip(),
        token_hash=token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    link.full_clean()
    link.save()
    return link, token


@transaction.atomic
def funder_link_revoke(*, link: FunderLink, user: User) -> FunderLink:
    """Revoke `link` now: its token answers 404 from then on; the link stays listed."""
    _check_may_share(user)
    # Locked, so that two clicks do not both revoke (and the second one says so).
    link = FunderLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ValidationError(ERR_ALREADY_REVOKED, code="already_revoked")
    link.revoked_at = timezone.now()
    link.revoked_by = user
    link.full_clean()
    link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def _usable_link(token: str, *, now: datetime) -> FunderLink | None:
    """The link of `token` if it still opens its pack (one query)."""
    digest = token_hash(token)
    reopened_since = YearApproval.objects.filter(
        year=OuterRef("year"), event=YearApproval.Event.REOPENED, at__gte=OuterRef("created_at")
    )
    link = (
        FunderLink.objects.usable(now=now)
        .filter(token_hash=digest, year__in=ClosedYear.objects.values("year"))
        .exclude(Exists(reopened_since))
        .first()
    )
    # The database compared the hashes already; compare again in constant time, whatever the
    # collation or the backend did.
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    return link


@transaction.atomic
def funder_link_open(*, token: str, address: str | None, user_agent: str, path: str) -> FunderLink:
    """The link of `token`, with this visit logged; `FunderLinkNotFound` when it opens nothing."""
    link = _usable_link(token, now=timezone.now())
    if link is None:
        raise FunderLinkNotFound
    view = FunderLinkView(
        link=link,
        address=address or None,
        user_agent=user_agent[: FunderLinkView._meta.get_field("user_agent").max_length],
        path=path[: FunderLinkView._meta.get_field("path").max_length],
    )
    # The link was read a moment ago: no need to query it again to validate the foreign key.
    view.full_clean(exclude=["link"])
    view.save()
    return link


@dataclass(frozen=True)
class LinkRow:
    """One link in the list of a closed year's page."""

    link: FunderLink
    views: int
    status: str  # "active", "expired" or "revoked"

    @property
    def active(self) -> bool:
        return self.status == "active"


def year_links(year: int, *, now: datetime | None = None) -> list[LinkRow]:
    """The links made for `year`, newest first, with their views counted (one query)."""
    now = now or timezone.now()
    rows = (
        FunderLink.objects.filter(year=year)
        .select_related("created_by", "revoked_by")
        .annotate(views_count=Count("views"))
    )
    return [
        LinkRow(
            link=link,
            views=link.views_count,  # type: ignore[attr-defined]  # the annotation above
            status="revoked" if link.revoked_at else ("expired" if link.expires_at <= now else "active"),
        )
        for link in rows
    ]
