"""The alert rules' kinds, units and thresholds, with the words used to refuse a bad threshold.

Each rule (`RULES`, keyed by `AlertRule.Rule` values) measures one value in one unit and fires
in one direction (docs/alerts.md):

- more is worse (a share, points above the budget): fires when value ≥ threshold;
- less is worse (self-financing, runway): fires when value < threshold;
- an obligation fires when it is due within `threshold` days (due date ≤ day + threshold) or
  overdue; unpaid invoices fire per client when some amount is overdue by more than `threshold`
  days, i.e. by threshold + 1 days or more (the "more is worse" rule on whole days, counted
  from the threshold's next day).

A threshold is positive and within its rule's range; days and months are whole numbers. The
range is also a check constraint of `AlertRule`, with the same message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartiberica.kernel.money import format_number

Unit = Literal["percent", "points", "days", "months"]
Direction = Literal["more_is_worse", "less_is_worse", "due_within", "overdue_more_than"]

TOP_FUNDER_SHARE = "top_funder_share"
SELF_FINANCING = "self_financing"
BUDGET_TO_DATE = "budget_to_date"
CLIENT_CONCENTRATION = "client_concentration"
OBLIGATION_DUE = "obligation_due"
OVERDUE_INVOICES = "overdue_invoices"
RUNWAY = "runway"

ERR_THRESHOLD_OUT_OF_RANGE = _("This rule's threshold goes from %(low)s to %(high)s %(unit)s.")
ERR_THRESHOLD_NOT_WHOLE = _("Give a whole number of %(unit)s.")
ERR_RECIPIENT_NOT_ALLOWED = _(
    "%(user)s cannot be told: only active users who may see the board's figures receive alerts."
)
ERR_MAY_NOT_EDIT_RULES = _("Only staff may change the alert rules.")
ERR_UNKNOWN_LANGUAGE = _("Choose one of the languages the app speaks.")


@dataclass(frozen=True)
class RuleSpec:
    """What a rule measures, in which unit, which way it fires, its default and its range."""

    unit: Unit
    direction: Direction
    default: Decimal
    low: Decimal
    high: Decimal
    # True: the value belongs to a year (shown on the multi-year page); False: to the day.
    year_level: bool

    @property
    def whole(self) -> bool:
        return self.unit in ("days", "months")


RULES: dict[str, RuleSpec] = {
    TOP_FUNDER_SHARE: RuleSpec(
        "percent", "more_is_worse", Decimal("30.00"), Decimal("0.01"), Decimal(100), True
    ),
    SELF_FINANCING: RuleSpec(
        "percent", "less_is_worse", Decimal("100.00"), Decimal("0.01"), Decimal(500), True
    ),
    BUDGET_TO_DATE: RuleSpec(
        "points", "more_is_worse", Decimal("5.00"), Decimal("0.01"), Decimal(100), False
    ),
    CLIENT_CONCENTRATION: RuleSpec(
        "percent", "more_is_worse", Decimal("40.00"), Decimal("0.01"), Decimal(100), True
    ),
    OBLIGATION_DUE: RuleSpec("days", "due_within", Decimal(30), Decimal(1), Decimal(365), False),
    OVERDUE_INVOICES: RuleSpec("days", "overdue_more_than", Decimal(60), Decimal(1), Decimal(730), False),
    # The runway counts up to 24 months (`cash_outlook.HORIZON`): a longer one is "more than 24".
    RUNWAY: RuleSpec("months", "less_is_worse", Decimal(6), Decimal(1), Decimal(24), False),
}

UNIT_NAMES: dict[Unit, Promise] = {
    "percent": _("%"),
    "points": _("percentage points"),
    "days": _("days"),
    "months": _("months"),
}


def _shown(value: Decimal) -> str:
    """A threshold as the error writes it, in the reader's language: 30, 0,01, 100."""
    return format_number(value, places=0 if value == value.to_integral_value() else 2)


def validate_threshold(*, rule: str, threshold: Decimal) -> None:
    """Refuse a threshold outside its rule's range, or a fraction of a day or month."""
    spec = RULES[rule]
    unit = UNIT_NAMES[spec.unit]
    if not spec.low <= threshold <= spec.high:
        raise ValidationError(
            {
                "threshold": ValidationError(
                    ERR_THRESHOLD_OUT_OF_RANGE,
                    code="threshold_out_of_range",
                    params={"low": _shown(spec.low), "high": _shown(spec.high), "unit": unit},
                )
            }
        )
    if spec.whole and threshold != threshold.to_integral_value():
        raise ValidationError(
            {
                "threshold": ValidationError(
                    ERR_THRESHOLD_NOT_WHOLE, code="threshold_not_whole", params={"unit": unit}
                )
            }
        )
