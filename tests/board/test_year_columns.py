"""Multi-year tables print in even groups of years."""

from __future__ import annotations

from smartiberica.board.templatetags.year_columns import columns, year_groups_of


def test_it_splits_ten_years_into_two_even_groups() -> None:
    groups = year_groups_of(list(range(2017, 2027)), 6)
    assert [g.years for g in groups] == [tuple(range(2017, 2022)), tuple(range(2022, 2027))]
    assert (groups[1].first, groups[1].last) == (2022, 2026)


def test_it_keeps_a_short_series_in_one_group() -> None:
    assert [g.years for g in year_groups_of([2024, 2025], 5)] == [(2024, 2025)]


def test_it_gives_each_group_the_values_of_its_own_years() -> None:
    groups = year_groups_of([2020, 2021, 2022, 2023, 2024], 3)
    values = ["a", "b", "c", "d", "e"]
    assert [list(columns(values, g)) for g in groups] == [["a", "b", "c"], ["d", "e"]]


def test_it_has_no_group_for_no_year() -> None:
    assert year_groups_of([], 5) == []
