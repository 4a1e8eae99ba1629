"""A recorded month never loses its margin rule, and months without rates always take the rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from services import actions, record_actions
from services.models import MarginRule, MemberTurnover
from services.selectors import month_margin
from smartiberica.board.imports import import_records

pytestmark = pytest.mark.django_db
D = Decimal


def record_year(year: int) -> None:
    for month in range(1, 13):
        actions.member_turnover_record(month=date(year, month, 1), turnover=D("10000.00"))


def test_ending_a_rule_before_recorded_months_is_refused_and_names_them(historical_rule: MarginRule) -> None:
    record_year(2024)
    historical_rule.valid_to = date(2024, 6, 30)
    with pytest.raises(ValidationError) as refused:
        record_actions.margin_rule_save(rule=historical_rule)
    assert "2024-07" in refused.value.messages[0]
    historical_rule.refresh_from_db()
    assert historical_rule.valid_to is None


def test_a_new_rule_takes_over_from_the_open_ended_one_and_every_month_keeps_a_rule(
    historical_rule: MarginRule,
) -> None:
    record_year(2024)
    pilot = MarginRule(
        name="Pilot", valid_from=date(2024, 7, 1), kind="flat", structure_rate=D("6.00"), fund_rate=D("2.00")
    )
    record_actions.margin_rule_save(rule=pilot)
    historical_rule.refresh_from_db()
    assert historical_rule.valid_to == date(2024, 6, 30)
    rules = list(MarginRule.objects.prefetch_related("bands"))
    rates = {row.month.month: month_margin(row, rules).structure_rate for row in MemberTurnover.objects.all()}
    assert rates == {m: D("5.50") if m <= 6 else D("6.00") for m in range(1, 13)}


def test_moving_a_rules_start_after_recorded_months_is_refused(db: None) -> None:
    rule = actions.margin_rule_create(
        name="Flat", valid_from=date(2024, 1, 1), structure_rate=D("5.50"), fund_rate=D("2.00")
    )
    record_year(2024)
    rule.valid_from = date(2024, 3, 1)
    with pytest.raises(ValidationError):
        record_actions.margin_rule_save(rule=rule)


def test_deleting_the_rule_of_recorded_months_is_refused(historical_rule: MarginRule) -> None:
    record_year(2024)
    pk = historical_rule.pk
    with pytest.raises(ValidationError):
        record_actions.margin_rule_delete(rule=historical_rule)
    assert MarginRule.objects.filter(pk=pk).exists()


def test_a_rule_no_month_depends_on_may_be_deleted(historical_rule: MarginRule) -> None:
    record_actions.margin_rule_delete(rule=historical_rule)
    assert not MarginRule.objects.exists()


def test_a_month_re_imported_without_rate_columns_takes_the_rule_in_force(
    historical_rule: MarginRule,
) -> None:
    import_records("member-turnover", b"month,turnover,structure_rate,fund_rate\n2024-03,1000,9,1\n")
    assert MemberTurnover.objects.get().structure_rate == D("9.00")
    result = import_records("member-turnover", b"month,turnover\n2024-03,1000\n")
    assert (result.ok, result.updated) == (True, 1), result.error_lines()
    row = MemberTurnover.objects.get()
    assert (row.structure_rate, row.fund_rate) == (None, None)
    margin = month_margin(row, list(MarginRule.objects.prefetch_related("bands")))
    assert (margin.structure_rate, margin.member_margin) == (D("5.50"), D("55.00"))
    assert import_records("member-turnover", b"month,turnover\n2024-03,1000\n").unchanged == 1
