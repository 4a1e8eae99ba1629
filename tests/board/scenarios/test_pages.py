"""The scenario pages: who may open them, and what a board member types in their own language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import ExpenseCategory, FundingSource
from services.models import ServiceLine
from smartiberica.board import scenario_validation as sv
from smartiberica.board.models import Scenario, ScenarioCost, ScenarioRevenue
from smartiberica.board.scenario_forms import ERR_ROW_KEY_MISSING
from smartiberica.kernel.roles import BOARD
from tests.board.scenarios.helpers import make_scenario

pytestmark = pytest.mark.django_db
D = Decimal
LIST, NEW = reverse("scenarios"), reverse("scenario-new")


def edit_url(slug: str) -> str:
    return reverse("scenario-edit", args=[slug])


def delete_url(slug: str) -> str:
    return reverse("scenario-delete", args=[slug])


def speaking(client: WebClient, language: str) -> WebClient:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def rows(prefix: str, *filled: tuple[Any, str], initial: int = 0) -> dict[str, str]:
    """A formset as the page posts it: the filled rows, then empty ones."""
    total = max(len(filled), initial) + 1
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    key = "service_line" if prefix == "revenue" else "category"
    for index, (pk, amount) in enumerate(filled):
        data[f"{prefix}-{index}-{key}"] = str(pk)
        data[f"{prefix}-{index}-monthly_amount"] = amount
    return data


def posted(
    *, revenue: tuple[tuple[Any, str], ...] = (), costs: tuple[tuple[Any, str], ...] = (), **fields: str
) -> dict[str, str]:
    return {"slug": "plan", "name": "Plan", **fields, **rows("revenue", *revenue), **rows("costs", *costs)}


# --- Who may open what ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(board_user: Any) -> None:
    make_scenario(board_user, slug="s")
    for url in (LIST, NEW, edit_url("s"), delete_url("s")):
        response = WebClient().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_a_reader_sees_the_list_without_edit_links_and_is_refused_every_edit(
    board_user: Any, reader_client: WebClient
) -> None:
    make_scenario(board_user, slug="s", name="Only to read")
    page = reader_client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Only to read" in html
    assert NEW not in html and edit_url("s") not in html and delete_url("s") not in html
    for url in (NEW, edit_url("s"), delete_url("s")):
        assert reader_client.get(url).status_code == 403, url
        assert reader_client.post(url, posted()).status_code == 403, url
    assert Scenario.objects.get().name == "Only to read"


def test_someone_without_the_dashboard_permission_cannot_read_the_list(make_user: Any) -> None:
    client = WebClient()
    client.force_login(make_user("outsider"))
    assert client.get(LIST).status_code == 403


def test_every_dashboard_page_links_to_the_scenarios(
    board_client: WebClient, reader_client: WebClient
) -> None:
    for client in (board_client, reader_client):
        assert f'href="{LIST}"' in client.get(reverse("years")).content.decode()


# --- Creating, in the reader's language ------------------------------------------------------------


def test_a_board_member_creates_a_scenario_typing_a_spanish_decimal(
    board_client: WebClient, board_user: Any, support: ServiceLine, it_costs: ExpenseCategory
) -> None:
    assert board_client.get(NEW).status_code == 200
    response = board_client.post(
        NEW,
        posted(
            slug="margen-8-5",
            name="Margen al 8,5 %",
            structure_rate="8,50",
            fund_rate="2",
            rates_from="2025-01-01",
            turnover_growth="-5,5",
            revenue=((support.pk, "1500,50"),),
            costs=((it_costs.pk, "250"),),
        ),
    )
    assert response.status_code == 302 and response["Location"] == LIST
    scenario = Scenario.objects.get(slug="margen-8-5")
    assert (scenario.structure_rate, scenario.fund_rate, scenario.turnover_growth) == (
        D("8.50"),
        D("2.00"),
        D("-5.50"),
    )
    assert scenario.rates_from == date(2025, 1, 1)
    assert scenario.author == board_user
    assert ScenarioRevenue.objects.get().monthly_amount == D("1500.50")
    assert ScenarioCost.objects.get().monthly_amount == D("250.00")


def test_a_french_reader_types_a_comma_and_an_english_one_a_point(
    board_client: WebClient, belgium: FundingSource
) -> None:
    fields: dict[str, Any] = {
        "fund_rate": "2,00",
        "rates_from": "2025-01-01",
        "stopped_source": str(belgium.pk),
        "source_stops_on": "2025-07-01",
    }
    speaking(board_client, "fr").post(NEW, posted(slug="fr", structure_rate="8,50", **fields))
    speaking(board_client, "en").post(
        NEW, posted(slug="en", structure_rate="8.50", **{**fields, "fund_rate": "2.00"})
    )
    assert dict(Scenario.objects.values_list("slug", "structure_rate")) == {"fr": D("8.50"), "en": D("8.50")}
    assert Scenario.objects.get(slug="fr").stopped_source == belgium


def test_an_english_reader_is_not_guessed_a_comma(board_client: WebClient) -> None:
    response = speaking(board_client, "en").post(
        NEW, posted(structure_rate="8,50", fund_rate="2.00", rates_from="2025-01-01")
    )
    assert response.status_code == 200
    assert "structure_rate" in response.context["forms"].form.errors
    assert not Scenario.objects.exists()


# --- The action's refusals, next to what they concern --------------------------------------------


def test_a_missing_pair_is_shown_next_to_the_missing_fields(board_client: WebClient) -> None:
    response = board_client.post(NEW, posted(structure_rate="8,00"))
    assert response.status_code == 200
    errors = response.context["forms"].form.errors
    assert errors["fund_rate"] == [str(sv.ERR_RATES_INCOMPLETE)]
    assert errors["rates_from"] == [str(sv.ERR_RATES_INCOMPLETE)]
    html = response.content.decode()
    assert 'id="id_fund_rate_error"' in html and 'aria-invalid="true"' in html
    # What was typed stays as typed.
    assert 'value="8,00"' in html
    assert not Scenario.objects.exists()


def test_the_slug_baseline_is_refused_on_the_slug(board_client: WebClient) -> None:
    response = board_client.post(NEW, posted(slug="baseline"))
    assert response.context["forms"].form.errors["slug"] == [str(sv.ERR_SLUG_RESERVED)]


def test_a_row_amount_that_is_not_positive_is_refused_on_its_row(
    board_client: WebClient, support: ServiceLine, licences: ServiceLine
) -> None:
    response = board_client.post(NEW, posted(revenue=((support.pk, "10,00"), (licences.pk, "0"))))
    assert response.status_code == 200
    first, second = response.context["forms"].revenue.forms[:2]
    assert first.errors == {}
    assert second.errors["monthly_amount"] == [str(sv.ERR_MONTHLY_AMOUNT_NOT_POSITIVE)]
    assert not Scenario.objects.exists()


def test_a_line_listed_twice_is_refused_on_the_second_row(
    board_client: WebClient, support: ServiceLine, it_costs: ExpenseCategory
) -> None:
    response = board_client.post(
        NEW,
        posted(
            revenue=((support.pk, "10,00"), (support.pk, "20,00")),
            costs=((it_costs.pk, "1"), (it_costs.pk, "2")),
        ),
    )
    forms = response.context["forms"]
    assert forms.revenue.forms[1].errors["service_line"] == [str(sv.ERR_REVENUE_LINE_TWICE)]
    assert forms.costs.forms[1].errors["category"] == [str(sv.ERR_COST_CATEGORY_TWICE)]
    assert not Scenario.objects.exists()


def test_an_amount_without_its_line_is_refused_on_its_row(board_client: WebClient) -> None:
    response = board_client.post(NEW, posted(revenue=(("", "10,00"),)))
    assert response.context["forms"].revenue.forms[0].errors["service_line"] == [str(ERR_ROW_KEY_MISSING)]


# --- Editing and deleting --------------------------------------------------------------------------


def test_the_edit_page_shows_the_stored_values_the_readers_way_and_saves_the_changes(
    board_client: WebClient, staff_user: Any, support: ServiceLine, licences: ServiceLine
) -> None:
    scenario = make_scenario(
        staff_user,
        slug="edit-me",
        structure_rate=D("8.00"),
        fund_rate=D("2.00"),
        rates_from=date(2025, 1, 1),
        extra_revenue={support.pk: D("1500.50")},
    )
    page = board_client.get(edit_url("edit-me")).content.decode()
    assert 'value="8,00"' in page and 'value="1500,50"' in page and 'value="2025-01-01"' in page
    data = posted(
        slug="edited", name="Edited", structure_rate="7,25", fund_rate="2,00", rates_from="2025-03-01"
    )
    # The stored row is emptied (removed) and another line added.
    data.update(rows("revenue", ("", ""), (licences.pk, "42,00"), initial=1))
    response = board_client.post(edit_url("edit-me"), data)
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert (scenario.slug, scenario.name, scenario.structure_rate) == ("edited", "Edited", D("7.25"))
    assert scenario.author == staff_user
    assert list(ScenarioRevenue.objects.values_list("service_line_id", "monthly_amount")) == [
        (licences.pk, D("42.00"))
    ]


def test_editing_an_unknown_scenario_is_not_found(board_client: WebClient) -> None:
    assert board_client.get(edit_url("nowhere")).status_code == 404
    assert board_client.post(delete_url("nowhere")).status_code == 404


def test_deleting_asks_first_then_deletes_on_post(board_client: WebClient, board_user: Any) -> None:
    make_scenario(board_user, slug="bye", name="Bye")
    confirmation = board_client.get(delete_url("bye"))
    assert confirmation.status_code == 200 and "Bye" in confirmation.content.decode()
    assert Scenario.objects.exists()
    response = board_client.post(delete_url("bye"))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Scenario.objects.exists()


def test_staff_edit_on_the_pages_too(staff_client: WebClient) -> None:
    assert staff_client.post(NEW, posted(slug="by-staff")).status_code == 302
    assert Scenario.objects.get().slug == "by-staff"


# --- The list ----------------------------------------------------------------------------------------


def test_the_list_says_who_wrote_each_scenario_and_what_it_changes(
    board_client: WebClient, board_user: Any, belgium: FundingSource
) -> None:
    board_user.first_name, board_user.last_name = "Berta", "Gil"
    board_user.save()
    make_scenario(
        board_user,
        slug="belgium",
        name="Sin Smart Belgium",
        description="Qué pasa si...",
        stopped_source_id=belgium.pk,
        source_stops_on=date(2021, 1, 1),
        structure_rate=D("8.00"),
        fund_rate=D("2.00"),
        rates_from=date(2021, 1, 1),
    )
    html = board_client.get(LIST).content.decode()
    for text in ("Sin Smart Belgium", "Qué pasa si...", "Berta Gil", "Smart Belgium", "01/01/2021", "8,00"):
        assert text in html, text
    assert edit_url("belgium") in html and delete_url("belgium") in html


def test_the_list_costs_as_many_queries_for_one_scenario_as_for_five(
    board_client: WebClient, board_user: Any, support: ServiceLine
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert board_client.get(LIST).status_code == 200
        return len(captured)

    make_scenario(board_user, slug="s0", extra_revenue={support.pk: D("1.00")})
    one = queries()
    for n in range(1, 5):
        make_scenario(board_user, slug=f"s{n}", extra_revenue={support.pk: D("1.00")})
    assert queries() == one


def test_a_board_member_is_offered_the_new_scenario_button(board_client: WebClient, make_user: Any) -> None:
    assert NEW in board_client.get(LIST).content.decode()
    assert make_user("x", group=BOARD).has_perm("smartiberica.edit_scenarios")
