"""Small worlds for the alert rules, written through the factories (hence the actions).

A year's resources are its services revenue (net invoice lines, no member turnover, so no member
margin) and the receipts of a grant; its costs are expenses. `configure` sets a rule as staff
would, through `alert_rule_update`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from smartiberica.board.alert_actions import alert_rule_update
from smartiberica.board.alert_models import AlertRule
from tests.funding.factories import make_expense, make_receipt, make_source
from tests.services.factories import line, make_client, make_invoice

D = Decimal
# The day the tests judge: 15 June 2025 (tests/board/alerts/conftest.py freezes it).
TODAY = date(2025, 6, 15)
FROZEN = "2025-06-15 10:00:00+02:00"


def editor() -> Any:
    user, _created = get_user_model().objects.get_or_create(
        username="rules-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def rule(key: str) -> AlertRule:
    return AlertRule.objects.get(rule=key)


def configure(
    key: str, *, threshold: str | None = None, enabled: bool = True, recipients: Sequence[Any] = ()
) -> AlertRule:
    """Set rule `key` as staff would: its threshold (unchanged when None), on or off, who is told."""
    current = rule(key)
    return alert_rule_update(
        rule=current,
        by=editor(),
        threshold=current.threshold if threshold is None else D(threshold),
        enabled=enabled,
        recipients=recipients,
    )


def only(*keys: str) -> None:
    """Switch every rule off but `keys`."""
    for item in AlertRule.objects.all():
        configure(item.rule, enabled=item.rule in keys)


def invoiced(amounts: Sequence[str], *, year: int = 2024, names: Sequence[str] = ()) -> list[Any]:
    """One client per amount, each invoiced that net amount on 1 March of `year`; returns the clients."""
    clients = []
    for n, amount in enumerate(amounts):
        client = make_client(name=names[n] if n < len(names) else None)
        make_invoice(client=client, issue_date=date(year, 3, 1), lines=[line(amount)])
        clients.append(client)
    return clients


def granted(amount: str, *, year: int = 2024, name: str = "Junta de Andalucía") -> Any:
    """A grant's receipt of `amount` on 1 May of `year`; returns its source."""
    source = make_source(name=name)
    make_receipt(source=source, date=date(year, 5, 1), amount=D(amount))
    return source


def spent(amount: str, *, on: date = date(2024, 4, 1)) -> None:
    make_expense(date=on, amount=D(amount))
