"""Every write of the projection's scenarios: typed, keyword-only, validated, atomic.

The scenario pages, the admin and the demo write through here. Each action refuses a user
without `EDIT_SCENARIOS_PERMISSION`, applies the rules of `scenario_validation` (the pairs of
parameters, then `full_clean()` for the fields and the unique slug) and raises one
`ValidationError` listing every broken rule by field, writing nothing. The extra monthly revenue
and costs are given whole (`{service line id: amount}`, `{category id: amount}`): the stored rows
become exactly those.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from smartiberica.board import scenario_validation as sv
from smartiberica.board.models import Scenario, ScenarioCost, ScenarioRevenue
from smartiberica.kernel.roles import EDIT_SCENARIOS_PERMISSION

__all__ = ["scenario_create", "scenario_delete", "scenario_update", "scenarios_wipe"]


def _check_may_edit(user: Any) -> None:
    if not (user.is_active and user.has_perm(EDIT_SCENARIOS_PERMISSION)):
        raise ValidationError(sv.ERR_MAY_NOT_EDIT_SCENARIOS, code="may_not_edit_scenarios")


def _collect(errors: dict[str, list[ValidationError]], check: Callable[[], None]) -> None:
    try:
        check()
    except ValidationError as error:
        error.update_error_dict(errors)


def _validate(
    scenario: Scenario, extra_revenue: Mapping[int, Decimal], extra_costs: Mapping[int, Decimal]
) -> None:
    """Every rule at once, so a form shows every mistake in one go."""
    errors: dict[str, list[ValidationError]] = {}
    _collect(
        errors,
        lambda: sv.validate_scenario_pairs(
            stopped_source_id=scenario.stopped_source_id,
            source_stops_on=scenario.source_stops_on,
            structure_rate=scenario.structure_rate,
            fund_rate=scenario.fund_rate,
            rates_from=scenario.rates_from,
            lost_client_id=scenario.lost_client_id,
            client_lost_on=scenario.client_lost_on,
        ),
    )
    # The author is the user already checked: no query to validate that foreign key.
    _collect(errors, lambda: scenario.full_clean(exclude=["author"]))
    _collect(errors, lambda: sv.validate_monthly_amounts(extra_revenue, field="extra_revenue"))
    _collect(errors, lambda: sv.validate_monthly_amounts(extra_costs, field="extra_costs"))
    if errors:
        raise ValidationError(errors)


def _set_rows(
    scenario: Scenario, extra_revenue: Mapping[int, Decimal], extra_costs: Mapping[int, Decimal]
) -> None:
    """Replace the scenario's rows with exactly the amounts given (a few rows: delete and insert)."""
    scenario.extra_revenue.all().delete()
    scenario.extra_costs.all().delete()
    rows: list[tuple[str, int, ScenarioRevenue | ScenarioCost]] = [
        ("extra_revenue", key, ScenarioRevenue(scenario=scenario, service_line_id=key, monthly_amount=amount))
        for key, amount in extra_revenue.items()
    ]
    rows += [
        ("extra_costs", key, ScenarioCost(scenario=scenario, category_id=key, monthly_amount=amount))
        for key, amount in extra_costs.items()
    ]
    for field, key, row in rows:
        # The amounts were checked with the scenario; this checks that the line or category exists.
        try:
            row.full_clean(exclude=["scenario"])
        except ValidationError as error:
            refused = [ValidationError(message, params={"key": key}) for message in error.messages]
            raise ValidationError({field: refused}) from error
        row.save()


def _write(
    scenario: Scenario,
    *,
    fields: dict[str, Any],
    extra_revenue: Mapping[int, Decimal] | None,
    extra_costs: Mapping[int, Decimal] | None,
) -> Scenario:
    for name, value in fields.items():
        setattr(scenario, name, value)
    revenue, costs = dict(extra_revenue or {}), dict(extra_costs or {})
    _validate(scenario, revenue, costs)
    scenario.save()
    _set_rows(scenario, revenue, costs)
    return scenario


@transaction.atomic
def scenario_create(
    *,
    author: Any,
    slug: str,
    name: str,
    description: str = "",
    seen_from: date | None = None,
    stopped_source_id: int | None = None,
    source_stops_on: date | None = None,
    structure_rate: Decimal | None = None,
    fund_rate: Decimal | None = None,
    rates_from: date | None = None,
    turnover_growth: Decimal | None = None,
    lost_client_id: int | None = None,
    client_lost_on: date | None = None,
    extra_revenue: Mapping[int, Decimal] | None = None,
    extra_costs: Mapping[int, Decimal] | None = None,
) -> Scenario:
    """A new scenario written by `author`.

    `stopped_source_id` is a funding source's id, `lost_client_id` a client's;
    `extra_revenue` maps service-line ids and `extra_costs` expense-category ids to a monthly
    amount (> 0). Refused when `author` may not edit scenarios or a rule is broken.
    """
    _check_may_edit(author)
    fields = {
        "slug": slug.strip(),
        "name": name.strip(),
        "description": description.strip(),
        "seen_from": seen_from,
        "stopped_source_id": stopped_source_id,
        "source_stops_on": source_stops_on,
        "structure_rate": structure_rate,
        "fund_rate": fund_rate,
        "rates_from": rates_from,
        "turnover_growth": turnover_growth,
        "lost_client_id": lost_client_id,
        "client_lost_on": client_lost_on,
    }
    return _write(
        Scenario(author=author), fields=fields, extra_revenue=extra_revenue, extra_costs=extra_costs
    )


@transaction.atomic
def scenario_update(
    *,
    scenario: Scenario,
    user: Any,
    slug: str,
    name: str,
    description: str = "",
    seen_from: date | None = None,
    stopped_source_id: int | None = None,
    source_stops_on: date | None = None,
    structure_rate: Decimal | None = None,
    fund_rate: Decimal | None = None,
    rates_from: date | None = None,
    turnover_growth: Decimal | None = None,
    lost_client_id: int | None = None,
    client_lost_on: date | None = None,
    extra_revenue: Mapping[int, Decimal] | None = None,
    extra_costs: Mapping[int, Decimal] | None = None,
) -> Scenario:
    """Rewrite `scenario` whole, as a form sends it: a parameter left out is cleared, and the extra
    rows become exactly those given. The author stays who wrote it first; `user` must be allowed
    to edit scenarios."""
    _check_may_edit(user)
    # Locked: two editors saving at once write one after the other, never a mix of their rows.
    locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
    fields = {
        "slug": slug.strip(),
        "name": name.strip(),
        "description": description.strip(),
        "seen_from": seen_from,
        "stopped_source_id": stopped_source_id,
        "source_stops_on": source_stops_on,
        "structure_rate": structure_rate,
        "fund_rate": fund_rate,
        "rates_from": rates_from,
        "turnover_growth": turnover_growth,
        "lost_client_id": lost_client_id,
        "client_lost_on": client_lost_on,
    }
    return _write(locked, fields=fields, extra_revenue=extra_revenue, extra_costs=extra_costs)


@transaction.atomic
def scenario_delete(*, scenario: Scenario, user: Any) -> None:
    """Delete `scenario` and its rows (nothing else refers to a scenario)."""
    _check_may_edit(user)
    scenario.delete()


@transaction.atomic
def scenarios_wipe() -> None:
    """Forget every scenario (the demo's `--reset`, before the records they name go)."""
    Scenario.objects.all().delete()
