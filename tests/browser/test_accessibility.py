"""Accessibility in a real browser: axe-core on every board page and the admin pages staff use most.

axe-core comes from npm (package-lock.json, `make install`); without it these tests are skipped,
and REQUIRE_BROWSER=1 makes that a failure, as for Chromium itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from services.choices import InvoiceStatus
from services.models import Invoice
from smartiberica.board.closing import year_close
from smartiberica.board.scenario_actions import scenario_create
from tests.board.story import build

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# What a reader cannot work around; "moderate" and "minor" findings are advice, not failures.
BLOCKING = frozenset({"serious", "critical"})
CLOSED_YEAR = 2023
OPEN_YEAR = 2024
# The comparison seen from mid-2024, so that it has projected months and a scenario's column.
COMPARE = f"/years/{OPEN_YEAR}/scenarios/?compare=margen-8&as_of={OPEN_YEAR}-06-30"


@dataclass(frozen=True)
class Screen:
    name: str
    path: str
    username: str | None  # None: the page is read without logging in
    width: int = 1280  # CSS pixels; 375 is a phone, where wide tables scroll in their box


SCREENS = (
    Screen("login", "/accounts/login/", None),
    Screen("year-accrual", f"/years/{OPEN_YEAR}/", "berta"),
    Screen("year-cash", f"/years/{OPEN_YEAR}/?basis=cash", "berta"),
    Screen("year-closed", f"/years/{CLOSED_YEAR}/", "berta"),
    Screen("all-years", "/years/", "berta"),
    Screen("year-phone", f"/years/{OPEN_YEAR}/", "berta", width=375),
    Screen("all-years-phone", "/years/", "berta", width=375),
    Screen("board-pack", f"/years/{CLOSED_YEAR}/pack/", "berta"),
    Screen("approve", f"/years/{OPEN_YEAR}/approve/", "berta"),
    Screen("scenarios-compare", COMPARE, "berta"),
    Screen("scenarios-compare-phone", COMPARE, "berta", width=375),
    Screen("margin-simulator", "/margins/simulator/", "berta"),
    Screen("margin-simulator-phone", "/margins/simulator/", "berta", width=375),
    Screen("calendar", f"/calendar/?from={OPEN_YEAR}-01", "berta"),
    Screen("calendar-phone", f"/calendar/?from={OPEN_YEAR}-01", "berta", width=375),
    Screen("receivables", f"/receivables/?on={OPEN_YEAR}-12-31", "berta"),
    Screen("receivables-phone", f"/receivables/?on={OPEN_YEAR}-12-31", "berta", width=375),
    Screen("admin-index", "/admin/", "sara"),
    Screen("admin-invoices", "/admin/services/invoice/", "sara"),
    Screen("admin-invoice-add", "/admin/services/invoice/add/", "sara"),
    Screen("admin-invoice-change", "/admin/services/invoice/{draft_invoice}/change/", "sara"),
    Screen("admin-payments", "/admin/services/payment/", "sara"),
    Screen("admin-expenses", "/admin/funding/expense/", "sara"),
    Screen("admin-import", "/admin/services/invoice/import/", "sara"),
)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.is_file():
        message = f"axe-core not found at {AXE}: run `make install` (it needs npm)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (REQUIRE_BROWSER=1)")
        pytest.skip(message + " (set REQUIRE_BROWSER=1 to make this a failure)")
    return AXE


@pytest.fixture
def story(
    transactional_db: None, seeded_reference_data: None, board_user: Any, staff_user: Any
) -> dict[str, int]:
    """Two years of records, the older one approved (it has a board pack); the ids paths name."""
    build()
    year_close(year=CLOSED_YEAR, user=board_user, note="Cuentas aprobadas en la asamblea")
    scenario_create(
        author=board_user,
        slug="margen-8",
        name="Margen al 8 %",
        structure_rate=Decimal("8.00"),
        fund_rate=Decimal("2.00"),
        rates_from=date(OPEN_YEAR, 7, 1),
    )
    # A draft's lines are editable: its page has inputs in rows and their "Delete" boxes.
    return {"draft_invoice": Invoice.objects.get(status=InvoiceStatus.DRAFT, issue_date__year=CLOSED_YEAR).pk}


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    # The strict Content-Security-Policy forbids the injected axe script; the test lifts it.
    tab_context = browser.new_context(
        locale="es-ES", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    yield tab_context
    tab_context.close()


def logged_in_tab(context: Any, base_url: str, username: str | None) -> Any:
    if username is not None:
        client = Client()
        client.force_login(_user(username))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
    return context.new_page()


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def open_screen(context: Any, base_url: str, screen: Screen) -> Any:
    tab = logged_in_tab(context, base_url, screen.username)
    tab.set_viewport_size({"width": screen.width, "height": 900})
    response = tab.goto(base_url + screen.path)
    assert response is not None and response.status == 200, f"{screen.path}: {response and response.status}"
    assert "/accounts/login/" not in tab.url or screen.username is None, tab.url
    return tab


def blocking_violations(tab: Any, axe: Path) -> list[dict[str, Any]]:
    tab.add_script_tag(path=str(axe))
    result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}; first: {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
def test_it_has_no_serious_or_critical_axe_violation(
    screen: Screen, axe_script: Path, story: dict[str, int], context: Any, live_server: Any
) -> None:
    tab = open_screen(context, live_server.url, replace(screen, path=screen.path.format(**story)))
    violations = blocking_violations(tab, axe_script)
    assert violations == [], f"{screen.path}:\n{describe(violations)}"


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), cls: el.className, text: el.textContent.trim(),
    href: el.getAttribute("href"), inNav: !!el.closest(".main-nav"), inMain: !!el.closest("main"),
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    onScreen: box.width > 1 && box.height > 1 && box.left >= 0 && box.top >= 0,
  };
}"""
# The focus indicator must be seen, not guessed: a solid outline of at least 2 CSS pixels
# (WCAG 2.4.7, and the 2 px of 2.4.13's focus appearance).
MIN_OUTLINE = 2


