from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from services import actions
from services import validation as v
from services.models import MarginRule, MemberTurnover
from services.selectors import ServicesYear, member_margin_by_month, services_years
from tests.services.factories import make_member_turnover
from tests.services.helpers import error_codes


def services_year(*, year: int, basis: str = "accrual") -> ServicesYear:
    """One year of the batched selector: the one computation of the services figures."""
    return services_years(years=[year], basis=basis)[year]  # type: ignore[arg-type]


pytestmark = pytest.mark.django_db
D = Decimal


def test_a_month_without_rates_takes_the_rule_in_force(historical_rule: MarginRule) -> None:
    actions.member_turnover_record(month=date(2024, 1, 1), turnover=D("12345.67"), active_members=110)
    [month] = member_margin_by_month(year=2024)
    assert (month.structure_rate, month.fund_rate, month.source) == (D("5.50"), D("2.00"), "rule")
    assert (month.member_margin, month.guarantee_fund) == (D("679.01"), D("246.91"))


def test_a_month_with_its_own_rates_overrides_the_rule(historical_rule: MarginRule) -> None:
    make_member_turnover(
        month=date(2024, 2, 1), turnover=D("1000.00"), structure_rate=D("6.00"), fund_rate=D("1.00")
    )
    [month] = member_margin_by_month(year=2024)
    assert (month.member_margin, month.guarantee_fund, month.source) == (D("60.00"), D("10.00"), "month")


def test_the_yearly_margin_is_rounded_month_by_month_then_summed(historical_rule: MarginRule) -> None:
    for m in (1, 2, 3):
        actions.member_turnover_record(month=date(2024, m, 1), turnover=D("100.10"))  # 5.5055 → 5.51 each
    figures = services_year(year=2024)
    assert (figures.member_margin, figures.guarantee_fund, figures.member_turnover) == (
        D("16.53"),
        D("6.00"),
        D("300.30"),
    )


def test_banded_rules_apply_the_band_of_the_month_to_its_whole_turnover(historical_rule: MarginRule) -> None:
    historical_rule.valid_to = date(2019, 12, 31)
    historical_rule.save()
    actions.margin_rule_create(
        name="Variable margin pilot",
        valid_from=date(2020, 1, 1),
        bands=[
            (D("0"), D("6.50"), D("2.00")),
            (D("20000"), D("5.00"), D("2.00")),
            (D("50000"), D("4.00"), D("1.50")),
        ],
    )
    actions.member_turnover_record(month=date(2020, 1, 1), turnover=D("10000.00"))
    actions.member_turnover_record(month=date(2020, 2, 1), turnover=D("20000.00"))
    actions.member_turnover_record(month=date(2020, 3, 1), turnover=D("60000.00"))
    margins = [(m.member_margin, m.guarantee_fund) for m in member_margin_by_month(year=2020)]
    assert margins == [(D("650.00"), D("200.00")), (D("1000.00"), D("400.00")), (D("2400.00"), D("900.00"))]


def test_recording_a_month_again_updates_it(historical_rule: MarginRule) -> None:
    actions.member_turnover_record(month=date(2024, 5, 17), turnover=D("100.00"))
    actions.member_turnover_record(month=date(2024, 5, 1), turnover=D("200.00"), active_members=9)
    row = MemberTurnover.objects.get()
    assert (row.month, row.turnover, row.active_members) == (date(2024, 5, 1), D("200.00"), 9)


def test_a_month_without_rates_nor_rule_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        actions.member_turnover_record(month=date(2024, 1, 1), turnover=D("100.00"))
    assert error.value.messages == [str(v.ERR_NO_MARGIN_RULE % {"month": "2024-01"})]


def test_month_rules_are_form_errors(historical_rule: MarginRule) -> None:
    row = MemberTurnover(month=date(2024, 1, 2), turnover=D("-1"), structure_rate=D("5"))
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert error.value.message_dict["month"] == [str(v.ERR_MONTH_NOT_FIRST)]
    with pytest.raises(ValidationError) as error:
        actions.member_turnover_record(month=date(2024, 1, 1), turnover=D("-1"))
    assert error.value.message_dict["turnover"] == [str(v.ERR_TURNOVER_NEGATIVE)]
    with pytest.raises(ValidationError) as error:
        actions.member_turnover_record(month=date(2024, 1, 1), turnover=D("1"), structure_rate=D("5"))
    assert error_codes(error.value) == ["rates_both_or_neither"]


def test_rules_cannot_overlap(historical_rule: MarginRule) -> None:
    with pytest.raises(ValidationError) as error:
        actions.margin_rule_create(
            name="Pilot", valid_from=date(2020, 1, 1), structure_rate=D("5"), fund_rate=D("2")
        )
    assert error.value.messages == [str(v.ERR_RULE_OVERLAP % {"other": "Historical 7.5 %"})]
    historical_rule.valid_to = date(2019, 12, 31)
    historical_rule.full_clean()
    historical_rule.save()
    actions.margin_rule_create(
        name="Pilot", valid_from=date(2020, 1, 1), structure_rate=D("5"), fund_rate=D("2")
    )
    assert MarginRule.objects.count() == 2


def test_rules_span_whole_months() -> None:
    with pytest.raises(ValidationError) as error:
        actions.margin_rule_create(
            name="x", valid_from=date(2020, 1, 2), structure_rate=D("5"), fund_rate=D("2")
        )
    assert error_codes(error.value) == ["rule_from_first"]
    with pytest.raises(ValidationError) as error:
        actions.margin_rule_create(
            name="x",
            valid_from=date(2020, 1, 1),
            valid_to=date(2020, 2, 28),
            structure_rate=D("5"),
            fund_rate=D("2"),
        )
    assert error_codes(error.value) == ["rule_to_last"]
    rule = actions.margin_rule_create(
        name="x",
        valid_from=date(2020, 1, 1),
        valid_to=date(2020, 2, 29),
        structure_rate=D("5"),
        fund_rate=D("2"),
    )
    assert rule.valid_to == date(2020, 2, 29)


def test_a_banded_rule_needs_a_band_from_zero() -> None:
    with pytest.raises(ValidationError) as error:
        actions.margin_rule_create(name="x", valid_from=date(2020, 1, 1), bands=[(D("100"), D("5"), D("2"))])
    assert error.value.messages == [str(v.ERR_BANDS_NEED_ZERO)]
    assert not MarginRule.objects.exists()


def test_a_flat_rule_needs_both_rates() -> None:
    with pytest.raises(ValidationError) as error:
        actions.margin_rule_create(name="x", valid_from=date(2020, 1, 1), structure_rate=D("5"))
    assert error.value.messages == [str(v.ERR_FLAT_RULE_NEEDS_RATES)]
