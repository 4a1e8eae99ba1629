"""The board's pages fit a phone, a laptop and a wide screen, and print on A4 without losing a year.

Every test loads the demo (ten years of history): the layout problems show only with many years.
A live-server test flushes the database when it ends, so each test loads the demo itself; the
checks of one subject share a test to keep the module fast (about 15 s per load).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from smartiberica.kernel.dates import current_year
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_login_and_language import log_in
from tests.conftest import PASSWORD

WIDTHS = (390, 1280, 1920)
FIRST_DEMO_YEAR = 2017
PACK_YEAR = 2024  # the demo's last approved year, the one with a board pack


@pytest.fixture
def demo(transactional_db: None, seeded_reference_data: None) -> None:
    call_command("load_demo", password=PASSWORD, force=True, stdout=io.StringIO())


def board_pages() -> dict[str, str]:
    return {
        "year": f"/years/{current_year()}/",
        "years": "/years/",
        "pack": f"/years/{PACK_YEAR}/pack/",
        "calendar": "/calendar/",
        "receivables": "/receivables/",
        "invoice-add": "/admin/services/invoice/add/",
    }


# The latest year's header cell of every multi-year table, measured against the viewport and
# against the box of the scrolling container that clips it (a cell scrolled out of its card is
# off-screen even though the page itself does not scroll).
LATEST_COLUMN_OUT_OF_VIEW = """(year) => {
  const out = [];
  for (const th of document.querySelectorAll("table thead th")) {
    if (th.textContent.trim() !== year || th.offsetParent === null) continue;
    const box = th.getBoundingClientRect();
    const scroller = th.closest(".table-scroll");
    const clip = scroller ? scroller.getBoundingClientRect() : {left: 0, right: innerWidth};
    const left = Math.max(0, clip.left), right = Math.min(innerWidth, clip.right);
    if (box.left < left - 1 || box.right > right + 1) {
      out.push(`${th.closest("table").querySelector("caption, th").textContent.trim()}: ` +
               `${Math.round(box.left)}..${Math.round(box.right)} outside ${left}..${right}`);
    }
  }
  return out;
}"""


def overflow(page: Any) -> tuple[int, int]:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return int(scroll), int(inner)


def test_every_board_page_fits_a_phone_a_laptop_and_a_wide_screen(
    demo: None, page: Any, live_server: Any
) -> None:
    log_in(page, live_server.url, "admin")
    latest = str(current_year())
    problems: list[str] = []
    report: list[str] = []
    for name, path in board_pages().items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            scroll, inner = overflow(page)
            report.append(f"{name} at {width} px: page {scroll} px wide")
            page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)
            if scroll > inner:
                problems.append(f"{name} at {width} px is {scroll} px wide")
            problems += [
                f"{name} at {width} px, {latest} hidden: {p}"
                for p in page.evaluate(LATEST_COLUMN_OUT_OF_VIEW, latest)
            ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "layout-widths.txt").write_text("\n".join(report) + "\n")
    assert problems == []


def test_the_year_page_uses_the_width_of_a_wide_screen(demo: None, page: Any, live_server: Any) -> None:
    log_in(page, live_server.url, "board")
    page.set_viewport_size({"width": 1920, "height": 1000})
    page.goto(f"{live_server.url}/years/{current_year()}/")
    assert page.locator("main").bounding_box()["width"] >= 1600


# Every chart: no text cut short ("10.00…"), every text inside its picture, legend entries that
# do not overlap one another.
CHART_PROBLEMS = """() => {
  const out = [];
  const overlap = (a, b) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  document.querySelectorAll("figure.chart").forEach((figure, n) => {
    const svg = figure.querySelector("svg");
    const frame = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
      const box = text.getBoundingClientRect();
      if (!text.textContent.trim() || box.width === 0) continue;
      if (text.textContent.includes("…")) out.push(`chart ${n}: truncated "${text.textContent}"`);
      if (box.left < frame.left - 1 || box.right > frame.right + 1 || box.bottom > frame.bottom + 1) {
        out.push(`chart ${n}: "${text.textContent}" runs out of the chart`);
      }
    }
    const entries = [...figure.querySelectorAll(".legend, .chart-legend li")]
      .map((e) => e.getBoundingClientRect());
    entries.forEach((a, i) => entries.slice(i + 1).forEach((b) => {
      if (overlap(a, b)) out.push(`chart ${n}: legend entries overlap`);
    }));
  });
  return out;
}"""


def test_the_charts_show_full_labels_and_legends_that_never_overlap(
    demo: None, page: Any, live_server: Any
) -> None:
    log_in(page, live_server.url, "board")
    for path in (f"/years/{current_year()}/", "/years/"):
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + path)
            assert page.evaluate(CHART_PROBLEMS) == [], (path, width)


def printed(page: Any, name: str) -> tuple[PdfReader, str]:
    """The page printed by the browser as a user would (its own @page size), and its text."""
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / f"layout-{name}-print.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(p.extract_text() for p in reader.pages)


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def last_column(page: Any, table: str) -> list[str]:
    cells = page.locator(f"{table} tbody tr td:last-child").all_inner_texts()
    return [squashed(cell) for cell in cells]


def test_a_printed_year_holds_every_year_and_its_definitions_on_at_most_five_portrait_pages(
    demo: None, page: Any, live_server: Any
) -> None:
    log_in(page, live_server.url, "board")
    year = current_year()
    page.goto(f"{live_server.url}/years/{year}/")
    latest_mix = last_column(page, ".table-scroll table.mix")
    definition = page.locator(".headline details p").first.text_content().strip()
    reader, text = printed(page, "year")
    flat = squashed(text)
    missing = [str(y) for y in range(FIRST_DEMO_YEAR, year + 1) if str(y) not in text]
    assert missing == []
    assert latest_mix and [cell for cell in latest_mix if cell not in flat] == []
    assert squashed(definition) in flat
    box = reader.pages[0].mediabox
    assert box.height > box.width  # portrait
    # Five sheets since the year carries its contribution by line, receivables and guarantee fund.
    assert len(reader.pages) <= 5
    footer = f"Cifras {year}"
    assert [n for n, p in enumerate(reader.pages, 1) if footer not in p.extract_text()] == []
    pages = len(reader.pages)  # and each sheet numbered "n / pages" in its bottom margin
    assert [n for n, p in enumerate(reader.pages, 1) if f"{n} / {pages}" not in p.extract_text()] == []


def test_the_printed_all_years_page_is_landscape_and_loses_no_year(
    demo: None, page: Any, live_server: Any
) -> None:
    log_in(page, live_server.url, "board")
    page.goto(f"{live_server.url}/years/")
    latest_figures = last_column(page, ".table-scroll table.by-year")
    latest_mix = last_column(page, ".table-scroll table.mix")
    reader, text = printed(page, "years")
    flat = squashed(text)
    assert [str(y) for y in range(FIRST_DEMO_YEAR, current_year() + 1) if str(y) not in text] == []
    assert [cell for cell in latest_figures + latest_mix if cell not in flat] == []
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    pages = len(reader.pages)
    assert [n for n, p in enumerate(reader.pages, 1) if f"{n} / {pages}" not in p.extract_text()] == []
