"""The reads the dashboards call: exact definitions, fixed query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding import actions, selectors
from funding.choices import SourceKind
from funding.models import (
    ExpenseCategory,
)
from tests.funding.factories import (
    category,
    make_agreement,
    make_approved_budget,
    make_budget,
    make_budget_line,
    make_expense,
    make_loan,
    make_loan_source,
    make_obligation,
    make_parent_source,
    make_receipt,
    make_repayment,
    make_shared_cost,
    make_shared_services_source,
    make_source,
    make_tranche,
)

pytestmark = pytest.mark.django_db
D = Decimal
CATEGORY_CODES = [
    "staff",
    "premises",
    "it",
    "professional-services",
    "shared-services",
    "financial",
    "travel",
    "other",
]


def funding_year(*, year: int) -> selectors.FundingYear:
    """One year of the batched selector: the one computation of the funding figures."""
    return selectors.funding_years(years=[year])[year]


def test_an_empty_year_has_zeros_every_category_and_no_budget() -> None:
    figures = funding_year(year=2030)
    assert figures.external_receipts_by_source == {}
    assert figures.in_kind_by_source == {}
    assert figures.in_kind_shared_services == D("0.00")
    assert figures.loan_drawdowns == figures.loan_interest_due == figures.loan_interest_paid == D("0.00")
    assert figures.loan_principal_repaid == D("0.00")
    assert figures.loan_outstanding_year_end == D("0.00")
    assert list(figures.costs_by_category) == CATEGORY_CODES
    assert set(figures.costs_by_category.values()) == {D("0.00")}
    assert figures.expenses_total == D("0.00")
    assert figures.budgeted_costs is None
    assert figures.budgeted_by_category == {}
    assert figures.source_names == {}


def test_external_receipts_count_parent_support_grants_and_other_but_not_loans() -> None:
    smart = make_parent_source()
    grant = make_source(code="junta", name="Junta", kind=SourceKind.GRANT)
    other = make_source(code="donor", name="Donor", kind=SourceKind.OTHER)
    fiare = make_loan_source()
    make_receipt(source=smart, date=date(2020, 1, 1), amount=D("10000.10"))
    make_receipt(source=smart, date=date(2020, 12, 31), amount=D("5000.20"))
    make_receipt(source=smart, date=date(2021, 1, 1), amount=D("999.00"))  # next year
    make_receipt(source=grant, date=date(2020, 6, 1), amount=D("0.01"))
    make_receipt(source=other, date=date(2020, 6, 1), amount=D("300.00"))
    make_receipt(source=fiare, date=date(2020, 6, 15), amount=D("100000.00"))
    figures = funding_year(year=2020)
    assert figures.external_receipts_by_source == {
        "smart-belgium": D("15000.30"),
        "junta": D("0.01"),
        "donor": D("300.00"),
    }
    assert figures.loan_drawdowns == D("100000.00")
    assert figures.source_names == {"smart-belgium": "Smart Belgium", "junta": "Junta", "donor": "Donor"}
    assert "fiare" not in figures.source_names


def test_in_kind_support_is_the_avoided_cost_only_and_shared_expenses_count_once() -> None:
    coops = make_shared_services_source()
    make_shared_cost(
        source=coops,
        year=2018,
        service="Accounting office",
        total_cost=D("40000.00"),
        share_paid=D("8000.00"),
        standalone_cost=D("20000.00"),
    )
    make_shared_cost(
        source=coops,
        year=2018,
        service="Premises",
        total_cost=D("30000.00"),
        share_paid=D("6000.00"),
        standalone_cost=D("9000.50"),
    )
    make_expense(date=date(2018, 12, 1), category=category("shared-services"), amount=D("14000.00"))
    figures = funding_year(year=2018)
    assert figures.in_kind_by_source == {"andalusian-coops": D("15000.50")}
    assert figures.in_kind_shared_services == D("15000.50")
    assert figures.costs_by_category["shared-services"] == D("14000.00")
    assert figures.expenses_total == D("14000.00")  # the share paid is not added a second time
    assert figures.source_names == {"andalusian-coops": "Andalusian cooperatives"}
    assert figures.external_receipts_by_source == {}


def test_a_shared_service_with_no_avoided_cost_is_left_out() -> None:
    make_shared_cost(year=2018, share_paid=D("500.00"), standalone_cost=D("500.00"))
    assert funding_year(year=2018).in_kind_by_source == {}


def test_the_end_of_mutualisation_in_2019_shows_as_a_cost_jump() -> None:
    coops = make_shared_services_source()
    for service, paid, standalone in [("Accounting office", "6000", "24000"), ("Premises", "4000", "12000")]:
        make_shared_cost(
            source=coops,
            year=2018,
            service=service,
            total_cost=D("50000"),
            share_paid=D(paid),
            standalone_cost=D(standalone),
        )
    make_expense(date=date(2018, 6, 30), category=category("shared-services"), amount=D("10000.00"))
    make_expense(date=date(2019, 6, 30), category=category("professional-services"), amount=D("24000.00"))
    make_expense(date=date(2019, 6, 30), category=category("premises"), amount=D("12000.00"))
    y2018, y2019 = funding_year(year=2018), funding_year(year=2019)
    assert y2018.in_kind_shared_services == D("26000.00")
    assert y2019.in_kind_shared_services == D("0.00")
    assert y2019.expenses_total - y2018.expenses_total == D("26000.00")


def test_loan_figures_split_interest_principal_and_outstanding() -> None:
    loan = make_loan()
    make_receipt(source=loan.source, date=date(2020, 6, 15), amount=D("100000.00"))
    make_repayment(loan=loan, date=date(2020, 7, 15), interest=D("250.00"), principal=D("1546.87"))
    make_repayment(loan=loan, date=date(2020, 12, 31), interest=D("240.10"), principal=D("1500.00"))
    make_repayment(loan=loan, date=date(2021, 1, 15), interest=D("230.00"), principal=D("1600.00"))
    y2020 = funding_year(year=2020)
    assert (y2020.loan_drawdowns, y2020.loan_interest_paid, y2020.loan_principal_repaid) == (
        D("100000.00"),
        D("490.10"),
        D("3046.87"),
    )
    assert y2020.loan_outstanding_year_end == D("96953.13")
    y2021 = funding_year(year=2021)
    assert y2021.loan_drawdowns == D("0.00")
    assert y2021.loan_outstanding_year_end == D("95353.13")
    assert y2021.loan_interest_paid == D("230.00")
    many = selectors.funding_years(years=[2019, 2020, 2021])
    assert {year: f.loan_outstanding_year_end for year, f in many.items()} == {
        2019: D("0.00"),
        2020: D("96953.13"),
        2021: D("95353.13"),
    }


def test_the_interest_due_is_the_interest_of_the_schedule_rows_due_in_the_year() -> None:
    loan = make_loan(start_date=date(2020, 6, 15))
    due_2020 = sum(e.interest for e in loan.schedule.filter(due_date__year=2020))
    due_2021 = sum(e.interest for e in loan.schedule.filter(due_date__year=2021))
    assert due_2020 > 0 and due_2021 > 0
    many = selectors.funding_years(years=[2020, 2021])
    assert (many[2020].loan_interest_due, many[2021].loan_interest_due) == (due_2020, due_2021)
    assert many[2020].loan_interest_paid == D("0.00")  # nothing repaid yet


def test_no_years_give_no_funding_figures() -> None:
    assert selectors.funding_years(years=[]) == {}


def test_costs_are_summed_per_category_within_the_year() -> None:
    make_expense(date=date(2024, 1, 1), category=category("it"), amount=D("0.10"))
    make_expense(date=date(2024, 12, 31), category=category("it"), amount=D("0.20"))
    make_expense(date=date(2023, 12, 31), category=category("it"), amount=D("1000.00"))
    make_expense(date=date(2024, 5, 1), category=category("staff"), amount=D("30000.00"))
    extra = ExpenseCategory.objects.create(code="insurance", name_es="Seguros", position=90)
    figures = funding_year(year=2024)
    assert figures.costs_by_category["it"] == D("0.30")
    assert figures.costs_by_category["staff"] == D("30000.00")
    assert figures.costs_by_category[extra.code] == D("0.00")
    assert figures.expenses_total == D("30000.30")
    assert str(figures.costs_by_category["it"]) == "0.30"


def test_the_budget_is_the_latest_approved_version() -> None:
    first = make_approved_budget(year=2024, version=1, approved_on=date(2024, 1, 10))
    make_budget_line(budget=first, category=category("staff"), amount=D("100000.00"))
    revised = make_approved_budget(year=2024, version=2, approved_on=date(2024, 6, 10))
    make_budget_line(budget=revised, category=category("staff"), amount=D("90000.00"))
    make_budget_line(budget=revised, category=category("it"), amount=D("5000.55"))
    draft = make_budget(year=2024, version=3)
    make_budget_line(budget=draft, category=category("staff"), amount=D("1.00"))
    figures = funding_year(year=2024)
    assert figures.budgeted_costs == D("95000.55")
    assert figures.budgeted_by_category == {"staff": D("90000.00"), "it": D("5000.55")}


def test_an_approved_budget_without_lines_budgets_zero() -> None:
    make_approved_budget(year=2024, version=1)
    figures = funding_year(year=2024)
    assert figures.budgeted_costs == D("0.00")
    assert figures.budgeted_by_category == {}


def test_a_year_with_only_draft_budgets_has_no_budgeted_costs() -> None:
    make_budget_line(budget=make_budget(year=2024, version=1))
    assert funding_year(year=2024).budgeted_costs is None


def populate(year: int, count: int) -> None:
    smart, fiare, coops = make_parent_source(), make_loan_source(), make_shared_services_source()
    loan = make_loan(source=fiare, start_date=date(year, 1, 15))
    grant = make_source(kind=SourceKind.GRANT)
    budget = make_approved_budget(year=year, version=1)
    make_budget_line(budget=budget, category=category("staff"))
    for n in range(count):
        day = date(year, 1 + n % 12, 1 + n % 28)
        make_receipt(source=smart if n % 2 else grant, date=day)
        make_receipt(source=fiare, date=day, amount=D("10.00"))
        make_expense(date=day, category=category(CATEGORY_CODES[n % len(CATEGORY_CODES)]))
        make_repayment(loan=loan, date=max(day, date(year, 1, 15)), interest=D("1.00"), principal=D("2"))
        make_shared_cost(source=coops, year=year, service=f"Service {n}")


def count_queries(function: object, **kwargs: object) -> int:
    with CaptureQueriesContext(connection) as context:
        function(**kwargs)  # type: ignore[operator]
    return len(context.captured_queries)


def test_funding_year_makes_the_same_queries_for_1_and_40_rows_of_everything() -> None:
    populate(2022, 1)
    small = count_queries(selectors.funding_years, years=[2022])
    populate(2023, 40)
    assert count_queries(selectors.funding_years, years=[2023]) == small == 7


def test_funding_year_query_count_does_not_depend_on_volume(django_assert_num_queries: object) -> None:
    populate(2021, 2)
    with django_assert_num_queries(7):  # type: ignore[operator]
        selectors.funding_years(years=[2021])
    for n in range(30):
        make_expense(date=date(2021, 1 + n % 12, 1))
        make_receipt(date=date(2021, 1 + n % 12, 2))
        make_shared_cost(year=2021)
    with django_assert_num_queries(7):  # type: ignore[operator]
        selectors.funding_years(years=[2021])


def test_funding_years_makes_seven_queries_for_sixteen_years(django_assert_num_queries: object) -> None:
    populate(2021, 2)
    with django_assert_num_queries(7):  # type: ignore[operator]
        selectors.funding_years(years=list(range(2015, 2031)))


def test_the_years_with_data_come_from_every_kind_of_record() -> None:
    make_receipt(date=date(2019, 5, 1))
    make_expense(date=date(2021, 5, 1))
    make_repayment(date=date(2022, 5, 1))
    make_shared_cost(year=2017)
    make_budget(year=2025)
    make_expense(date=date(2021, 6, 1))
    assert selectors.funding_years_with_data() == [2017, 2019, 2021, 2022, 2025]


def test_no_data_means_no_years() -> None:
    assert selectors.funding_years_with_data() == []


# --- budget vs actual ---------------------------------------------------------------------------------


@time_machine.travel("2024-04-09 12:00:00+02:00")  # day 100 of a leap year
def test_budget_vs_actual_gives_variance_and_the_pro_rata_expected_by_today() -> None:
    budget = make_approved_budget(year=2024, version=1)
    make_budget_line(budget=budget, category=category("staff"), amount=D("36600.00"))
    make_budget_line(budget=budget, category=category("it"), amount=D("1000.00"))
    make_expense(date=date(2024, 2, 1), category=category("staff"), amount=D("12000.00"))
    make_expense(date=date(2024, 2, 1), category=category("travel"), amount=D("50.00"))
    comparison = selectors.budget_vs_actual(budget=budget)
    assert comparison.days_elapsed == 100
    assert comparison.days_in_year == 366
    lines = {line.code: line for line in comparison.lines}
    assert list(lines) == ["staff", "it", "travel"]
    staff = lines["staff"]
    assert staff.expected_by_today == D("10000.00")
    assert staff.variance == D("-24600.00")
    assert staff.variance_ratio == D("-0.6721")
    assert lines["it"].expected_by_today == D("273.22")  # 1000 × 100 / 366 = 273.224…
    assert lines["travel"].budget == D("0.00")
    assert lines["travel"].variance_ratio is None
    assert comparison.total.budget == D("37600.00")
    assert comparison.total.actual == D("12050.00")
    assert comparison.total.variance == D("-25550.00")
    assert comparison.total.expected_by_today == D("10273.22")


@time_machine.travel("2025-02-01 12:00:00+01:00")
def test_a_past_years_budget_has_no_expected_by_today() -> None:
    budget = make_approved_budget(year=2024, version=1)
    make_budget_line(budget=budget, category=category("staff"), amount=D("100.00"))
    make_expense(date=date(2024, 2, 1), category=category("staff"), amount=D("150.00"))
    comparison = selectors.budget_vs_actual(budget=budget)
    assert comparison.days_elapsed is None
    assert comparison.lines[0].expected_by_today is None
    assert comparison.lines[0].variance_ratio == D("0.5000")


def test_the_pro_rata_counts_today_as_elapsed() -> None:
    assert selectors.pro_rata(D("365.00"), year=2023, on=date(2023, 1, 1)) == (D("1.00"), 1)
    assert selectors.pro_rata(D("365.00"), year=2023, on=date(2023, 12, 31)) == (D("365.00"), 365)
    assert selectors.pro_rata(D("100.00"), year=2023, on=date(2024, 1, 1)) == (None, None)


# --- loans and agreements -----------------------------------------------------------------------------


def test_loan_position_on_a_date() -> None:
    loan = make_loan(start_date=date(2020, 6, 15))
    actions.loan_pay_due_instalments(loan=loan, on=date(2020, 12, 31))
    actions.loan_record_prepayment(loan=loan, on=date(2020, 12, 31), amount=D("10000.00"))
    position = selectors.loan_position(loan=loan, on=date(2020, 12, 31))
    paid = list(loan.repayments.filter(kind="instalment"))
    principal_paid = sum(r.principal for r in paid)
    assert position.instalments_paid == 6 == position.instalments_due
    assert position.principal_repaid == principal_paid + D("10000.00")
    assert position.prepaid == D("10000.00")
    assert position.interest_paid == sum(r.interest for r in paid)
    assert position.outstanding == D("100000.00") - position.principal_repaid
    assert position.scheduled_balance == position.outstanding
    assert position.next_due == date(2021, 1, 15)
    assert selectors.loan_position(loan=loan, on=date(2020, 1, 1)).outstanding == D("0.00")


@time_machine.travel("2020-07-01 12:00:00+02:00")
def test_agreement_progress_compares_tranches_receipts_and_obligations() -> None:
    agreement = make_agreement(committed_amount=D("60000.00"))
    make_tranche(agreement=agreement, date=date(2020, 3, 1), amount=D("20000.00"))
    make_tranche(agreement=agreement, date=date(2020, 9, 1), amount=D("40000.00"))
    make_receipt(source=agreement.source, agreement=agreement, amount=D("19999.99"))
    make_obligation(agreement=agreement, due_date=date(2020, 6, 30))
    make_obligation(agreement=agreement, due_date=date(2020, 12, 31))
    make_obligation(agreement=agreement, due_date=date(2020, 1, 31), status="accepted")
    progress = selectors.agreement_progress(agreement_id=agreement.pk)
    assert progress.expected == D("60000.00")
    assert progress.expected_by_today == D("20000.00")
    assert progress.received == D("19999.99")
    assert progress.still_to_receive == D("40000.01")
    assert (progress.obligations_open, progress.obligations_overdue) == (2, 1)


def test_shared_services_year_puts_the_share_paid_next_to_the_booked_expenses() -> None:
    make_shared_cost(year=2018, total_cost=D("100"), share_paid=D("20"), standalone_cost=D("70"))
    make_expense(date=date(2018, 3, 1), category=category("shared-services"), amount=D("20.00"))
    make_expense(date=date(2018, 3, 1), category=category("it"), amount=D("99.00"))
    year = selectors.shared_services_year(year=2018)
    assert (year.share_paid, year.booked_expenses, year.avoided_cost) == (D("20.00"), D("20.00"), D("50.00"))
