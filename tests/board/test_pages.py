"""The board's pages, API, exports and command: what a reader gets, and what it costs."""

import csv
import io
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from smartiberica.board.exports import MONEY_FORMAT, PERCENT_FORMAT
from smartiberica.board.figures import yearly_figures
from tests.board.story import Story
from tests.board.volume import add_volume

NBSP = "\u00a0"


@pytest.fixture
def outsider_client(db: None) -> Client:
    """Logged in, but in neither role."""
    client = Client()
    client.force_login(get_user_model().objects.create_user("otto", password="x"))
    return client


def test_home_goes_to_the_latest_year_with_data(story: Story, board_client: Client) -> None:
    response = board_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("year", args=[2024])


def test_the_dashboard_reads_in_spanish_with_spanish_numbers(story: Story, board_client: Client) -> None:
    html = board_client.get("/years/2024/").content.decode()
    assert "Ratio de autofinanciación" in html
    assert f"96,0{NBSP}%" in html  # self-financing 0.9604
    assert f"27.000,00{NBSP}€" in html  # services revenue
    assert f"38.600,00{NBSP}€" in html  # own revenue
    assert "Junta de Andalucía" in html  # the top funder, by name
    # v2: SFR change vs 2023 (0.9604 − 0.4700).
    assert f"+49,0{NBSP}p.{NBSP}p." in html or f"+49,0{NBSP}p. p." in html


def test_a_ratio_that_cannot_be_computed_shows_a_dash(story: Story, board_client: Client) -> None:
    html = board_client.get("/years/2023/").content.decode()
    budget_card = html.split('data-figure="budget_execution"')[1].split("</article>")[0]
    assert '<p class="value">—</p>' in budget_card


def test_the_cash_basis_counts_payments(story: Story, board_client: Client) -> None:
    html = board_client.get("/years/2024/?basis=cash").content.decode()
    assert f"12.000,00{NBSP}€" in html
    assert 'href="?basis=cash" aria-current="true"' in html


def test_an_unknown_basis_falls_back_to_accrual(story: Story, board_client: Client) -> None:
    html = board_client.get("/years/2024/?basis=magic").content.decode()
    assert f"27.000,00{NBSP}€" in html


def test_the_dashboard_shows_five_charts_without_any_script(story: Story, board_client: Client) -> None:
    html = board_client.get("/years/2024/").content.decode()
    main = html.split('<main id="main">')[1]
    assert main.count("<svg") == 5
    assert "<script" not in main


def test_money_figures_link_to_the_records_behind_them(story: Story, staff_client: Client) -> None:
    html = staff_client.get("/years/2024/").content.decode()
    link = (
        "/admin/services/invoice/?issue_date_year=2024&amp;status__exact=issued"
        "&amp;service_line__code__exact=it-licensing"
    )
    assert link in html
    listing = staff_client.get(link.replace("&amp;", "&"))
    assert listing.status_code == 200
    numbers = [invoice.number for invoice in listing.context["cl"].result_list]
    assert numbers == ["F2024-0003"]  # F2024-0002 was cancelled; credit notes are series R


def test_a_board_member_gets_the_records_read_only(story: Story, board_client: Client) -> None:
    response = board_client.get("/admin/services/invoice/?issue_date_year=2024&status__exact=issued")
    assert response.status_code == 200
    assert reverse("admin:services_invoice_add") not in response.content.decode()
    assert board_client.get(reverse("admin:services_invoice_add")).status_code == 403


@pytest.mark.parametrize(
    "url", ["/years/2024/", "/years/", "/years/2024/export.csv", "/years/2024/export.xlsx"]
)
def test_pages_need_the_dashboard_permission(story: Story, outsider_client: Client, url: str) -> None:
    assert outsider_client.get(url).status_code == 403


def test_a_year_out_of_range_is_not_found(story: Story, board_client: Client) -> None:
    assert board_client.get("/years/1234/").status_code == 404


def test_the_dashboard_query_count_does_not_grow_with_the_data(story: Story, board_client: Client) -> None:
    with CaptureQueriesContext(connection) as small:
        assert board_client.get("/years/2024/").status_code == 200
    add_volume(year=2024, times=15)
    add_volume(year=2023, times=15)
    with CaptureQueriesContext(connection) as large:
        assert board_client.get("/years/2024/").status_code == 200
    assert len(large) == len(small)
    # Session and user (2), permissions (2), the demo flag (1), years with data (2: both apps'
    # dated tables' first and last dates, a year probe only for years between them, none here,
    # and the two small yearly tables), 16 for all the years charted together (9
    # services + 7 funding queries, the loan schedule's interest due included; it was 16 per year
    # before the batched selectors of issue 9, see tests/perf), the approved snapshots of closed
    # years (1), and the year's closing state: its approvals and whether it is closed (2).
    # 2024 is over: no year-end projection. The year in progress adds the stored scenarios (1)
    # and its projection (18), 3 more with a scenario (tests/board/projection/test_year_pages.py).
    # The cash card (issue 20): the month-end balances find no bank account (1); with one, 4 for a
    # year that is over, 6 for the year in progress (tests/board/cash/test_year_page.py).
    # The "Attention" panel reads the enabled alert rules (1); the year in progress adds the
    # obligations due and the overdue invoices (1 each, tests/board/alerts/test_panel.py).
    # The guarantee fund's ledger (issue 22): the advances by year paid and recovered (1; the
    # margin rules, their bands and the turnover months are the figures', a shared read).
    # The receivables (issue 22, from their rollups since issue 17): the invoices moved after the
    # ageing's day, the largest debtors and their recent buckets, everyone's totals by client and
    # by due date (5), the year's largest payers and their average (2; tests/board/receivables/).
    # The contribution by service line (issue 22): the partner shares and the direct costs (2; one
    # more for the refunds on the cash basis, tests/board/contribution/).
    assert len(small) == 2 + 2 + 1 + 2 + 16 + 1 + 2 + 1 + 1 + 1 + 7 + 2


