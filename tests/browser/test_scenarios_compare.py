"""A board member compares the demo's scenarios for the year in progress, in a real browser.

The demo is loaded on a fixed day (15 June 2026: five months recorded, seven projected), so that
the scenarios have months to change whatever day the test runs; the clock ticks on from there.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from smartiberica.board import figure_registry as registry
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_layout import CHART_PROBLEMS, overflow
from tests.browser.test_login_and_language import log_in
from tests.conftest import PASSWORD

DAY = "2026-06-15 10:00:00+02:00"
YEAR = 2026
CHOSEN = ("structure-margin-8", "hachette-leaves")


@pytest.fixture
def demo(transactional_db: None, seeded_reference_data: None) -> Iterator[None]:
    with time_machine.travel(DAY, tick=True):
        call_command("load_demo", password=PASSWORD, force=True, stdout=io.StringIO())
        yield


def test_a_board_member_ticks_two_scenarios_and_reads_them_beside_the_baseline(
    demo: None, page: Any, live_server: Any
) -> None:
    log_in(page, live_server.url, "board")
    page.goto(f"{live_server.url}/years/{YEAR}/")
    # The year page projects every headline figure to the end of the year.
    with translation.override("es"):
        words = gettext("Projected at year end:")
    projected = page.locator(".headline .projected")
    assert projected.count() == len(registry.headline_figures())
    assert projected.first.inner_text().startswith(words)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scenarios-year-page.png"), full_page=True)

    with page.expect_navigation():
        page.click(f"a[href^='/years/{YEAR}/scenarios/']")
    for slug in CHOSEN:
        page.check(f"input[name=compare][value={slug}]")
    with page.expect_navigation():
        page.click("form[aria-labelledby=compare-title] button[type=submit]")
    assert all(f"compare={slug}" in page.url for slug in CHOSEN), page.url

    # Three columns: the baseline first, then the two scenarios (in the order of the checkboxes).
    slugs = page.locator("table.compare thead th[data-scenario]").evaluate_all(
        "cells => cells.map(c => c.dataset.scenario)"
    )
    assert slugs[0] == "baseline" and sorted(slugs[1:]) == sorted(CHOSEN), slugs
    cells = page.locator("table.compare tr[data-figure=self_financing] td").all_inner_texts()
    ratio = dict(zip(slugs, (cell.strip() for cell in cells), strict=True))
    # A higher margin and the loss of Hachette (its time-and-materials contract bills each month
    # what it billed a year before) each move the year-end ratio their own way.
    assert set(ratio) == {"baseline", *CHOSEN} and len(set(ratio.values())) == 3, ratio
    assert page.locator(".subtitle[data-as-of='2026-05-31']").count() == 1

    # The months: two charts drawn, each with its legend and its table of exact figures.
    charts = page.locator("figure.chart[data-chart] svg")
    assert charts.count() == 2 and charts.first.is_visible()
    assert page.locator("figure.chart[data-chart] .chart-legend li").count() == 2 * 4  # recorded + 3
    assert page.locator("[data-monthly='own_revenue'] table tbody tr").count() == 12

    # On a phone and a laptop: nothing wider than the screen, chart labels whole and in the picture.
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        page.screenshot(path=str(ARTIFACTS / f"scenarios-compare-{width}.png"), full_page=True)
        scroll, inner = overflow(page)
        assert scroll <= inner, (width, scroll, inner)
        assert page.evaluate(CHART_PROBLEMS) == [], width


def test_the_multi_year_chart_ends_the_year_in_progress_at_its_projection(
    demo: None, page: Any, live_server: Any
) -> None:
    log_in(page, live_server.url, "board")
    page.goto(f"{live_server.url}/years/")
    with translation.override("es"):
        label = gettext("Self-financing ratio (projected at year end)")
    trends = page.locator("section[aria-labelledby=trends-title] figure.chart").first
    assert trends.locator(".chart-legend li").last.inner_text() == label
    assert trends.locator("circle[style*='fill:#fff']").count() == 1  # the hollow marker
    row = page.locator("table.by-year tr[data-figure=self_financing_projected] td").all_inner_texts()
    assert row[-1].endswith("%") and all(cell == "" for cell in row[:-1]), row
    page.screenshot(path=str(ARTIFACTS / "scenarios-years-page.png"), full_page=True)
