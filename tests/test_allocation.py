from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartiberica.kernel.allocation import allocate, split_evenly

D = Decimal


def test_it_splits_a_year_into_twelve_months_that_add_up_to_it() -> None:
    parts = split_evenly(D("100.00"), 12)
    assert parts == [D("8.34")] * 4 + [D("8.33")] * 8
    assert sum(parts) == D("100.00")


def test_it_gives_the_left_over_cents_to_the_largest_remainders() -> None:
    # 10.00 in thirds, halves of the weight 2: 3.333…, 6.666… → 3.33 and 6.67.
    assert allocate(D("10.00"), [D(1), D(2)]) == [D("3.33"), D("6.67")]


def test_a_part_with_no_weight_gets_nothing() -> None:
    assert allocate(D("1000.00"), [D(0), D(3), D(1)]) == [D("0.00"), D("750.00"), D("250.00")]


def test_a_negative_amount_splits_like_a_positive_one() -> None:
    assert split_evenly(D("-0.05"), 3) == [D("-0.02"), D("-0.02"), D("-0.01")]


def test_it_refuses_weights_that_say_nothing() -> None:
    with pytest.raises(ValueError, match="zero"):
        allocate(D("1.00"), [D(0), D(0)])
    with pytest.raises(ValueError, match="negative"):
        allocate(D("1.00"), [D(1), D(-1)])
    with pytest.raises(ValueError, match="at least one"):
        allocate(D("1.00"), [])


@given(
    st.decimals(min_value=D("-99999.99"), max_value=D("99999.99"), places=2),
    st.lists(st.integers(0, 1000), min_size=1, max_size=12).filter(any),
)
def test_the_parts_always_add_up_and_stay_within_a_cent_of_their_share(
    amount: Decimal, weights: list[int]
) -> None:
    parts = allocate(amount, [D(w) for w in weights])
    assert sum(parts) == amount
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - amount * weight / total) < D("0.01")
