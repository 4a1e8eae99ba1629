"""The members' monthly turnover and the margin rules that price it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction

from smartiberica.kernel.history import bulk_create_audited

from .. import validation as v
from ..choices import MarginRuleKind
from ..models import MarginBand, MarginRule, MemberTurnover


@transaction.atomic
def member_turnover_record(
    *,
    month: date,
    turnover: Decimal,
    active_members: int | None = None,
    structure_rate: Decimal | None = None,
    fund_rate: Decimal | None = None,
) -> MemberTurnover:
    """Create or update the turnover of a month (any day of it may be given).

    Without rates the margin rule in force for the month applies when figures are
    read; a month with neither its own rates nor a rule in force is refused.
    """
    first = month.replace(day=1)
    row = MemberTurnover.objects.select_for_update().filter(month=first).first() or MemberTurnover(
        month=first
    )
    row.turnover = turnover
    row.active_members = active_members
    row.structure_rate = structure_rate
    row.fund_rate = fund_rate
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def margin_rule_create(
    *,
    name: str,
    valid_from: date,
    valid_to: date | None = None,
    structure_rate: Decimal | None = None,
    fund_rate: Decimal | None = None,
    bands: Sequence[tuple[Decimal, Decimal, Decimal]] = (),
) -> MarginRule:
    """A flat rule (structure + fund rates) or, with `bands` of (lower bound,
    structure rate, fund rate), a banded one."""
    kind = MarginRuleKind.BANDED if bands else MarginRuleKind.FLAT
    rule = MarginRule(
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        kind=kind,
        structure_rate=structure_rate,
        fund_rate=fund_rate,
    )
    rule.full_clean()
    v.validate_bands(kind=kind, lower_bounds=[Decimal(b[0]) for b in bands])
    rule.save()
    band_objects = [
        MarginBand(rule=rule, lower_bound=lower, structure_rate=structure, fund_rate=fund)
        for lower, structure, fund in bands
    ]
    for band in band_objects:
        band.full_clean()
    bulk_create_audited(band_objects, MarginBand)
    return rule
