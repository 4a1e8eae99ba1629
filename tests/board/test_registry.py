"""One description of every figure: the docs, the pages and the exports read the registry."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from smartiberica.board import dashboard, exports
from smartiberica.board import figure_registry as registry
from smartiberica.board.figures import RATIO_NAMES, yearly_figures
from tests.board.story import Story

D = Decimal
DOCS = Path(settings.BASE_DIR) / "docs" / "figures.md"


def test_the_docs_table_is_the_registry() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(registry.DOCS_START)[1].split(registry.DOCS_END)[0].strip()
    assert section == registry.docs_table(), "regenerate docs/figures.md from figure_registry.docs_table()"


def test_the_registry_describes_every_figure_of_the_json() -> None:
    keys = set(registry.BY_KEY)
    money_keys = {
        "own_revenue",
        "services_revenue",
        "member_margin",
        "guarantee_fund",
        "external_support",
        "in_kind_shared_services",
        "loan_drawdowns",
        "loan_interest",
        "loan_principal_repaid",
        "loan_outstanding_year_end",
        "total_costs",
        "budgeted_costs",
        "funding_gap",
        "break_even_structure_rate",
    }
    assert money_keys | set(RATIO_NAMES) <= keys
    assert {f.kind for f in registry.FIGURES} == {"money", "ratio", "rate"}


@pytest.mark.parametrize(
    ("key", "change", "good"),
    [
        ("self_financing", D("0.1"), True),
        ("self_financing", D("-0.1"), False),
        ("own_revenue_share", D("0.1"), True),
        ("top_funder_share", D("0.1"), False),
        ("hhi", D("-0.1"), True),
        ("client_concentration", D("0.1"), False),
        ("funding_gap", D("-100"), True),
        ("loan_outstanding_year_end", D("-100"), True),
        ("break_even_structure_rate", D("1.00"), False),
        ("budget_execution", D("0.1"), None),
        ("self_financing", D("0"), None),
        ("self_financing", None, None),
    ],
)
def test_polarity_says_which_way_a_change_is_good_news(key: str, change: Decimal | None, good: bool) -> None:
    assert registry.figure(key).change_is_good(change) is good


def test_the_year_page_colours_and_arrows_follow_polarity(story: Story, board_client: Client) -> None:
    response = board_client.get("/years/2024/")
    cards = {h.key: h for h in response.context["page"].headlines}
    # From 2023 to 2024 the self-financing ratio rose (good) and the funding gap shrank (good).
    assert cards["self_financing"].change > 0 and cards["self_financing"].change_is_good is True
    assert cards["funding_gap"].change < 0 and cards["funding_gap"].change_is_good is True
    assert cards["budget_execution"].change_is_good is None  # no 2023 budget: no comparison
    html = response.content.decode()
    card = html.split('data-figure="self_financing"')[1].split("</article>")[0]
    assert 'class="change good"' in card and "▲" in card
    card = html.split('data-figure="funding_gap"')[1].split("</article>")[0]
    assert 'class="change good"' in card and "▼" in card


def test_labels_are_the_same_on_every_page_and_export(story: Story, board_client: Client) -> None:
    with translation.override("es"):
        labels = registry.labels()
    year = board_client.get("/years/2024/")
    years = board_client.get("/years/")
    headline_labels = {h.key: str(h.label) for h in year.context["page"].headlines}
    for key, label in headline_labels.items():
        assert label == labels[key]
    for row in years.context["page"].rows:
        assert row.label == labels[row.key]
        assert (
            f'data-figure="{row.key}"><th scope="row">{label_html(row.label)}</th>' in years.content.decode()
        )
    text = board_client.get("/years/2024/export.csv").content.decode("utf-8").lstrip("\ufeff")
    for row in csv.DictReader(io.StringIO(text)):
        if row["section"] in {"summary", "ratios"} and row["key"] in labels:
            assert row["label"] == labels[row["key"]]
    # "Loan outstanding" (v1 multi-year page) and "Loan outstanding at year end" (v1 export) agree now.
    assert (
        labels["loan_outstanding_year_end"]
        == dict((r.key, r.label) for r in years.context["page"].rows)["loan_outstanding_year_end"]
    )


def label_html(label: str) -> str:
    from django.utils.html import escape

    return str(escape(label))


def test_the_exports_label_rows_from_the_registry(story: Story) -> None:
    with translation.override("en"):
        rows = {key: label for _section, key, label, _value, _kind in exports.rows(yearly_figures(year=2024))}
        assert rows["loan_outstanding_year_end"] == "Loan outstanding at year end"
        assert rows["break_even_structure_rate"] == "Break-even structure rate"


def test_the_multi_year_table_follows_the_registry(story: Story) -> None:
    with translation.override("en"):
        page = dashboard.years_page(basis="accrual")
    keys = [row.key for row in page.rows]
    assert keys == list(dashboard.YEARS_TABLE)
    rate = next(row for row in page.rows if row.key == "break_even_structure_rate")
    assert rate.kind == "rate" and rate.values == [D("25.24"), D("6.60")]


def _listed_total(client: Client, url: str, field: str) -> Decimal:
    """The total the list shows under its rows (the number rendered, checked against its context)."""
    response = client.get(url)
    assert response.status_code == 200, url
    totals = {total.field: total.value for total in response.context["filtered_totals"]}
    shown = re.findall(rf'data-total="([-0-9.]+)" data-total-field="{field}"', response.content.decode())
    assert shown == [str(totals[field])], (url, field, shown)
    return totals[field]


def test_revenue_links_follow_the_basis_and_list_what_the_figure_sums(
    story: Story, staff_client: Client
) -> None:
    for basis in ("accrual", "cash"):
        page = staff_client.get(f"/years/2024/?basis={basis}").context["page"]
        figures = page.figures
        field = "net_amount"
        listed = _listed_total(staff_client, page.links["services_revenue"], field)
        if basis == "cash":
            assert "/admin/services/payment/" in page.links["services_revenue"]
            listed -= _listed_total(staff_client, page.links["refunds"], field)
        else:
            assert "/admin/services/invoice/" in page.links["services_revenue"]
        assert listed == figures.services_revenue, basis
        for line in page.revenue:
            assert _listed_total(staff_client, line.url, field) == line.amount, (basis, line.label)
        for line in page.clients:
            assert _listed_total(staff_client, line.url, field) == line.amount, (basis, line.label)


@pytest.mark.parametrize("basis", ["accrual", "cash"])
def test_cost_and_support_links_list_what_the_figure_sums(
    story: Story, staff_client: Client, basis: str
) -> None:
    page = staff_client.get(f"/years/2023/?basis={basis}").context["page"]
    figures = page.figures
    # Total costs open the expenses (never the budgets); interest and in kind have their own lines.
    assert "/admin/funding/expense/" in page.links["total_costs"]
    expenses = _listed_total(staff_client, page.links["total_costs"], "amount")
    assert expenses == figures.expenses_total
    assert expenses + figures.loan_interest + figures.in_kind_shared_services == figures.total_costs
    for line in page.costs:
        assert _listed_total(staff_client, line.url, "amount") == line.amount, line.label
    for line in page.support:
        if "sharedservicecost" in line.url:
            listed = staff_client.get(line.url).context["cl"].queryset
            assert sum((c.avoided_cost for c in listed), D("0.00")) == line.amount, line.label
        else:
            assert _listed_total(staff_client, line.url, "amount") == line.amount, line.label
    in_kind = staff_client.get(page.links["in_kind_shared_services"]).context["cl"].queryset
    assert sum((c.avoided_cost for c in in_kind), D("0.00")) == figures.in_kind_shared_services
    # Cash: the interest of the repayments made; accrual: the interest of the schedule rows due.
    listed = "/admin/funding/loanrepayment/" if basis == "cash" else "/admin/funding/loanscheduleentry/"
    assert listed in page.links["loan_interest"]
    assert figures.loan_interest > 0
    assert _listed_total(staff_client, page.links["loan_interest"], "interest") == figures.loan_interest
    repaid = _listed_total(staff_client, page.links["loan_principal_repaid"], "principal")
    assert repaid == figures.loan_principal_repaid
    assert _listed_total(staff_client, page.links["loan_drawdowns"], "amount") == figures.loan_drawdowns
