from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.calculations import (
    Band,
    ContractTerms,
    band_rates,
    compute_totals,
    expectation_shape,
    expected_revenue,
    line_net,
    payment_net,
    period_containing,
    period_count,
    period_end,
    period_starts,
)
from services.choices import ContractKind
from smartiberica.kernel.dates import add_months

D = Decimal


def test_a_line_net_is_quantity_times_unit_price_rounded_half_up() -> None:
    assert line_net(D("3"), D("0.015")) == D("0.05")
    assert line_net(D("40"), D("12.00")) == D("480.00")
    assert line_net(D("-1"), D("0.005")) == D("-0.01")


def test_vat_of_a_single_rate_invoice_is_the_rounded_percentage_of_the_net() -> None:
    totals = compute_totals([(D("1"), D("10.05"), D("21")), (D("1"), D("0.02"), D("21"))])
    # net 10.07 × 21 % = 2.1147 → 2.11 (not the sum of per-line VAT 2.11 + 0.00 by chance)
    assert (totals.net, totals.vat, totals.gross) == (D("10.07"), D("2.11"), D("12.18"))


def test_vat_is_rounded_once_per_rate_not_per_line() -> None:
    # Three lines of 0.07 at 21 %: rounded per line 3 × 0.01 = 0.03; per rate round(0.21 × 21 %) = 0.04.
    totals = compute_totals([(D("1"), D("0.07"), D("21"))] * 3)
    assert totals.vat == D("0.04")


def test_lines_at_several_rates_are_grouped_by_rate() -> None:
    totals = compute_totals(
        [(D("1"), D("100"), D("21")), (D("2"), D("50"), D("10")), (D("1"), D("33.33"), D("0"))]
    )
    assert [(r.rate, r.net, r.vat) for r in totals.by_rate] == [
        (D("0.00"), D("33.33"), D("0.00")),
        (D("10.00"), D("100.00"), D("10.00")),
        (D("21.00"), D("100.00"), D("21.00")),
    ]
    assert (totals.net, totals.vat, totals.gross) == (D("233.33"), D("31.00"), D("264.33"))


def test_an_invoice_without_lines_totals_zero() -> None:
    totals = compute_totals([])
    assert (totals.net, totals.vat, totals.gross) == (D("0.00"), D("0.00"), D("0.00"))


def plain_decimal_totals(lines: list[tuple[Decimal, Decimal, Decimal]]) -> tuple[Decimal, Decimal, Decimal]:
    """An independent computation, written out with plain Decimal operations."""
    cent = Decimal("0.01")
    nets: dict[Decimal, Decimal] = {}
    for quantity, price, rate in lines:
        net = (quantity * price).quantize(cent, rounding=ROUND_HALF_UP)
        nets[rate] = nets.get(rate, Decimal(0)) + net
    net_total = sum(nets.values(), Decimal(0))
    vat_total = sum(
        ((n * r / 100).quantize(cent, rounding=ROUND_HALF_UP) for r, n in nets.items()), Decimal(0)
    )
    return net_total, vat_total, net_total + vat_total


money = st.decimals(
    min_value=D("-5000"), max_value=D("5000"), places=2, allow_nan=False, allow_infinity=False
)
quantities = st.decimals(
    min_value=D("-50"), max_value=D("50"), places=3, allow_nan=False, allow_infinity=False
)
rates = st.sampled_from([D("0.00"), D("4.00"), D("10.00"), D("21.00"), D("7.50")])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(quantities, money, rates), max_size=12))
def test_totals_match_an_independent_decimal_computation(
    lines: list[tuple[Decimal, Decimal, Decimal]],
) -> None:
    totals = compute_totals(lines)
    assert (totals.net, totals.vat, totals.gross) == plain_decimal_totals(lines)
    assert totals.gross == totals.net + totals.vat
    assert sum((r.net for r in totals.by_rate), D(0)) == totals.net


@settings(max_examples=200, deadline=None)
@given(money.filter(lambda m: m > 0), rates)
def test_a_single_rate_invoice_follows_the_domain_formula(net: Decimal, rate: Decimal) -> None:
    totals = compute_totals([(D("1"), net, rate)])
    assert totals.vat == (net * rate / 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_the_net_part_of_a_payment_is_its_share_of_net_over_gross() -> None:
    assert payment_net(D("60.50"), D("100.00"), D("121.00")) == D("50.00")
    assert payment_net(D("10.00"), D("100.00"), D("121.00")) == D("8.26")
    assert payment_net(D("10.00"), D("0.00"), D("0.00")) == D("0.00")


def test_adding_months_clamps_to_the_end_of_shorter_months() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 31), 2) == date(2024, 3, 31)
    assert add_months(date(2023, 11, 15), 3) == date(2024, 2, 15)


def test_periods_are_anchored_on_the_contract_start() -> None:
    starts = period_starts(
        start=date(2023, 11, 15),
        end=None,
        billing_period="quarterly",
        window=(date(2024, 1, 1), date(2024, 12, 31)),
    )
    assert starts == [date(2024, 2, 15), date(2024, 5, 15), date(2024, 8, 15), date(2024, 11, 15)]


def test_periods_stop_at_the_contract_end() -> None:
    starts = period_starts(
        start=date(2024, 1, 1),
        end=date(2024, 3, 31),
        billing_period="monthly",
        window=(date(2024, 1, 1), date(2024, 12, 31)),
    )
    assert starts == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]


