"""The rules of a stored scenario, with the words used to refuse what breaks them.

A rule on one field is a field validator of `smartiberica.board.models.Scenario` (and its rows); a
rule that pairs fields (a stopped source needs its date, rates need theirs) is a function below,
called by the scenario actions. The page's form, the admin and code all go through the actions, so
they refuse with the same words; the database holds every rule as a check constraint whose
`violation_error_message` is the same constant.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from smartiberica.board.scenario_params import BASELINE_SLUG

ERR_SLUG_RESERVED = _("“baseline” names the projection without scenario: choose another slug.")
ERR_SLUG_TAKEN = _("A scenario with this slug already exists.")
ERR_MAY_NOT_EDIT_SCENARIOS = _("Only board members and staff may create, change or delete scenarios.")

ERR_SOURCE_WITHOUT_DATE = _("Say from which date the funding source stops.")
ERR_STOP_DATE_WITHOUT_SOURCE = _("Choose the funding source that stops on this date.")
ERR_RATES_INCOMPLETE = _(
    "Give the structure rate, the fund rate and the date they apply from together, or none of them."
)
ERR_CLIENT_WITHOUT_DATE = _("Say from which date the client is lost.")
ERR_LOSS_DATE_WITHOUT_CLIENT = _("Choose the client lost from this date.")

ERR_GROWTH_TOO_LOW = _("The growth is a percentage above −100: turnover cannot fall by all of it or more.")
ERR_MONTHLY_AMOUNT_NOT_POSITIVE = _("The monthly amount must be greater than zero.")
ERR_REVENUE_LINE_TWICE = _("This scenario already adds revenue for this service line.")
ERR_COST_CATEGORY_TWICE = _("This scenario already adds a cost for this category.")

# Growth is a percentage above −100 (a turnover that shrinks by 100 % or more is no turnover).
LOWEST_GROWTH = Decimal(-100)


def validate_scenario_slug(value: str) -> None:
    """Refuse "baseline": the projection without scenario answers to that name."""
    if value == BASELINE_SLUG:
        raise ValidationError(ERR_SLUG_RESERVED, code="slug_reserved")


def validate_growth(value: Decimal | None) -> None:
    if value is not None and value <= LOWEST_GROWTH:
        raise ValidationError(ERR_GROWTH_TOO_LOW, code="growth_too_low")


def validate_monthly_amount(value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise ValidationError(ERR_MONTHLY_AMOUNT_NOT_POSITIVE, code="amount_not_positive")


def _pair(
    errors: dict[str, list[ValidationError]],
    *,
    what: tuple[str, Any],
    when: tuple[str, date | None],
    without_date: StrOrPromise,
    without_what: StrOrPromise,
) -> None:
    """`what` and its date come together: each one alone is refused, on the field that is missing."""
    (what_field, what_value), (when_field, when_value) = what, when
    if what_value is not None and when_value is None:
        errors.setdefault(when_field, []).append(ValidationError(without_date, code="date_missing"))
    elif what_value is None and when_value is not None:
        errors.setdefault(what_field, []).append(ValidationError(without_what, code="value_missing"))


def validate_scenario_pairs(
    *,
    stopped_source_id: int | None,
    source_stops_on: date | None,
    structure_rate: Decimal | None,
    fund_rate: Decimal | None,
    rates_from: date | None,
    lost_client_id: int | None,
    client_lost_on: date | None,
) -> None:
    """The parameters that only make sense together: every broken pair, each on its missing field."""
    errors: dict[str, list[ValidationError]] = {}
    _pair(
        errors,
        what=("stopped_source", stopped_source_id),
        when=("source_stops_on", source_stops_on),
        without_date=ERR_SOURCE_WITHOUT_DATE,
        without_what=ERR_STOP_DATE_WITHOUT_SOURCE,
    )
    rates = {"structure_rate": structure_rate, "fund_rate": fund_rate, "rates_from": rates_from}
    given = [name for name, value in rates.items() if value is not None]
    if given and len(given) < len(rates):
        for name in (name for name in rates if name not in given):
            errors.setdefault(name, []).append(ValidationError(ERR_RATES_INCOMPLETE, code="rates_incomplete"))
    _pair(
        errors,
        what=("lost_client", lost_client_id),
        when=("client_lost_on", client_lost_on),
        without_date=ERR_CLIENT_WITHOUT_DATE,
        without_what=ERR_LOSS_DATE_WITHOUT_CLIENT,
    )
    if errors:
        raise ValidationError(errors)


def validate_monthly_amounts(amounts: Mapping[int, Decimal], *, field: str) -> None:
    """Every extra monthly amount is positive. Each refusal carries the row's key (`params["key"]`:
    a service line's or a category's id), so a page puts it next to that row's amount."""
    errors = []
    for key, amount in amounts.items():
        try:
            validate_monthly_amount(amount)
        except ValidationError as error:
            errors.append(ValidationError(error.message, code=error.code, params={"key": key}))
    if errors:
        raise ValidationError({field: errors})
