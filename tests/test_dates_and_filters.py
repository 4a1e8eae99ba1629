from datetime import date
from unittest import mock

import time_machine

from smartiberica.kernel.admin_filters import year_filter
from smartiberica.kernel.dates import current_year, today, year_bounds


@time_machine.travel("2024-12-31 23:30:00+00:00")
def test_today_is_the_cooperatives_day_not_utcs() -> None:
    # 23:30 UTC on 31 December is already New Year in Madrid.
    assert today() == date(2025, 1, 1)
    assert current_year() == 2025


def test_a_year_spans_the_first_to_the_last_day() -> None:
    assert year_bounds(2020) == (date(2020, 1, 1), date(2020, 12, 31))


def test_the_year_filter_is_named_after_its_field() -> None:
    # Its choices (the years with records and the current one): tests/test_year_choices.py.
    assert year_filter("issue_date").parameter_name == "issue_date_year"


def test_the_year_filter_filters_on_a_date_range_and_ignores_junk() -> None:
    filter_class = year_filter("issue_date")
    instance = filter_class.__new__(filter_class)
    queryset = mock.Mock()
    instance.used_parameters = {"issue_date_year": "2021"}
    instance.queryset(None, queryset)  # type: ignore[arg-type]
    queryset.filter.assert_called_once_with(issue_date__range=(date(2021, 1, 1), date(2021, 12, 31)))
    instance.used_parameters = {"issue_date_year": "20x1"}
    assert instance.queryset(None, queryset) is queryset  # type: ignore[arg-type]
