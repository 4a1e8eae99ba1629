from decimal import Decimal

import pytest

from smartiberica.kernel.money import percent_of, ratio, round_money, round_sums


def test_it_rounds_half_up_to_the_cent() -> None:
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert round_money(Decimal("-0.005")) == Decimal("-0.01")
    assert round_money(Decimal("10")) == Decimal("10.00")


def test_sums_by_key_are_rounded_half_up_to_the_cent_as_round_money_does() -> None:
    # A sum SQLite made from floats, one that is half a cent, and one that is exact already.
    rows = [(7, Decimal("12.3449999999999")), (8, Decimal("-0.005")), (9, Decimal("40.10"))]
    assert round_sums(rows) == {7: Decimal("12.34"), 8: Decimal("-0.01"), 9: Decimal("40.10")}
    assert round_sums(rows) == {key: round_money(total) for key, total in rows}


def test_it_takes_a_percentage_to_the_cent() -> None:
    assert percent_of(Decimal("1000.00"), Decimal("5.5")) == Decimal("55.00")
    assert percent_of(Decimal("33.33"), Decimal("21")) == Decimal("7.00")  # 6.9993
    assert percent_of(Decimal("0.10"), Decimal("5")) == Decimal("0.01")  # 0.005 rounds up


def test_a_ratio_has_four_places_and_rounds_half_up() -> None:
    assert ratio(Decimal("2"), Decimal("3")) == Decimal("0.6667")
    assert ratio(Decimal("1"), Decimal("8")) == Decimal("0.1250")
    assert ratio(Decimal("5"), Decimal("4")) == Decimal("1.2500")


def test_a_ratio_over_zero_is_none_never_zero() -> None:
    assert ratio(Decimal("10.00"), Decimal("0.00")) is None
    assert ratio(Decimal("0.00"), Decimal("0.00")) is None
    assert ratio(Decimal("0.00"), Decimal("5.00")) == Decimal("0.0000")


@pytest.mark.parametrize("bad", [0.1, 1.0, "1.00", None, True])
def test_it_refuses_anything_but_decimals(bad: object) -> None:
    with pytest.raises(TypeError):
        round_money(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ratio(Decimal("1"), bad)  # type: ignore[arg-type]
