"""The board pack of a closed year: a page and an A4 PDF of its snapshot, in the reader's language."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from smartiberica.board import figure_registry as registry
from smartiberica.board import pack
from smartiberica.board.figures import yearly_figures
from smartiberica.kernel.templatetags.money import index, money, percent, rate
from tests.closing.packs import LONG_CLIENT, LONG_SOURCE, NOTE, YEAR, build_closed_year, require_pdf_engine

pytestmark = pytest.mark.django_db

# Half a point: rounding of WeasyPrint's layout, never a real overflow.
TOLERANCE = 0.5


@pytest.fixture
def closed_year(board_user: Any) -> None:
    build_closed_year(board_user)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # Every run of spaces, line breaks and no-break spaces as one space: a label that wraps in
    # its cell reads as one line again.
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def formatted(kind: str, value: Decimal | None) -> str:
    formatter = {"money": money, "ratio": percent, "rate": rate}.get(kind, index)
    return one_line(formatter(value))


def get_pdf(client: Client, url: str, language: str) -> bytes:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return bytes(response.content)


def expected_rows(year: int, language: str) -> list[tuple[str, str]]:
    """(row label, amount) of every table of the pack, from the snapshot, in `language`."""
    figures = yearly_figures(year=year, basis="accrual")
    assert figures.approval is not None  # the snapshot, not a recomputation
    with translation.override(language):
        rows = [
            (str(f.label), formatted("index" if f.index else f.kind, f.value(figures)))
            for f in registry.FIGURES
        ]
        rows += [(figures.source_names[c], money(a)) for c, a in figures.external_support_by_source.items()]
        rows += [(figures.service_names[c], money(a)) for c, a in figures.revenue_by_service.items()]
        rows += [(figures.category_names[c], money(a)) for c, a in figures.costs_by_category.items()]
        rows += [(c.name, money(c.amount)) for c in figures.revenue_by_client]
    return [(one_line(label), one_line(amount)) for label, amount in rows]


def missing_rows(text: str, rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # The amount follows its label on the same row (a few cells at most in between).
    return [
        (label, amount)
        for label, amount in rows
        if not re.search(re.escape(label) + r".{0,120}?" + re.escape(amount), text)
    ]


@pytest.mark.parametrize(
    ("language", "self_financing", "outstanding"),
    [("es", "104,0 %", "15.000,00 €"), ("fr", "104,0 %", "15 000,00 €"), ("en", "104.0%", "€15,000.00")],
)
def test_the_pdf_of_a_closed_year_has_every_headline_figure_as_the_reader_reads_numbers(
    closed_year: None, board_client: Client, language: str, self_financing: str, outstanding: str
) -> None:
    require_pdf_engine()
    text = pdf_text(get_pdf(board_client, reverse("year-pack-pdf", args=[YEAR]), language))

    assert self_financing in text and outstanding in text
    figures = yearly_figures(year=YEAR, basis="accrual")
    with translation.override(language):
        for figure in registry.headline_figures():
            kind = "index" if figure.index else figure.kind
            value = formatted(kind, figure.value(figures))
            assert f"{one_line(str(figure.label))} {value}" in text, (figure.key, value)
            assert one_line(str(figure.definition))[:60] in text, figure.key
    assert NOTE in text
    assert "berta" in text  # the approval line names who approved


def test_no_table_of_the_pdf_is_cut_at_the_page_edge(closed_year: None, board_client: Client) -> None:
    require_pdf_engine()
    text = pdf_text(get_pdf(board_client, reverse("year-pack-pdf", args=[YEAR]), "es"))
    rows = expected_rows(YEAR, "es")

    assert LONG_SOURCE in text and LONG_CLIENT in text
    assert len(rows) > 30
    assert missing_rows(text, rows) == []


def boxes_past_the_edge(document: Any) -> tuple[int, list[str]]:
    """(boxes checked, boxes wider than the page's content area) of a laid-out document."""
    from weasyprint.formatting_structure import boxes

    checked, past = 0, []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        for child in page_box.children:
            if isinstance(child, boxes.MarginBox):  # page numbers live in the margin on purpose
                continue
            for box in [child, *child.descendants()]:
                try:
                    start, end = box.border_box_x(), box.border_box_x() + box.border_width()
                except (AttributeError, TypeError):  # a box without a used width yet
                    continue
                checked += 1
                if start < left - TOLERANCE or end > right + TOLERANCE:
                    text = getattr(box, "text", "") or box.element_tag
                    past.append(f"page {number}: {type(box).__name__} {text!r} {start:.1f}..{end:.1f}")
    return checked, past


def test_no_box_of_the_pdf_is_wider_than_the_page(closed_year: None, board_client: Client) -> None:
    require_pdf_engine()
    from weasyprint.formatting_structure import boxes

    html = board_client.get(reverse("year-pack", args=[YEAR]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    document = pack.layout(html)

    checked, past = boxes_past_the_edge(document)
    assert checked > 500
    assert past == []
    tables = [
        box
        for page in document.pages
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TableBox)
    ]
    assert len(tables) >= 6


def test_the_edge_check_sees_a_table_that_runs_past_the_page() -> None:
    require_pdf_engine()
    wide = "<table style='width: 300mm'><tr><td>Ancha</td></tr></table>"

    _checked, past = boxes_past_the_edge(pack.layout(f"<html><body>{wide}</body></html>"))

    assert past


def test_the_pack_page_is_the_snapshot_with_its_approval_and_a_pdf_link(
    closed_year: None, board_client: Client, django_assert_num_queries: Any
) -> None:
    board_client.get(reverse("year-pack", args=[YEAR]))  # warm up: the first request fills caches
    # The demo flag, the session, the user, their permissions (two), the snapshot: six, whatever
    # the number of records behind the figures.
    with django_assert_num_queries(6):
        response = board_client.get(reverse("year-pack", args=[YEAR]) + "?basis=cash")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Approved on" in body or "Aprobad" in body
    assert NOTE in body
    assert f"{reverse('year-pack-pdf', args=[YEAR])}?basis=cash" in body
    assert body.count("<svg") == 3
    assert 'data-figure="self_financing"' in body


def test_a_year_that_is_not_closed_has_no_pack(closed_year: None, board_client: Client) -> None:
    assert yearly_figures(year=2023, basis="accrual").approval is None
    assert board_client.get(reverse("year-pack", args=[2023])).status_code == 404
    assert board_client.get(reverse("year-pack-pdf", args=[2023])).status_code == 404


def test_staff_read_the_pack_and_a_visitor_is_sent_to_the_login(
    closed_year: None, staff_client: Client, client: Client
) -> None:
    assert staff_client.get(reverse("year-pack", args=[YEAR])).status_code == 200
    for name in ("year-pack", "year-pack-pdf"):
        response = client.get(reverse(name, args=[YEAR]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.fixture
def without_pdf_libraries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """WeasyPrint as on a server without Pango: loading the library fails when it is imported."""
    import cffi

    def missing(*_args: object, **_kwargs: object) -> None:
        raise OSError("cannot load library 'libpango-1.0-0': cannot open shared object file")

    before = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "weasyprint"}
    for name in before:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(cffi.FFI, "dlopen", missing)
    yield
    # The failed import leaves half-loaded modules behind: drop them, the real ones come back.
    for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
        del sys.modules[name]


def test_without_the_pdf_libraries_the_pdf_url_says_what_is_missing_and_the_rest_works(
    closed_year: None, board_client: Client, without_pdf_libraries: None
) -> None:
    response = board_client.get(reverse("year-pack-pdf", args=[YEAR]))

    assert response.status_code == 503
    body = response.content.decode()
    assert "data-pdf-unavailable" in body and "libpango-1.0-0" in body
    assert board_client.get(reverse("year-pack", args=[YEAR])).status_code == 200
    assert board_client.get(reverse("year", args=[YEAR])).status_code == 200
