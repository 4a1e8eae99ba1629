"""The projected cash and the runway, by hand, without the database (docs/forecast.md, "Cash and
runway"): the cash at `as_of` plus the projected months' cash in less cash out, then the year's
run-rate after December; "more than 24 months" past the horizon; 0 when below zero already."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from smartiberica.board.cash_outlook import HORIZON, Runway, cash_outlook, run_rate, runway
from smartiberica.board.projection import ForecastMonth

D = Decimal
ZERO = D("0.00")


def months(flows: list[tuple[str, str]], *, actual: int) -> tuple[ForecastMonth, ...]:
    """Twelve months of 2025 with their (cash in, cash out); the first `actual` are recorded."""
    return tuple(
        ForecastMonth(
            month=date(2025, index, 1),
            actual=index <= actual,
            services_revenue=ZERO,
            member_margin=ZERO,
            own_revenue=ZERO,
            external_support=ZERO,
            total_costs=ZERO,
            cash_in=D(cash_in),
            cash_out=D(cash_out),
            turnover=ZERO,
        )
        for index, (cash_in, cash_out) in enumerate(flows, start=1)
    )


# Six recorded months, then July to December: net −1,000.00, −1,000.00, +3,000.00, −500.00,
# −500.00, −500.00.
RECORDED = [("5000.00", "1000.00")] * 6  # +4,000.00 a month
PROJECTED = [
    ("1000.00", "2000.00"),
    ("1000.00", "2000.00"),
    ("5000.00", "2000.00"),
    ("1500.00", "2000.00"),
    ("1500.00", "2000.00"),
    ("1500.00", "2000.00"),
]
JUNE = date(2025, 6, 30)


def test_the_cash_at_each_projected_month_end_adds_the_months_net_flows_to_the_cash_at_as_of() -> None:
    outlook = cash_outlook(as_of=JUNE, months=months(RECORDED + PROJECTED, actual=6), cash=D("2500.00"))
    # 2,500 − 1,000 = 1,500; − 1,000 = 500; + 3,000 = 3,500; − 500 three times: 3,000, 2,500, 2,000.
    assert [(m.month.month, m.net, m.cash) for m in outlook.months] == [
        (7, D("-1000.00"), D("1500.00")),
        (8, D("-1000.00"), D("500.00")),
        (9, D("3000.00"), D("3500.00")),
        (10, D("-500.00"), D("3000.00")),
        (11, D("-500.00"), D("2500.00")),
        (12, D("-500.00"), D("2000.00")),
    ]
    assert outlook.year_end == D("2000.00") and outlook.cash_at_as_of == D("2500.00")
    assert not outlook.unavailable


def test_the_runway_ends_at_the_first_projected_month_end_below_zero() -> None:
    # 800 − 1,000 = −200 at the end of July, the first month after 30 June.
    outlook = cash_outlook(as_of=JUNE, months=months(RECORDED + PROJECTED, actual=6), cash=D("800.00"))
    assert outlook.runway == Runway(months=1, below_zero_by=date(2025, 7, 31))
    # 1,999.99: 999.99 in July, −0.01 in August.
    later = cash_outlook(as_of=JUNE, months=months(RECORDED + PROJECTED, actual=6), cash=D("1999.99"))
    assert later.runway == Runway(months=2, below_zero_by=date(2025, 8, 31))


def test_a_cash_of_exactly_zero_is_not_below_zero() -> None:
    # 2,000.00: 1,000.00 in July, 0.00 in August, then September's 3,000.00 in: never below zero
    # in 2025, nor after (6 × 4,000 − 500 = 23,500.00 a year: +1,958.33 a month).
    outlook = cash_outlook(as_of=JUNE, months=months(RECORDED + PROJECTED, actual=6), cash=D("2000.00"))
    assert outlook.months[1].cash == ZERO
    assert outlook.runway == Runway(months=None, below_zero_by=None)


def test_after_december_the_cash_moves_by_the_years_run_rate() -> None:
    # −1,000.00 a month and +13,000.00 in December: 11 × −1,000 + 13,000 = 2,000.00; / 12 = 166.67.
    flows = [("0.00", "1000.00")] * 11 + [("13000.00", "0.00")]
    assert run_rate(months(flows, actual=6)) == D("166.67")
    # With 14,000.00 out in December instead: −11,000 − 14,000 = −25,000.00; / 12 = −2,083.33.
    flows = [("0.00", "1000.00")] * 11 + [("0.00", "14000.00")]
    year = months(flows, actual=6)
    assert run_rate(year) == D("-2083.33")
    # From 30,000.00 on 30 June: 25,000.00 at the end of November, 11,000.00 at the end of
    # December (month 6), then 8,916.67, 6,833.34, 4,750.01, 2,666.68, 583.35, −1,499.98: month 12,
    # June 2026.
    outlook = cash_outlook(as_of=JUNE, months=year, cash=D("30000.00"))
    assert outlook.year_end == D("11000.00")
    assert outlook.runway == Runway(months=12, below_zero_by=date(2026, 6, 30))


def test_cash_that_stays_at_zero_or_above_for_24_months_has_more_than_24_months_of_runway() -> None:
    flows = [("0.00", "1000.00")] * 11 + [("0.00", "14000.00")]  # run-rate −2,083.33
    # July to December take 5 × 1,000 + 14,000 = 19,000.00: from 50,000.00, 31,000.00 at year end
    # (month 6); 31,000.00 − 14 × 2,083.33 = 1,833.38 (month 20), − 2,083.33 = −249.95 (month 21,
    # March 2027).
    assert cash_outlook(as_of=JUNE, months=months(flows, actual=6), cash=D("50000.00")).runway == Runway(
        months=21, below_zero_by=date(2027, 3, 31)
    )
    # From 19,000.00 + 18 × 2,083.33 = 56,499.94 the cash is 0.00 at month 24: never below zero
    # within the horizon; a cent less and it is −0.01 at month 24 (June 2027).
    stays = cash_outlook(as_of=JUNE, months=months(flows, actual=6), cash=D("56499.94"))
    assert stays.runway == Runway(months=None, below_zero_by=None)
    assert stays.runway is not None and stays.runway.beyond_horizon and stays.runway.horizon == HORIZON == 24
    just_short = cash_outlook(as_of=JUNE, months=months(flows, actual=6), cash=D("56499.93"))
    assert just_short.runway == Runway(months=24, below_zero_by=date(2027, 6, 30))


def test_cash_already_below_zero_at_as_of_has_no_runway() -> None:
    outlook = cash_outlook(as_of=JUNE, months=months(RECORDED + PROJECTED, actual=6), cash=D("-0.01"))
    assert outlook.runway == Runway(months=0, below_zero_by=date(2025, 6, 30))


def test_the_run_rate_is_rounded_to_the_cent_half_up() -> None:
    # Σ net = 0.06: 0.005 a month, half up to 0.01.
    flows = [("0.06", "0.00")] + [("0.00", "0.00")] * 11
    assert run_rate(months(flows, actual=12)) == D("0.01")
    assert run_rate(months([("0.00", "0.06")] + [("0.00", "0.00")] * 11, actual=12)) == D("-0.01")


def test_a_year_that_is_over_counts_from_january_with_the_run_rate() -> None:
    # Every month recorded, −100.00 a month: the cash at 31 December loses 100.00 a month.
    year = months([("0.00", "100.00")] * 12, actual=12)
    outlook = cash_outlook(as_of=date(2025, 12, 31), months=year, cash=D("250.00"))
    assert outlook.months == () and outlook.year_end == D("250.00")
    assert outlook.runway == Runway(months=3, below_zero_by=date(2026, 3, 31))


def test_a_projection_seen_from_31_december_projects_the_whole_year() -> None:
    year = months(RECORDED + PROJECTED, actual=0)
    outlook = cash_outlook(as_of=date(2024, 12, 31), months=year, cash=D("0.00"))
    assert len(outlook.months) == 12 and outlook.months[0].cash == D("4000.00")
    # 24,000 in six months, then 24,000 − 1,000 − 1,000 + 3,000 − 1,500 = 23,500.00.
    assert outlook.year_end == D("23500.00")


def test_without_an_account_open_at_as_of_nothing_is_projected() -> None:
    outlook = cash_outlook(as_of=JUNE, months=months(RECORDED + PROJECTED, actual=6), cash=None)
    assert outlook.unavailable == "no_account"
    assert (outlook.months, outlook.year_end, outlook.runway) == ((), None, None)


def test_a_projection_seen_from_before_the_year_before_has_no_projected_cash() -> None:
    # Seen from 30 November 2024: December 2024 is not one of the projection's months.
    outlook = cash_outlook(as_of=date(2024, 11, 30), months=months(RECORDED + PROJECTED, actual=0), cash=ZERO)
    assert outlook.unavailable == "seen_too_early"
    assert (outlook.year_end, outlook.runway) == (None, None)


def test_runway_compares_shorter_sooner_and_beyond_the_horizon_longest() -> None:
    beyond = Runway(months=None, below_zero_by=None)
    five = Runway(months=5, below_zero_by=date(2025, 11, 30))
    assert five.shorter_than(beyond) and not beyond.shorter_than(five)
    # Without projected months, the run-rate from the first month: 0.00 in July, −10.00 in August.
    assert runway(as_of=JUNE, cash=D("10.00"), month_ends=[], rate=D("-10.00")) == Runway(
        months=2, below_zero_by=date(2025, 8, 31)
    )
