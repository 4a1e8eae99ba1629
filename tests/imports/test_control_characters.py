"""Text is printable everywhere: control characters (NUL above all) and non-ASCII digits are refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from funding.models import FundingSource
from services.models import Client
from smartiberica.kernel.importing import ImportResult
from smartiberica.kernel.parsing import ParseError, parse_amount, parse_date, parse_integer, parse_month
from tests.services.factories import valid_dni

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind\n"


def test_a_nul_byte_in_an_imported_name_is_refused_and_nothing_is_written(
    run: Callable[..., ImportResult],
) -> None:
    # Past the first 64 KB, where the reader no longer takes a NUL for a binary file.
    padding = "".join(f"s{n:05d},Source {n},parent_support\n" for n in range(3000))
    result = run("funding-sources", HEADER + padding + "bad,Evil\x00name,parent_support\n")
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3002, "name")]
    assert "U+0000" in result.errors[0].message
    assert FundingSource.objects.count() == 0


@pytest.mark.parametrize("text", ["Esc\x1b[31mape", "Line\nbreak", "Bell\x07", "C1\x85control"])
def test_control_characters_in_an_imported_cell_are_refused(
    run: Callable[..., ImportResult], text: str
) -> None:
    result = run("funding-sources", HEADER + f'x,"{text}",parent_support\n')
    assert [(e.row, e.column) for e in result.errors] == [(2, "name")]
    assert "row 2, column name:" in result.error_lines()[0]
    assert "\n" not in result.error_lines()[0]


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_amount, "١٢٣"),
        (parse_amount, "１２３,45"),
        (parse_integer, "١٢٣"),
        (parse_integer, "２"),
        (parse_integer, "²"),
        (parse_date, "٢٠٢٤-٠١-٠١"),
        (parse_date, "２０２４-01-01"),
        (parse_month, "٢٠٢٤-٠١"),
    ],
)
def test_imports_read_only_ascii_digits(parse: Callable[[str], Any], text: str) -> None:
    with pytest.raises(ParseError):
        parse(text)


def test_an_imported_amount_in_arabic_indic_digits_is_a_row_error(run: Callable[..., ImportResult]) -> None:
    result = run("member-turnover", "month,turnover\n2024-01,١٢٣\n")
    assert [(e.row, e.column) for e in result.errors] == [(2, "turnover")]


def test_the_admin_refuses_a_nul_byte_in_a_name_with_a_form_error(staff_client: HttpClient) -> None:
    add = reverse("admin:services_client_add")
    data = {"name": "Acme\x00", "contact": "", "email": "", "notes": "", "tax_id": "B58818501"}
    response = staff_client.post(add, data)
    assert response.status_code == 200
    assert "U+0000" in str(response.context["errors"])
    assert not Client.objects.exists()


def test_the_admin_accepts_line_breaks_in_notes_but_not_in_a_name(staff_client: HttpClient) -> None:
    add = reverse("admin:services_client_add")
    data = {
        "name": "Acme",
        "contact": "",
        "email": "",
        "notes": "first\r\nsecond\tline",
        "tax_id": "B58818501",
        "payment_terms_days": "30",
        "vat_regime": "domestic",
    }
    assert staff_client.post(add, data).status_code == 302
    response = staff_client.post(add, data | {"name": "Two\nlines", "tax_id": valid_dni(5)})
    assert response.status_code == 200
    assert Client.objects.count() == 1
