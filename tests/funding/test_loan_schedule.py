"""The French-annuity schedule, exact to the cent (pure module: no database)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding.loan_schedule import (
    Prepayment,
    ScheduleError,
    french_schedule,
    level_payment,
    periodic_rate,
)
from smartiberica.kernel.dates import add_months

D = Decimal
START = date(2020, 6, 15)


def schedule(**overrides: object) -> list:
    terms = {
        "principal": D("100000.00"),
        "annual_rate": D("3.00"),
        "instalments": 60,
        "start": START,
        "periods_per_year": 12,
    }
    terms.update(overrides)
    return french_schedule(**terms)  # type: ignore[arg-type]


def test_the_instalment_matches_numpy_financial_to_the_cent() -> None:
    rows = schedule()
    expected = npf.pmt(0.03 / 12, 60, -100000)
    assert rows[0].instalment == D(str(round(expected, 2)))
    assert rows[0].instalment == D("1796.87")


def test_interest_and_principal_follow_numpy_financial_within_rounding() -> None:
    rows = schedule()
    for row in rows[:-1]:
        interest = npf.ipmt(0.03 / 12, row.number, 60, -100000)
        principal = npf.ppmt(0.03 / 12, row.number, 60, -100000)
        assert abs(row.interest - D(str(interest))) < D("0.05"), row
        assert abs(row.principal - D(str(principal))) < D("0.05"), row


def test_the_principal_parts_sum_to_the_principal_and_the_last_instalment_absorbs_rounding() -> None:
    rows = schedule()
    assert sum(r.principal for r in rows) == D("100000.00")
    assert rows[-1].balance == D("0.00")
    assert {r.instalment for r in rows[:-1]} == {D("1796.87")}
    assert rows[-1].instalment == rows[-1].interest + rows[-1].principal
    assert rows[-1].instalment != D("1796.87")


def test_a_grace_period_pays_interest_only_then_amortizes_over_the_rest() -> None:
    rows = schedule(instalments=60, grace_instalments=6, annual_rate=D("5.50"))
    grace, rest = rows[:6], rows[6:]
    assert all(r.principal == 0 and r.instalment == r.interest == D("458.33") for r in grace)
    assert all(r.balance == D("100000.00") for r in grace)
    assert rest[0].instalment == D(str(round(npf.pmt(0.055 / 12, 54, -100000), 2)))
    assert sum(r.principal for r in rows) == D("100000.00")


def test_a_quarterly_loan_falls_due_every_three_months() -> None:
    rows = schedule(instalments=8, periods_per_year=4)
    assert [r.due_date for r in rows[:3]] == [date(2020, 9, 15), date(2020, 12, 15), date(2021, 3, 15)]
    assert rows[0].interest == D("750.00")  # 100 000 × 3 % / 4


def test_a_zero_rate_loan_repays_equal_parts() -> None:
    rows = schedule(principal=D("1000.00"), annual_rate=D("0"), instalments=3)
    assert [r.instalment for r in rows] == [D("333.33"), D("333.33"), D("333.34")]
    assert all(r.interest == 0 for r in rows)


def test_due_dates_keep_the_start_day_even_after_a_short_month() -> None:
    rows = schedule(start=date(2021, 1, 31), instalments=3)
    assert [r.due_date for r in rows] == [date(2021, 2, 28), date(2021, 3, 31), date(2021, 4, 30)]
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_a_prepayment_keeps_the_rows_before_it_and_lowers_the_instalments_after() -> None:
    before = schedule()
    after = schedule(prepayments=[Prepayment(on=date(2021, 1, 20), amount=D("10000.00"))])
    kept = [r for r in before if r.due_date <= date(2021, 1, 20)]
    assert after[: len(kept)] == kept
    assert len(after) == len(before)
    assert after[len(kept)].instalment < before[len(kept)].instalment
    assert sum(r.principal for r in after) + D("10000.00") == D("100000.00")
    assert after[-1].balance == 0
    first_new = after[len(kept)]
    assert first_new.interest == ((kept[-1].balance - D("10000.00")) * periodic_rate(D("3.00"), 12)).quantize(
        D("0.01"), rounding=ROUND_HALF_UP
    )


def test_two_prepayments_in_the_same_period_both_count() -> None:
    rows = schedule(
        prepayments=[
            Prepayment(on=date(2021, 1, 16), amount=D("5000.00")),
            Prepayment(on=date(2021, 2, 1), amount=D("5000.00")),
        ]
    )
    assert sum(r.principal for r in rows) == D("90000.00")
    assert rows[-1].balance == 0


def test_a_prepayment_of_the_whole_balance_ends_the_schedule() -> None:
    rows = schedule()
    balance = rows[11].balance
    ended = schedule(prepayments=[Prepayment(on=rows[11].due_date, amount=balance)])
    assert len(ended) == 12
    assert sum(r.principal for r in ended) + balance == D("100000.00")


@pytest.mark.parametrize(
    ("prepayment", "code"),
    [
        (Prepayment(on=date(2020, 1, 1), amount=D("10.00")), ScheduleError.PREPAYMENT_BEFORE_START),
        (Prepayment(on=date(2030, 1, 1), amount=D("10.00")), ScheduleError.PREPAYMENT_AFTER_END),
        (Prepayment(on=date(2021, 1, 1), amount=D("200000.00")), ScheduleError.PREPAYMENT_EXCEEDS_BALANCE),
        (Prepayment(on=date(2021, 1, 1), amount=D("0.00")), ScheduleError.PREPAYMENT_AMOUNT),
    ],
)
def test_it_refuses_an_impossible_prepayment(prepayment: Prepayment, code: str) -> None:
    with pytest.raises(ScheduleError) as error:
        schedule(prepayments=[prepayment])
    assert error.value.code == code


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"instalments": 0}, ScheduleError.TERM),
        ({"grace_instalments": 60}, ScheduleError.GRACE),
        ({"principal": D("0")}, ScheduleError.PRINCIPAL),
        ({"annual_rate": D("100.01")}, ScheduleError.RATE),
        ({"periods_per_year": 2}, ScheduleError.FREQUENCY),
    ],
)
def test_it_refuses_impossible_terms(overrides: dict, code: str) -> None:
    with pytest.raises(ScheduleError) as error:
        schedule(**overrides)
    assert error.value.code == code


def test_the_payment_is_lowered_when_rounding_up_would_repay_the_loan_early() -> None:
    # 1.80 over 360 months at 0 %: the exact payment 0.005 rounds up to 0.01, which would repay
    # everything after 180 months; the payment is lowered to 0.00 and the last row repays it all.
    assert level_payment(D("1.80"), D("0"), 360) == D("0.00")
    rows = schedule(principal=D("1.80"), annual_rate=D("0"), instalments=360)
    assert all(r.balance > 0 for r in rows[:-1])
    assert rows[-1].principal == D("1.80")


money = st.integers(min_value=100_000, max_value=200_000_000).map(lambda cents: D(cents).scaleb(-2))
rates = st.integers(min_value=0, max_value=2000).map(lambda bp: D(bp).scaleb(-2))


@st.composite
def loans(draw: st.DrawFn) -> dict:
    periods_per_year = draw(st.sampled_from([12, 4]))
    instalments = draw(st.integers(min_value=1, max_value=360 if periods_per_year == 12 else 120))
    grace = draw(st.integers(min_value=0, max_value=min(instalments - 1, 24)))
    return {
        "principal": draw(money),
        "annual_rate": draw(rates),
        "instalments": instalments,
        "grace_instalments": grace,
        "periods_per_year": periods_per_year,
        "start": draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))),
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loans())
def test_every_random_loan_gives_an_exact_schedule(terms: dict) -> None:
    rows = french_schedule(**terms)
    principal, grace = terms["principal"], terms["grace_instalments"]
    rate = periodic_rate(terms["annual_rate"], terms["periods_per_year"])
    assert len(rows) == terms["instalments"]
    assert sum(r.principal for r in rows) == principal
    assert rows[-1].balance == 0
    assert all(r.balance >= 0 for r in rows)
    assert all(r.balance > 0 for r in rows[:-1])
    balance = principal
    for row in rows:
        assert row.instalment == row.interest + row.principal
        assert row.interest == (balance * rate).quantize(D("0.01"), rounding=ROUND_HALF_UP)
        balance -= row.principal
        assert row.balance == balance
    assert all(r.principal == 0 for r in rows[:grace])
    amortizing = rows[grace:-1]
    assert len({r.instalment for r in amortizing}) <= 1
    assert [r.due_date for r in rows] == sorted({r.due_date for r in rows})


@settings(max_examples=100, deadline=None)
@given(loans(), st.integers(min_value=1, max_value=95), st.integers(min_value=0, max_value=400))
def test_a_random_prepayment_keeps_the_schedule_exact(terms: dict, share: int, day: int) -> None:
    rows = french_schedule(**terms)
    on = rows[min(day, len(rows) - 1)].due_date
    kept = [r for r in rows if r.due_date <= on]
    if len(kept) == len(rows):
        return
    base = kept[-1].balance if kept else terms["principal"]
    amount = (base * share / 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    if amount <= 0:
        return
    after = french_schedule(**terms, prepayments=[Prepayment(on=on, amount=amount)])
    assert after[: len(kept)] == kept
    assert sum(r.principal for r in after) + amount == terms["principal"]
    assert after[-1].balance == 0
    assert all(r.balance >= 0 for r in after)
    assert len({r.instalment for r in after[max(len(kept), terms["grace_instalments"]) : -1]}) <= 1
