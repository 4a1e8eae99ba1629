"""Every write of the alerts: the rules' thresholds and recipients, a user's language, and what
the digest sent. Typed, keyword-only, validated, atomic.

The rules themselves are fixed (one row per `AlertRule.Rule`, created by a data migration):
staff change a rule's threshold, switch it on or off and choose who is told, in the admin or
through `alert_rule_update`; nobody adds or deletes one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from smartiberica.board import alert_validation as av
from smartiberica.board.alert_models import AlertNotice, AlertRule, UserPreference
from smartiberica.board.alert_rules import Alert
from smartiberica.kernel.roles import DASHBOARD_PERMISSION

__all__ = [
    "EDIT_RULES_PERMISSION",
    "alert_digest_deliver",
    "alert_notices_record",
    "alert_rule_update",
    "alert_rules_subscribe",
    "may_be_told",
    "user_language_set",
]

EDIT_RULES_PERMISSION = "board.change_alertrule"


def may_be_told() -> Any:
    """The users a rule may tell: active, and allowed to see the board's figures."""
    return get_user_model().objects.with_perm(
        DASHBOARD_PERMISSION, is_active=True, backend="django.contrib.auth.backends.ModelBackend"
    )


def _validate_recipients(recipients: Sequence[Any]) -> None:
    allowed = set(may_be_told().filter(pk__in=[user.pk for user in recipients]).values_list("pk", flat=True))
    refused = [
        ValidationError(av.ERR_RECIPIENT_NOT_ALLOWED, code="recipient_not_allowed", params={"user": user})
        for user in recipients
        if user.pk not in allowed
    ]
    if refused:
        raise ValidationError({"recipients": refused})


@transaction.atomic
def alert_rule_update(
    *, rule: AlertRule, by: Any, threshold: Decimal, enabled: bool, recipients: Iterable[Any]
) -> AlertRule:
    """Set `rule`'s threshold (in its unit), whether it is on, and who is told (users, replacing
    the previous recipients). Refused unless `by` may change the rules, for a threshold out of
    the rule's range (or not whole, for days and months) or a recipient who may not be told."""
    if not (by.is_active and by.has_perm(EDIT_RULES_PERMISSION)):
        raise ValidationError(av.ERR_MAY_NOT_EDIT_RULES, code="may_not_edit_rules")
    # Locked: two editors saving at once write one after the other.
    locked = AlertRule.objects.select_for_update().get(pk=rule.pk)
    locked.threshold, locked.enabled = threshold, enabled
    people = list(recipients)
    errors: dict[str, list[ValidationError]] = {}
    for check in (
        lambda: av.validate_threshold(rule=locked.rule, threshold=threshold),
        lambda: locked.full_clean(),
        lambda: _validate_recipients(people),
    ):
        try:
            check()
        except ValidationError as error:
            error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    locked.save()
    locked.recipients.set(people)
    return locked


@transaction.atomic
def alert_rules_subscribe(*, by: Any, users: Sequence[Any]) -> int:
    """Tell `users` of every rule (on or off), keeping those told already; returns how many rules.
    Refused like `alert_rule_update`."""
    rules = list(AlertRule.objects.order_by("pk").prefetch_related("recipients"))
    for rule in rules:
        alert_rule_update(
            rule=rule,
            by=by,
            threshold=rule.threshold,
            enabled=rule.enabled,
            recipients={*rule.recipients.all(), *users},
        )
    return len(rules)


@transaction.atomic
def user_language_set(*, user: Any, language: str) -> UserPreference:
    """Remember `user`'s language (a code of settings.LANGUAGES) for the e-mails sent to them."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": ValidationError(av.ERR_UNKNOWN_LANGUAGE, code="unknown_language")})
    preference, _created = UserPreference.objects.select_for_update().get_or_create(
        user=user, defaults={"language": language}
    )
    if preference.language != language:
        preference.language = language
        preference.full_clean()
        preference.save()
    return preference


@transaction.atomic
def alert_notices_record(*, user: Any, alerts: Sequence[Alert], at: datetime) -> None:
    """What the digest told `user` is now exactly `alerts`: each one's fingerprint is kept (sent
    again only when it changes), and the notices of alerts no longer raised are forgotten (one
    raised again later is new)."""
    keys = [alert.key for alert in alerts]
    AlertNotice.objects.filter(user=user).exclude(alert_key__in=keys).delete()
    known = {notice.alert_key: notice for notice in AlertNotice.objects.select_for_update().filter(user=user)}
    for alert in alerts:
        notice = known.get(alert.key) or AlertNotice(user=user, alert_key=alert.key)
        if notice.pk is not None and notice.fingerprint == alert.fingerprint:
            continue
        notice.fingerprint, notice.sent_at = alert.fingerprint, at
        # One notice per user and alert: the rows are locked above, so no unique check is needed.
        notice.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
        notice.save()


@transaction.atomic
def alert_digest_deliver(
    *, user: Any, alerts: Sequence[Alert], send: Callable[[], object], at: datetime
) -> None:
    """Send `user` their digest (`send`, which raises when the message cannot leave), then record
    `alerts` (every alert now raised for them) as told, in one transaction: a failed send records
    nothing, so the next digest tries again."""
    send()
    alert_notices_record(user=user, alerts=alerts, at=at)
