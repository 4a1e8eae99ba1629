"""The margin rules' arithmetic (services.margin_rules): hand-computed values, then properties.

No database: the functions take values. The pilot is the demo's 2020 variable margin:
0 → 6.50 + 2.00, 90,000.00 → 5.75 + 2.00, 120,000.00 → 5.00 + 2.00.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.calculations import Band
from services.choices import SimulatedRuleKind
from services.margin_rules import MarginDrop, SimulatedRule, margin_drops, rule_drops, simulated_margin

D = Decimal
CENT = D("0.01")
PILOT = (
    Band(D("0.00"), D("6.50"), D("2.00")),
    Band(D("90000.00"), D("5.75"), D("2.00")),
    Band(D("120000.00"), D("5.00"), D("2.00")),
)


def banded(*bands: Band) -> SimulatedRule:
    return SimulatedRule(kind=SimulatedRuleKind.BANDED, bands=bands)


def progressive(*bands: Band) -> SimulatedRule:
    return SimulatedRule(kind=SimulatedRuleKind.PROGRESSIVE, bands=bands)


def test_a_flat_rule_charges_both_rates_on_the_whole_turnover_rounded_half_up() -> None:
    rule = SimulatedRule.flat(structure_rate=D("5.50"), fund_rate=D("2.00"))
    # 12,345.67 × 5.5 % = 679.01185; × 2 % = 246.9134.
    assert simulated_margin(rule, D("12345.67")) == (D("679.01"), D("246.91"))
    # 100.10 × 5.5 % = 5.5055 → 5.51 (half up, not to even).
    assert simulated_margin(rule, D("100.10")) == (D("5.51"), D("2.00"))
    assert simulated_margin(rule, D("0.00")) == (D("0.00"), D("0.00"))


def test_a_banded_rule_charges_the_band_of_the_month_on_its_whole_turnover() -> None:
    rule = banded(*PILOT)
    assert simulated_margin(rule, D("89471.68")) == (D("5815.66"), D("1789.43"))
    assert simulated_margin(rule, D("89999.99")) == (D("5850.00"), D("1800.00"))
    assert simulated_margin(rule, D("90000.00")) == (D("5175.00"), D("1800.00"))
    assert simulated_margin(rule, D("119999.99")) == (D("6900.00"), D("2400.00"))
    assert simulated_margin(rule, D("120000.00")) == (D("6000.00"), D("2400.00"))


def test_a_progressive_rule_charges_each_band_on_its_slice_and_rounds_once() -> None:
    rule = progressive(*PILOT)
    assert simulated_margin(rule, D("90000.00")) == (D("5850.00"), D("1800.00"))
    # 90,000 × 6.5 % + 10,000 × 5.75 % = 5,850 + 575.
    assert simulated_margin(rule, D("100000.00")) == (D("6425.00"), D("2000.00"))
    # 5,850 + 30,000 × 5.75 % + 10,000 × 5 % = 5,850 + 1,725 + 500.
    assert simulated_margin(rule, D("130000.00")) == (D("8075.00"), D("2600.00"))


def test_a_progressive_rule_sums_the_exact_slices_before_rounding() -> None:
    rule = progressive(Band(D("0.00"), D("1.00"), D("0.00")), Band(D("0.50"), D("1.00"), D("1.00")))
    # Slices 0.50 × 1 % = 0.005 and 0.50 × 1 % = 0.005: 0.01 once summed; 0.00 + 0.00 if each
    # slice were rounded (half up gives 0.01 each: 0.02). The fund: 0.50 × 1 % = 0.005 → 0.01.
    assert simulated_margin(rule, D("1.00")) == (D("0.01"), D("0.01"))


def test_the_pilot_drops_at_90000_and_at_120000() -> None:
    assert margin_drops(PILOT) == [
        MarginDrop(
            turnover=D("90000.00"),
            margin_at=D("5175.00"),
            margin_below=D("5850.00"),
            # 79,615.47 × 6.5 % = 5,175.00555 → 5,175.01; one cent less gives 5,175.00.
            lowest_turnover_above_it=D("79615.47"),
        ),
        MarginDrop(
            turnover=D("120000.00"),
            margin_at=D("6000.00"),
            margin_below=D("6900.00"),
            # No month of the first band reaches 6,000.01 (5,850.00 at most); in the second,
            # 104,347.92 × 5.75 % = 6,000.0054 → 6,000.01, and 104,347.91 gives 6,000.00.
            lowest_turnover_above_it=D("104347.92"),
        ),
    ]


def test_the_turnover_just_below_a_drop_earns_more_and_the_cent_before_it_does_not() -> None:
    rule = banded(*PILOT)
    for drop in margin_drops(PILOT):
        at, _fund = simulated_margin(rule, drop.turnover)
        assert simulated_margin(rule, drop.lowest_turnover_above_it)[0] > at
        assert simulated_margin(rule, drop.lowest_turnover_above_it - CENT)[0] <= at


def test_bands_whose_rates_grow_never_drop() -> None:
    assert margin_drops([Band(D("0"), D("5.00"), D("2.00")), Band(D("50000"), D("6.00"), D("2.00"))]) == []


def test_a_falling_rate_is_a_drop_only_when_the_rounded_margin_falls() -> None:
    # 0.99 × 1 % = 0.0099 → 0.01 and 1.00 × 0.60 % = 0.006 → 0.01: the same margin, no drop.
    assert margin_drops([Band(D("0"), D("1.00"), D("2")), Band(D("1.00"), D("0.60"), D("2"))]) == []
    # From 5 % to 4.99 % at 100,000: 4,990.00 < 4,999.9995 → 5,000.00, a drop.
    [drop] = margin_drops([Band(D("0"), D("5.00"), D("2")), Band(D("100000"), D("4.99"), D("2"))])
    assert (drop.turnover, drop.margin_at, drop.margin_below) == (D("100000.00"), D("4990.00"), D("5000.00"))
    assert drop.lowest_turnover_above_it == D("99800.10")  # 99,800.10 × 5 % = 4,990.005 → 4,990.01


def test_only_a_banded_rule_can_drop() -> None:
    assert len(rule_drops(banded(*PILOT))) == 2
    assert rule_drops(progressive(*PILOT)) == []
    assert rule_drops(SimulatedRule.flat(structure_rate=D("8.00"), fund_rate=D("2.00"))) == []


def test_bands_are_kept_lowest_first_whatever_the_order_given() -> None:
    rule = banded(PILOT[2], PILOT[0], PILOT[1])
    assert rule.bands == PILOT


@pytest.mark.parametrize(
    ("kind", "bands"),
    [
        ("banded", (Band(D("100"), D("5"), D("2")),)),  # no band from 0
        ("banded", ()),
        ("progressive", (Band(D("0"), D("5"), D("2")), Band(D("0"), D("6"), D("2")))),  # same bound twice
        ("flat", PILOT),  # a flat rule is one band
        ("tiered", PILOT[:1]),
    ],
)
def test_a_rule_the_arithmetic_cannot_price_is_refused(kind: str, bands: tuple[Band, ...]) -> None:
    with pytest.raises(ValueError):
        SimulatedRule(kind=kind, bands=bands)  # type: ignore[arg-type]


def test_a_negative_turnover_is_refused() -> None:
    with pytest.raises(ValueError):
        simulated_margin(banded(*PILOT), D("-0.01"))


# --- Properties -------------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=50_000_000).map(lambda n: D(n) / 100)
rates = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n) / 100)


@st.composite
def band_lists(draw: st.DrawFn) -> tuple[Band, ...]:
    """One to six bands, the first from 0, distinct bounds in cents, rates 0-100 %."""
    bounds = draw(st.lists(st.integers(min_value=1, max_value=30_000_000), max_size=5, unique=True))
    return tuple(Band(D(bound) / 100, draw(rates), draw(rates)) for bound in [0, *sorted(bounds)])


@settings(max_examples=200, deadline=None)
@given(bands=band_lists(), turnover=cents, more=st.integers(min_value=1, max_value=5_000_000))
def test_a_progressive_rule_never_gives_less_for_more_turnover(
    bands: tuple[Band, ...], turnover: Decimal, more: int
) -> None:
    rule = progressive(*bands)
    higher = turnover + D(more) / 100
    low, high = simulated_margin(rule, turnover), simulated_margin(rule, higher)
    assert high[0] >= low[0] and high[1] >= low[1]


@settings(max_examples=200, deadline=None)
@given(structure=rates, fund=rates, turnover=cents, more=st.integers(min_value=1, max_value=5_000_000))
def test_a_flat_rule_never_gives_less_for_more_turnover(
    structure: Decimal, fund: Decimal, turnover: Decimal, more: int
) -> None:
    rule = SimulatedRule.flat(structure_rate=structure, fund_rate=fund)
    low, high = simulated_margin(rule, turnover), simulated_margin(rule, turnover + D(more) / 100)
    assert high[0] >= low[0] and high[1] >= low[1]
    assert rule_drops(rule) == []


@settings(max_examples=200, deadline=None)
@given(bands=band_lists())
def test_a_banded_rule_drops_exactly_where_one_more_cent_earns_less(bands: tuple[Band, ...]) -> None:
    rule = banded(*bands)
    drops = {drop.turnover: drop for drop in margin_drops(bands)}
    for band in rule.bands[1:]:
        at = simulated_margin(rule, band.lower_bound)[0]
        below = simulated_margin(rule, band.lower_bound - CENT)[0]
        assert (band.lower_bound in drops) == (at < below)
        if band.lower_bound in drops:
            drop = drops[band.lower_bound]
            assert (drop.margin_at, drop.margin_below) == (at, below)
            lowest = drop.lowest_turnover_above_it
            assert lowest < band.lower_bound
            assert simulated_margin(rule, lowest)[0] > at
            # The smallest: within a band the margin grows, so the last cent of each band below
            # `lowest` (or the cent before `lowest`) is the most that band earns there.
            uppers = [b.lower_bound for b in rule.bands[1:]] + [band.lower_bound]
            for lower, upper in zip(rule.bands, uppers, strict=True):
                if lower.lower_bound < lowest:
                    assert simulated_margin(rule, min(upper, lowest) - CENT)[0] <= at


@settings(max_examples=200, deadline=None)
@given(bands=band_lists(), turnover=cents, more=st.integers(min_value=1, max_value=5_000_000))
def test_a_banded_rule_whose_rates_never_fall_never_drops(
    bands: tuple[Band, ...], turnover: Decimal, more: int
) -> None:
    # The same bounds with the structure rates sorted: each band's rate at least the one below.
    rising = sorted(band.structure_rate for band in bands)
    bands = tuple(Band(b.lower_bound, rate, b.fund_rate) for b, rate in zip(bands, rising, strict=True))
    rule = banded(*bands)
    assert margin_drops(bands) == []
    assert simulated_margin(rule, turnover + D(more) / 100)[0] >= simulated_margin(rule, turnover)[0]