def tab_to_next(tab: Any) -> dict[str, Any]:
    tab.keyboard.press("Tab")
    focused: dict[str, Any] = tab.evaluate(FOCUSED)
    return focused


@pytest.mark.usefixtures("story")
def test_it_tabs_to_the_skip_link_first_then_the_main_links_with_a_visible_focus(
    context: Any, live_server: Any
) -> None:
    tab = open_screen(context, live_server.url, SCREENS[1])
    skip = tab_to_next(tab)
    assert (skip["cls"], skip["href"]) == ("skip-link", "#main"), skip
    assert skip["onScreen"] and skip["outline"] >= MIN_OUTLINE, skip

    links = tab.eval_on_selector_all(".main-nav a", "links => links.map(a => a.getAttribute('href'))")
    assert links[:2] == ["/", "/years/"], links
    focused = [tab_to_next(tab) for _ in range(len(links) + 1)]
    nav = [f for f in focused if f["inNav"]]
    assert [f["href"] for f in nav] == links, focused
    # Nothing else comes between the skip link and the main links but the brand (a link home).
    assert focused.index(nav[0]) <= 1, focused
    for link in nav:
        assert link["onScreen"] and link["outline"] >= MIN_OUTLINE, link


@pytest.mark.usefixtures("story")
def test_the_skip_link_moves_the_keyboard_to_the_page_content(context: Any, live_server: Any) -> None:
    tab = open_screen(context, live_server.url, SCREENS[1])
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    after = tab_to_next(tab)
    assert after["inMain"], after
    assert after["outline"] >= MIN_OUTLINE, after


CHARTS = """() => [...document.querySelectorAll("main figure.chart, main svg")]
  .filter(el => el.tagName.toLowerCase() === "figure" || !el.closest("figure.chart"))
  .map(el => {
    const figure = el.tagName.toLowerCase() === "figure" ? el : null;
    const svg = figure ? figure.querySelector("svg") : el;
    const texts = selector => [...svg.querySelectorAll(selector)].map(t => t.textContent.trim());
    // The legend: HTML under the picture, or pygal's own (a label cut short keeps it whole in <title>).
    const legends = [...(figure || svg).querySelectorAll(".chart-legend li, .legends .legend")]
      .map(item => (item.querySelector("title") || item).textContent.trim());
    const linked = figure ? [...figure.querySelectorAll("figcaption a[href^='#']")]
      .map(a => document.getElementById(a.getAttribute("href").slice(1)))
      .filter(Boolean)
      .flatMap(target => [...(target.closest("section") || target).querySelectorAll("table")]) : [];
    const near = [...(el.closest("section") || document.body).querySelectorAll("table")];
    return {
      isFigure: !!figure, role: svg.getAttribute("role"), name: svg.getAttribute("aria-label") || "",
      caption: (figure && figure.querySelector("figcaption") || {textContent: ""}).textContent.trim(),
      labels: legends.concat(texts(".axis text")),
      tables: near.concat(linked).map(t => t.innerText),
    };
  })"""
# Axis ticks are numbers (amounts, percentages, years): the table has them as exact figures.
NUMERIC = re.compile(r"^[\d\s.,\u00a0\u202f€%+−-]*$")


def series_name(label: str) -> str:
    """The name a table gives a series: a chart marks external support "… (external)"."""
    external = re.escape(gettext("%(source)s (external)")).replace(re.escape("%(source)s"), "(.+)")
    match = re.fullmatch(external, label)
    return match.group(1) if match else label


def chart_series_missing_from_tables(chart: dict[str, Any], reference_lines: set[str]) -> list[str]:
    tables = "\n".join(chart["tables"])
    labels = {label for label in chart["labels"] if not NUMERIC.match(label)} - reference_lines
    return sorted(label for label in labels if series_name(label).rstrip("…") not in tables)


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize(
    "path",
    [
        f"/years/{OPEN_YEAR}/",
        f"/years/{CLOSED_YEAR}/?basis=cash",
        "/years/",
        f"/years/{CLOSED_YEAR}/pack/",
        COMPARE,
    ],
)
def test_every_chart_is_a_named_figure_with_its_data_table(path: str, context: Any, live_server: Any) -> None:
    tab = open_screen(context, live_server.url, Screen("charts", path, "berta"))
    charts = tab.evaluate(CHARTS)
    assert charts, "no chart on the page"
    translation.activate("es")  # the page's language: the labels below are compared with its text
    reference_lines = {gettext("Break-even (100 %)")}
    for chart in charts:
        assert chart["isFigure"] and chart["caption"], chart  # a <figure> with a <figcaption>
        assert chart["role"] == "img" and chart["name"], chart  # one named image, not loose SVG text
        assert chart["tables"], chart
        assert chart_series_missing_from_tables(chart, reference_lines) == [], chart
