"""The scenario comparison page on the plan seen on 30 June 2025: what a board member reads in each
column, from which day, in which language, and what it costs.

The figures are the plan's (tests/board/projection/plan.py): the baseline projects 11,200.00 of
external support (Smart Belgium's 9,000.00, the Junta's 1,000.00, 1,200.00 in kind), own revenue
of 10,780.14 (3,300.00 of services, 7,480.14 of margin) and total costs of 14,893.34.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartiberica.board import comparison
from smartiberica.board.closing import year_close
from smartiberica.board.scenario_actions import scenario_create
from tests.board.projection.plan import Plan
from tests.board.projection.test_queries import PAGE_QUERIES, more_records

D = Decimal
NBSP = "\u00a0"
URL = reverse("year-scenarios", args=[2025])
# Session and user (2), permissions (2), the demo flag (1), the stored scenarios (1), the cash in
# the bank on the day the columns are seen from (1: the cash rows, tests/board/cash).
PAGE = 2 + 2 + 1 + 1 + 1
# A scenario compared: its parameters (3: the scenario, its extra revenue, its extra costs) and
# its projection (PAGE_QUERIES, fixed whatever the records).
PER_SCENARIO = 3 + PAGE_QUERIES


def money(text: str) -> str:
    """An amount as the Spanish pages write it: "11.200,00 €" with a no-break space."""
    return text.replace(" ", NBSP)


def without_smart(plan: Plan, author: Any, slug: str = "sin-smart") -> None:
    scenario_create(
        author=author,
        slug=slug,
        name="Sin Smart Belgium",
        stopped_source_id=plan.smart.pk,
        source_stops_on=date(2025, 7, 1),
    )


def margin_at_8(author: Any, **params: Any) -> None:
    scenario_create(
        author=author,
        slug=params.pop("slug", "margen-8"),
        name=params.pop("name", "Margen al 8 %"),
        structure_rate=D("8.00"),
        fund_rate=D("2.00"),
        rates_from=params.pop("rates_from", date(2025, 7, 1)),
        **params,
    )


def page_of(response: Any) -> comparison.ComparisonPage:
    assert response.status_code == 200
    page: comparison.ComparisonPage = response.context["page"]
    return page


def row(page: comparison.ComparisonPage, key: str) -> list[comparison.Cell]:
    return list(next(r for r in page.rows if r.key == key).cells)


def row_html(html: str, key: str) -> str:
    return html.split(f'<tr data-figure="{key}"')[1].split("</tr>")[0]


def values(html: str, key: str) -> list[str]:
    """The amounts of a row of the year-end table, as written, one per column."""
    return [cell.strip() for cell in re.findall(r'<td class="num">([^<]*)', row_html(html, key))]


DIFFERENCE = re.compile(r'<div class="diff[^"]*"><span class="visually-hidden">[^<]*</span>([^<]*)</div>')


def differences(html: str, key: str) -> list[str]:
    """The differences with the baseline written under a row's amounts (scenario columns only)."""
    return DIFFERENCE.findall(row_html(html, key))