def test_templates_run_no_query(story: Story, board_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.template.backends.django import Template

    render = Template.render

    def guarded(self: Any, *args: Any, **kwargs: Any) -> str:
        def refuse(execute: Any, sql: str, *rest: Any) -> Any:
            raise AssertionError(f"query while rendering {self.template.name}: {sql}")

        with connection.execute_wrapper(refuse):
            return render(self, *args, **kwargs)

    monkeypatch.setattr(Template, "render", guarded)
    assert board_client.get("/years/2024/").status_code == 200
    assert board_client.get("/years/").status_code == 200


def test_the_multi_year_page_lists_every_year(story: Story, board_client: Client) -> None:
    response = board_client.get("/years/")
    html = response.content.decode()
    assert [f.year for f in response.context["page"].series] == [2023, 2024]
    assert f"47,0{NBSP}%" in html and f"96,0{NBSP}%" in html


def test_the_api_returns_the_public_contract(story: Story, board_client: Client) -> None:
    response = board_client.get("/api/years/2024/?basis=accrual")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data == json.loads(json.dumps(yearly_figures(year=2024).as_json()))
    assert data["ratios"]["self_financing"] == "0.9604"
    assert data["break_even_structure_rate"] == "6.60"
    assert (data["status"], data["approved"]) == ("open", None)
    assert data["external_support_by_source"] == {"junta": "5000.00"}
    assert data["revenue_by_client"][0] == {
        "client": "Hachette Livre",
        "tax_id": "FR04602060147",
        "amount": "19000.00",
    }


def test_the_api_gives_zeros_for_an_empty_year(story: Story, staff_client: Client) -> None:
    data = staff_client.get("/api/years/2011/").json()
    assert data["services_revenue"] == "0.00"
    assert data["ratios"]["self_financing"] is None


def test_the_api_answers_in_json_when_refused(story: Story, client: Client, outsider_client: Client) -> None:
    assert client.get("/api/years/2024/").status_code == 401
    assert outsider_client.get("/api/years/2024/").status_code == 403


def test_the_api_refuses_an_unknown_basis(story: Story, board_client: Client) -> None:
    response = board_client.get("/api/years/2024/?basis=weekly")
    assert response.status_code == 400
    assert "basis" in response.json()["error"]


def test_the_command_prints_the_same_object_as_the_api(story: Story, board_client: Client) -> None:
    out = StringIO()
    call_command("yearly_figures", "2024", "--basis", "cash", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == board_client.get("/api/years/2024/?basis=cash").json()


def test_the_command_prints_a_table(story: Story) -> None:
    out = StringIO()
    call_command("yearly_figures", "2023", "--format", "table", stdout=out)
    text = out.getvalue()
    assert "ratio.self_financing" in text and "0.4700" in text
    assert "ratio.budget_execution" in text and "—" in text


def test_the_csv_export_has_every_figure_as_plain_numbers(story: Story, board_client: Client) -> None:
    response = board_client.get("/years/2024/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="smartiberica-2024-accrual.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    by_key = {(r["section"], r["key"]): r["value"] for r in rows}
    assert by_key[("summary", "own_revenue")] == "38600.00"
    assert by_key[("ratios", "self_financing")] == "0.9604"
    assert by_key[("summary", "break_even_structure_rate")] == "6.60"
    assert by_key[("revenue_by_client", "FR04602060147")] == "19000.00"
    assert by_key[("costs_by_category", "travel")] == "0.00"


def test_the_xlsx_export_holds_numbers_with_number_formats(story: Story, board_client: Client) -> None:
    response = board_client.get("/years/2024/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "Resumen"
    summary = workbook["Resumen"]
    cells = {row[0].value: row[1] for row in summary.iter_rows(min_row=4) if row[0].value}
    own = cells["Ingresos propios"]
    assert own.value == 38600 and own.number_format == MONEY_FORMAT
    sfr = cells["Ratio de autofinanciación"]
    assert Decimal(str(sfr.value)) == Decimal("0.9604") and sfr.number_format == PERCENT_FORMAT
    assert {"Ingresos", "Clientes", "Costes", "Préstamo"} <= set(workbook.sheetnames)
    assert workbook["Ingresos"]._charts  # a native bar chart


def test_the_resources_mix_chart_has_its_table_of_exact_figures(story: Story, board_client: Client) -> None:
    page = board_client.get("/years/2024/").context["page"]
    rows = {row.label: row.amounts for row in page.mix}
    assert rows["Apoyo a la gestión de proyectos"] == [Decimal("10000.00"), Decimal("19000.00")]
    assert rows["Margen sobre socios"] == [Decimal("5500.00"), Decimal("11600.00")]
    assert rows["Junta de Andalucía"] == [Decimal("0.00"), Decimal("5000.00")]
    html = board_client.get("/years/2024/").content.decode()
    assert "Composición de los recursos por año" in html
    assert f"19.000,00{NBSP}€" in html


def test_home_skips_years_still_to_come(story: Story, board_client: Client) -> None:
    from funding import actions as funding_actions
    from smartiberica.kernel.dates import current_year

    # Next year: the furthest a record may be dated.
    funding_actions.budget_create(year=current_year() + 1, label="Far away")
    assert board_client.get("/")["Location"] == reverse("year", args=[2024])
