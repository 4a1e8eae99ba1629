from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from smartiberica.kernel.parsing import ParseError, parse_amount, parse_date, parse_integer, parse_month

D = Decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.56", D("1234.56")),
        ("1234,56", D("1234.56")),
        ("1.234,56", D("1234.56")),
        ("1,234.56", D("1234.56")),
        ("1.234.567,8", D("1234567.80")),
        ("1.234.567", D("1234567.00")),
        ("-250,5", D("-250.50")),
        (" 12 345,00 € ", D("12345.00")),
        ("7", D("7.00")),
        ("0", D("0.00")),
    ],
)
def test_it_reads_the_amounts_of_the_contract(raw: str, expected: Decimal) -> None:
    assert parse_amount(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "abc", "1.234", "1,234", "12.3.4", "1,2,3", "5.", ".5", "1.23,4.5", "--1", "1e5"]
)
def test_it_refuses_what_it_would_have_to_guess(raw: str) -> None:
    with pytest.raises(ParseError):
        parse_amount(raw)


def test_it_says_what_is_wrong_in_the_readers_language() -> None:
    with translation.override("en"), pytest.raises(ParseError, match="more than two decimals"):
        parse_amount("1.234")
    with translation.override("es"), pytest.raises(ParseError) as caught:
        parse_amount("doce")
    assert "no es un importe" in caught.value.message


def test_it_refuses_amounts_beyond_the_column() -> None:
    with pytest.raises(ParseError):
        parse_amount("1000000000000")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2024-03-05", date(2024, 3, 5)), ("05/03/2024", date(2024, 3, 5)), ("5/3/2024", date(2024, 3, 5))],
)
def test_it_reads_both_date_forms_day_first(raw: str, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2024-02-30", "31/04/2024", "2024/03/05", "03-05-2024", "yesterday", ""])
def test_it_refuses_impossible_or_foreign_dates(raw: str) -> None:
    with pytest.raises(ParseError):
        parse_date(raw)


def test_it_reads_a_month_as_its_first_day() -> None:
    assert parse_month("2021-07") == date(2021, 7, 1)
    assert parse_month("2021-07-01") == date(2021, 7, 1)
    for bad in ("2021-13", "2021-07-15", "July"):
        with pytest.raises(ParseError):
            parse_month(bad)


def test_it_reads_whole_numbers_as_spreadsheets_write_them() -> None:
    assert parse_integer("12") == 12
    assert parse_integer("12.0") == 12
    with pytest.raises(ParseError):
        parse_integer("12.5")