def test_stopping_smart_belgium_from_july_shows_6000_less_external_support(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    without_smart(plan, board_user)
    html = board_client.get(f"{URL}?compare=sin-smart").content.decode()
    # The September and December tranches (3,000.00 each) go; March's receipt stays.
    assert values(html, "external_support") == [money("11.200,00 €"), money("5.200,00 €")]
    assert differences(html, "external_support") == [money("-6.000,00 €")]
    # Own revenue and costs do not move, so neither does the self-financing ratio...
    assert values(html, "self_financing") == [f"72,4{NBSP}%", f"72,4{NBSP}%"]
    assert differences(html, "own_revenue") == [money("+0,00 €")]
    # ...but the resources lean less on Smart Belgium: 9,000 / 21,980.14 and 3,000 / 15,980.14.
    assert values(html, "top_funder_share") == [f"41,0{NBSP}%", f"18,8{NBSP}%"]
    assert row_html(html, "top_funder_share").count('<div class="note">Smart Belgium</div>') == 2


def test_the_columns_are_the_baseline_then_the_scenarios_in_the_order_of_the_checkboxes(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    without_smart(plan, board_user)
    margin_at_8(board_user)
    page = page_of(board_client.get(f"{URL}?compare=sin-smart&compare=margen-8"))
    assert [c.slug for c in page.columns] == ["baseline", "margen-8", "sin-smart"]
    html = board_client.get(f"{URL}?compare=sin-smart&compare=margen-8").content.decode()
    headers = re.findall(r'<th scope="col" class="num" data-scenario="([^"]+)">', html)
    assert headers == ["baseline", "margen-8", "sin-smart"]


def test_a_structure_rate_of_8_percent_changes_the_rate_in_force_but_not_the_break_even_rate(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    margin_at_8(board_user)
    page = page_of(board_client.get(f"{URL}?compare=margen-8"))
    # Six projected months of 11,667.00 turnover (10,000.00 a year before, grown by 16.67 %):
    # 933.36 at 8 % instead of 641.69 at 5.5 %, 291.67 more a month.
    assert row(page, "own_revenue")[1].difference == D("291.67") * 6 == D("1750.02")
    assert row(page, "funding_gap")[1].difference == D("-1750.02")
    assert row(page, "funding_gap")[1].good is True  # a smaller gap is good news
    # (14,893.34 − 3,300.00) / (6 × 11,000.00 + 6 × 11,667.00) = 8.524 %, rounded up: the rate
    # that covers the costs does not depend on the rate charged.
    assert [c.value for c in row(page, "break_even_structure_rate")] == [D("8.53"), D("8.53")]
    assert [c.value for c in row(page, "structure_rate_at_year_end")] == [D("5.50"), D("8.00")]
    html = board_client.get(f"{URL}?compare=margen-8").content.decode()
    assert values(html, "structure_rate_at_year_end") == [f"5,50{NBSP}%", f"8,00{NBSP}%"]
    # The ratios are not money: no difference is written under them.
    assert differences(html, "self_financing") == []


def test_every_column_is_seen_from_the_month_end_asked_for(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    without_smart(plan, board_user)
    page = page_of(board_client.get(f"{URL}?compare=sin-smart&as_of=2025-03-31"))
    assert [c.forecast.as_of for c in page.columns] == [date(2025, 3, 31)] * 2
    assert [m.actual for m in page.monthly[0].rows] == [True] * 3 + [False] * 9
    html = board_client.get(f"{URL}?as_of=2025-03-31").content.decode()
    assert 'data-as-of="2025-03-31"' in html
    assert '<option value="2025-03-31" selected>' in html


def test_without_a_month_asked_for_every_column_is_seen_from_the_earliest_scenario(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    without_smart(plan, board_user)
    # Seen from 15 March: the months that had ended by then, to 28 February.
    margin_at_8(board_user, seen_from=date(2025, 3, 15))
    page = page_of(board_client.get(f"{URL}?compare=sin-smart&compare=margen-8"))
    assert [c.forecast.as_of for c in page.columns] == [date(2025, 2, 28)] * 3
    alone = page_of(board_client.get(f"{URL}?compare=sin-smart"))
    assert [c.forecast.as_of for c in alone.columns] == [date(2025, 6, 30)] * 2


def test_a_month_that_has_not_ended_is_refused_and_the_rest_is_still_compared(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    without_smart(plan, board_user)
    response = board_client.get(f"{URL}?compare=sin-smart&as_of=2025-07-31")
    page = page_of(response)
    assert page.form.errors["as_of"]
    assert [c.slug for c in page.columns] == ["baseline", "sin-smart"]
    assert page.as_of == date(2025, 6, 30)
    assert 'role="alert"' in response.content.decode()


def test_more_than_four_scenarios_are_refused(plan: Plan, board_client: Client, board_user: Any) -> None:
    for n in range(5):
        margin_at_8(board_user, slug=f"margen-{n}", name=f"Margen {n}")
    query = "&".join(f"compare=margen-{n}" for n in range(5))
    response = board_client.get(f"{URL}?{query}")
    page = page_of(response)
    assert page.form.errors["compare"] == [str(comparison.ERR_TOO_MANY) % {"most": 4}]
    assert [c.slug for c in page.columns] == ["baseline"]
    four = page_of(board_client.get(f"{URL}?{query.rsplit('&', 1)[0]}"))
    assert len(four.columns) == 5


def test_an_unknown_scenario_is_refused_by_the_form(plan: Plan, board_client: Client) -> None:
    page = page_of(board_client.get(f"{URL}?compare=nope"))
    assert page.form.errors["compare"]
    assert [c.slug for c in page.columns] == ["baseline"]


def test_a_year_that_is_over_says_every_month_is_recorded_and_the_scenarios_change_nothing(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    margin_at_8(board_user, rates_from=date(2024, 1, 1))
    url = reverse("year-scenarios", args=[2024]) + "?compare=margen-8"
    for closed in (False, True):
        if closed:
            year_close(year=2024, user=board_user)
        response = board_client.get(url)
        page = page_of(response)
        assert page.over and page.projected_months == 0
        assert 'data-state="all-recorded"' in response.content.decode()
        assert len(page.columns) == 2
        for figure in page.rows:
            baseline, scenario = figure.cells
            assert scenario.value == baseline.value, figure.key
            assert scenario.difference in (None, D("0.00")), figure.key
        # 2024's figures: 12 × 550.00 of margin (10,000.00 at 5.5 %), 12,600.00 of expenses.
        assert row(page, "own_revenue")[0].value == D("6600.00")
        assert row(page, "total_costs")[0].value == D("12600.00")


def test_the_months_are_drawn_recorded_solid_and_projected_dashed_beside_their_table(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    without_smart(plan, board_user)
    html = board_client.get(f"{URL}?compare=sin-smart").content.decode()
    months = html.split('id="months-title"')[1]
    assert months.count("<svg") == 2  # own revenue, total costs
    legend = re.findall(r'<span class="swatch line (\w+)"', months.split("</ul>")[0])
    assert legend == ["solid", "dashed", "dashed"]  # recorded; the baseline and the scenario projected
    assert "stroke-dasharray:8,4" in months
    table = months.split('data-monthly="own_revenue"')[1].split("</table>")[0]
    assert len(re.findall(r'<tr data-month="2025-\d\d">', table)) == 12
    # July projected: 641.69 of margin and the July licence period (150.00 for Hachette).
    july = table.split('data-month="2025-07"')[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', july) == [money("791,69 €")] * 2
    assert money("10.780,14 €") in table.split("<tfoot>")[1]


def test_the_months_add_up_to_the_year_in_every_column(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    without_smart(plan, board_user)
    margin_at_8(board_user)
    page = page_of(board_client.get(f"{URL}?compare=sin-smart&compare=margen-8"))
    for monthly in page.monthly:
        for column, total in enumerate(monthly.totals):
            assert sum((r.values[column] for r in monthly.rows), D("0.00")) == total, monthly.key


def test_it_reads_in_spanish_by_default_and_in_english_when_asked(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    without_smart(plan, board_user)
    spanish = board_client.get(f"{URL}?compare=sin-smart").content.decode()
    assert '<html lang="es"' in spanish
    assert money("4.113,20 €") in values(spanish, "funding_gap")
    board_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = board_client.get(f"{URL}?compare=sin-smart").content.decode()
    assert values(english, "external_support") == ["€11,200.00", "€5,200.00"]
    assert differences(english, "external_support") == ["-€6,000.00"]
    assert values(english, "self_financing") == ["72.4%", "72.4%"]


def test_the_basis_toggle_keeps_the_comparison(plan: Plan, board_client: Client, board_user: Any) -> None:
    without_smart(plan, board_user)
    html = board_client.get(f"{URL}?compare=sin-smart&as_of=2025-05-31").content.decode()
    assert 'href="?compare=sin-smart&amp;as_of=2025-05-31&amp;basis=cash"' in html
    page = page_of(board_client.get(f"{URL}?compare=sin-smart&as_of=2025-05-31&basis=cash"))
    assert page.basis == "cash" and all(c.forecast.figures.basis == "cash" for c in page.columns)
    assert page.as_of == date(2025, 5, 31)


def test_anonymous_visitors_log_in_first_and_others_need_the_dashboard_permission(
    plan: Plan, client: Client
) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"
    outsider = Client()
    outsider.force_login(get_user_model().objects.create_user("otto", password="x"))
    assert outsider.get(URL).status_code == 403


def test_a_year_out_of_range_is_not_found(plan: Plan, board_client: Client) -> None:
    assert board_client.get(reverse("year-scenarios", args=[1234])).status_code == 404


def test_the_page_costs_a_fixed_number_of_queries_that_grows_only_with_the_columns(
    plan: Plan, board_client: Client, board_user: Any
) -> None:
    for n in range(4):
        margin_at_8(board_user, slug=f"margen-{n}", name=f"Margen {n}")

    def queries(compared: int) -> int:
        query = "&".join(f"compare=margen-{n}" for n in range(compared))
        with CaptureQueriesContext(connection) as captured:
            assert board_client.get(f"{URL}?{query}").status_code == 200
        return len(captured)

    counts = [queries(n) for n in range(5)]
    assert counts == [PAGE + PAGE_QUERIES + n * PER_SCENARIO for n in range(5)]
    more_records(plan, 12)
    assert [queries(n) for n in (0, 4)] == [counts[0], counts[4]]


@pytest.mark.usefixtures("plan")
def test_the_template_runs_no_query(
    board_client: Client, board_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.template.backends.django import Template

    margin_at_8(board_user)
    render = Template.render

    def guarded(self: Any, *args: Any, **kwargs: Any) -> str:
        def refuse(execute: Any, sql: str, *rest: Any) -> Any:
            raise AssertionError(f"query while rendering {self.template.name}: {sql}")

        with connection.execute_wrapper(refuse):
            return render(self, *args, **kwargs)

    monkeypatch.setattr(Template, "render", guarded)
    assert board_client.get(f"{URL}?compare=margen-8").status_code == 200