def test_a_period_ends_the_day_before_the_next_one_starts() -> None:
    assert period_end(
        start=date(2024, 1, 31), period_start=date(2024, 2, 29), billing_period="monthly"
    ) == date(2024, 3, 30)
    assert period_end(start=date(2024, 1, 1), period_start=date(2024, 1, 1), billing_period="yearly") == date(
        2024, 12, 31
    )


def test_the_period_containing_a_day_is_found() -> None:
    assert period_containing(start=date(2024, 1, 15), billing_period="monthly", on=date(2024, 3, 14)) == date(
        2024, 2, 15
    )
    assert period_containing(start=date(2024, 1, 15), billing_period="monthly", on=date(2024, 3, 15)) == date(
        2024, 3, 15
    )
    assert period_containing(start=date(2024, 1, 15), billing_period="monthly", on=date(2024, 1, 14)) is None


def terms(**overrides: object) -> ContractTerms:
    values: dict[str, object] = {
        "kind": ContractKind.RECURRING,
        "start_date": date(2024, 4, 1),
        "end_date": None,
        "billing_period": "monthly",
        "quantity": D("40"),
        "unit_price": D("12.00"),
        "fixed_amount": None,
        "estimated_amount": None,
    }
    values.update(overrides)
    return ContractTerms(**values)  # type: ignore[arg-type]


def test_a_recurring_contract_expects_its_periods_in_the_year_times_quantity_and_price() -> None:
    assert expected_revenue(terms(), 2024) == D("4320.00")  # April–December: 9 × 40 × 12
    assert expected_revenue(terms(), 2025) == D("5760.00")
    assert expected_revenue(terms(), 2023) == D("0.00")
    assert expected_revenue(terms(end_date=date(2025, 2, 28)), 2025) == D("960.00")


def test_a_yearly_contract_expects_one_period_in_the_year_it_renews() -> None:
    yearly = terms(
        billing_period="yearly", quantity=D("1"), unit_price=D("1500.00"), start_date=date(2023, 7, 1)
    )
    assert expected_revenue(yearly, 2023) == D("1500.00")
    assert expected_revenue(yearly, 2024) == D("1500.00")


def test_a_fixed_fee_counts_in_the_year_the_contract_starts() -> None:
    fixed = terms(
        kind=ContractKind.FIXED_FEE, billing_period="", fixed_amount=D("9000.00"), end_date=date(2025, 6, 30)
    )
    assert expected_revenue(fixed, 2024) == D("9000.00")
    assert expected_revenue(fixed, 2025) == D("0.00")


def test_time_and_materials_counts_its_optional_estimate_in_the_start_year() -> None:
    tm = terms(kind=ContractKind.TIME_AND_MATERIALS, billing_period="", estimated_amount=D("2500.00"))
    assert expected_revenue(tm, 2024) == D("2500.00")
    assert expected_revenue(terms(kind=ContractKind.TIME_AND_MATERIALS, billing_period=""), 2024) == D("0.00")


def test_the_band_a_turnover_falls_in_gives_the_rates_for_the_whole_turnover() -> None:
    bands = [
        Band(D("0"), D("6.00"), D("2.00")),
        Band(D("3000"), D("5.00"), D("2.00")),
        Band(D("10000"), D("4.00"), D("1.50")),
    ]
    assert band_rates(bands, D("2999.99")) == (D("6.00"), D("2.00"))
    assert band_rates(bands, D("3000.00")) == (D("5.00"), D("2.00"))
    assert band_rates(bands, D("25000")) == (D("4.00"), D("1.50"))
    assert band_rates(bands[1:], D("100")) is None


@settings(max_examples=400, deadline=None)
@given(
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31)),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),
    period=st.sampled_from(["monthly", "quarterly", "yearly"]),
    first=st.dates(min_value=date(2014, 1, 1), max_value=date(2028, 12, 31)),
    span=st.integers(min_value=0, max_value=800),
)
def test_counting_a_contracts_periods_gives_as_many_as_listing_them(
    start: date, length: int | None, period: str, first: date, span: int
) -> None:
    end = None if length is None else start + timedelta(days=length)
    window = (first, first + timedelta(days=span))
    listed = period_starts(start=start, end=end, billing_period=period, window=window)
    assert period_count(start=start, end=end, billing_period=period, window=window) == len(listed)


@settings(max_examples=400, deadline=None)
@given(
    kind=st.sampled_from([ContractKind.RECURRING, ContractKind.FIXED_FEE, ContractKind.TIME_AND_MATERIALS]),
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31)),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=2500)),
    period=st.sampled_from(["monthly", "quarterly", "yearly"]),
    price=st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2),
)
def test_a_contracts_three_amounts_give_its_expected_revenue_in_every_year(
    kind: str, start: date, length: int | None, period: str, price: Decimal
) -> None:
    end = None if length is None else start + timedelta(days=length)
    terms = ContractTerms(kind, start, end, period, D("3"), price, price, price)
    shape = expectation_shape(terms)
    for year in range(2013, 2035):
        assert shape.in_year(year) == expected_revenue(terms, year), year


def test_an_open_ended_monthly_contract_expects_twelve_periods_in_each_later_year() -> None:
    terms = ContractTerms(
        ContractKind.RECURRING, date(2024, 3, 31), None, "monthly", D("2"), D("10"), None, None
    )
    shape = expectation_shape(terms)
    assert (shape.first, shape.middle, shape.last) == (D("200.00"), D("240.00"), D("0"))
    assert shape.in_year(2090) == D("240.00")
    assert shape.in_year(2023) == D("0")
