"""The e-mail digest of the alerts (`manage.py send_alerts`, run daily by cron or a systemd timer).

Each user told by an enabled rule (`AlertRule.recipients`, still active and allowed to see the
board's figures) gets one e-mail holding the alerts of their rules that are new or changed since
the last digest (a notice's fingerprint differs, or there is none), written in their language
(`UserPreference`, else settings.LANGUAGE_CODE), each alert with absolute links
(settings.SITE_URL). A user with nothing new gets nothing; one without an e-mail address is
skipped and counted. After a successful send the user's notices become the alerts now raised, in
the same transaction (`alert_actions.alert_digest_deliver`), so running it twice sends nothing
new, and an alert raised again after it was gone is new. See docs/alerts.md.

Queries: the subscriptions (one), the alerts of the day (`alerts.alerts_now`), the notices (one),
then per user e-mailed or with notices to forget, a few writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from smartiberica.board.alert_actions import alert_digest_deliver, alert_notices_record, may_be_told
from smartiberica.board.alert_models import AlertNotice, AlertRule
from smartiberica.board.alert_rules import Alert
from smartiberica.board.alerts import alerts_now


@dataclass
class Recipient:
    user: Any
    language: str
    rules: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class DigestLink:
    text: str
    url: str


@dataclass(frozen=True)
class DigestItem:
    label: str
    message: str
    links: tuple[DigestLink, ...]


@dataclass
class DigestReport:
    sent: int = 0  # e-mails sent (or, in a dry run, that would be)
    alerts: int = 0  # alerts in those e-mails
    without_email: list[str] = field(default_factory=list)  # usernames with something new but no address
    failed: list[str] = field(default_factory=list)  # usernames whose e-mail could not be sent
    lines: list[str] = field(default_factory=list)  # one line per e-mail, for the command's output


def _language(user: Any) -> str:
    preference = getattr(user, "preference", None)
    known = dict(settings.LANGUAGES)
    return (
        preference.language
        if preference is not None and preference.language in known
        else settings.LANGUAGE_CODE
    )


def recipients() -> list[Recipient]:
    """The users told by an enabled rule, with their rules and language, by username. One query."""
    through = AlertRule.recipients.through
    rows = (
        through.objects.filter(alertrule__enabled=True, user__in=may_be_told())
        .select_related("alertrule", "user__preference")
        .order_by("user__username", "alertrule_id")
    )
    found: dict[int, Recipient] = {}
    for row in rows:
        recipient = found.setdefault(row.user_id, Recipient(user=row.user, language=_language(row.user)))
        recipient.rules.add(row.alertrule.rule)
    return list(found.values())


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _items(alerts: Sequence[Alert]) -> list[DigestItem]:
    """The alerts as the e-mail shows them, in the active language."""
    return [
        DigestItem(
            label=alert.label,
            message=alert.message,
            links=tuple(DigestLink(link.text, absolute(link.url)) for link in alert.links),
        )
        for alert in alerts
    ]


def message_for(recipient: Recipient, alerts: Sequence[Alert], *, on: date) -> EmailMultiAlternatives:
    """The digest e-mail of `recipient` holding `alerts`, in the recipient's language."""
    with translation.override(recipient.language):
        count = len(alerts)
        subject = ngettext("SmartIberica: %(count)d alert", "SmartIberica: %(count)d alerts", count) % {
            "count": count
        }
        context = {
            "user": recipient.user,
            "items": _items(alerts),
            "on": on,
            "rules_url": absolute(reverse("admin:board_alertrule_changelist")),
            "language": recipient.language,
        }
        text = render_to_string("board/email/alert_digest.txt", context)
        html = render_to_string("board/email/alert_digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.user.email])
    message.attach_alternative(html, "text/html")
    return message


def _sent_line(count: int, email: str, language: str, *, dry_run: bool) -> str:
    values = {"count": count, "email": email, "language": language}
    if dry_run:
        return (
            ngettext(
                "Would send %(count)d alert to %(email)s (%(language)s).",
                "Would send %(count)d alerts to %(email)s (%(language)s).",
                count,
            )
            % values
        )
    return (
        ngettext(
            "Sent %(count)d alert to %(email)s (%(language)s).",
            "Sent %(count)d alerts to %(email)s (%(language)s).",
            count,
        )
        % values
    )


def send_digest(*, on: date, dry_run: bool = False) -> DigestReport:
    """Send each recipient the alerts of the day `on` that are new or changed for them."""
    report = DigestReport()
    people = recipients()
    if not people:
        return report
    alerts = alerts_now(on=on)
    told: dict[tuple[int, str], str] = {
        (user_id, key): fingerprint
        for user_id, key, fingerprint in AlertNotice.objects.filter(
            user_id__in=[p.user.pk for p in people]
        ).values_list("user_id", "alert_key", "fingerprint")
    }
    now = timezone.now()
    for person in people:
        user = person.user
        theirs = [alert for alert in alerts if alert.rule in person.rules]
        new = [alert for alert in theirs if told.get((user.pk, alert.key)) != alert.fingerprint]
        stale = {key for (user_id, key) in told if user_id == user.pk} - {alert.key for alert in theirs}
        if new and not user.email:
            report.without_email.append(user.get_username())
            continue
        if dry_run:
            if new:
                report.sent += 1
                report.alerts += len(new)
                report.lines.append(_sent_line(len(new), user.email, person.language, dry_run=True))
            continue
        if not new:
            if stale:
                alert_notices_record(user=user, alerts=theirs, at=now)
            continue
        message = message_for(person, new, on=on)
        try:
            alert_digest_deliver(user=user, alerts=theirs, send=message.send, at=now)
        except OSError as error:  # smtplib's errors are OSErrors: the next run tries again
            report.failed.append(user.get_username())
            report.lines.append(
                gettext("Could not send to %(email)s: %(error)s") % {"email": user.email, "error": error}
            )
            continue
        report.sent += 1
        report.alerts += len(new)
        report.lines.append(_sent_line(len(new), user.email, person.language, dry_run=False))
    return report
