"""The margin simulator page (/margins/simulator/): figures, the pilot's drops, locale input,
permission, and a query count that does not grow with the years or the months.

The months are demo-like (80,000-120,000 € a month) under the demo's two rules: the historical
5.50 + 2.00 until 2019, then the 2020 pilot (0 → 6.50, 90,000 → 5.75, 120,000 → 5.00, fund 2.00).
"""

from __future__ import annotations

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

from funding import actions as funding
from funding.selectors import categories_by_code
from services import actions as services
from services.models import MarginRule
from services.selectors import service_lines_by_code
from smartiberica.board.simulator import Simulation

pytestmark = pytest.mark.django_db
D = Decimal
NBSP = "\u00a0"
URL = "/margins/simulator/"
FLAT_8 = {"kind": "flat", "structure": "8", "fund": "2", "years": ["2019", "2020", "2021"]}
# (month, turnover): charged 5.50 % in 2019, the pilot's band from 2020.
MONTHS = [
    (date(2019, 1, 1), "85000.00"),  # 4,675.00 + 1,700.00
    (date(2019, 2, 1), "89471.68"),  # 4,920.94 + 1,789.43
    (date(2020, 1, 1), "89471.68"),  # 6.50 %: 5,815.66 + 1,789.43
    (date(2020, 2, 1), "90000.00"),  # 5.75 %: 5,175.00 + 1,800.00
    (date(2020, 3, 1), "120000.00"),  # 5.00 %: 6,000.00 + 2,400.00
    (date(2021, 1, 1), "100000.00"),  # 5.75 %: 5,750.00 + 2,000.00
]


@pytest.fixture
def pilot(db: None) -> MarginRule:
    services.margin_rule_create(
        name="Margen histórico 7,5 %",
        valid_from=date(2018, 1, 1),
        valid_to=date(2019, 12, 31),
        structure_rate=D("5.50"),
        fund_rate=D("2.00"),
    )
    rule = services.margin_rule_create(
        name="Piloto de margen variable",
        valid_from=date(2020, 1, 1),
        bands=[
            (D("0.00"), D("6.50"), D("2.00")),
            (D("90000.00"), D("5.75"), D("2.00")),
            (D("120000.00"), D("5.00"), D("2.00")),
        ],
    )
    for month, turnover in MONTHS:
        services.member_turnover_record(month=month, turnover=D(turnover))
    # 2020: 20,000.00 of services revenue and 100,000.00 of costs; 2019 and 2021 have no costs.
    client, _ = services.client_get_or_create(name="Hachette Livre", tax_id="FR04602060147", is_foreign=True)
    invoice = services.invoice_create(
        client=client,
        service_line=service_lines_by_code()["project-support"],
        issue_date=date(2020, 5, 4),
        lines=[services.LineInput("Apoyo", D(1), D("20000.00"), D("21.00"))],
    )
    services.invoice_issue(invoice=invoice)
    funding.expense_create(
        date=date(2020, 6, 30),
        category=categories_by_code()["staff"],
        supplier="Nóminas",
        amount=D("100000.00"),
        reference="staff-2020",
    )
    return rule


def simulate(client: Client, query: dict[str, Any]) -> Any:
    response = client.get(URL, query)
    assert response.status_code == 200
    return response


def test_the_page_has_its_name(db: None) -> None:
    assert reverse("margin-simulator") == URL


def test_a_flat_8_percent_rule_on_the_recorded_months_gives_the_hand_computed_figures(
    pilot: MarginRule, board_client: Client
) -> None:
    simulation: Simulation = simulate(board_client, FLAT_8).context["simulation"]
    rows = {row.year: row for row in simulation.years}
    # 2019: 85,000.00 × 8 % = 6,800.00; 89,471.68 × 8 % = 7,157.7344 → 7,157.73.
    assert (rows[2019].margin_charged, rows[2019].margin_simulated) == (D("9595.94"), D("13957.73"))
    assert rows[2019].margin_difference == D("4361.79")
    assert (rows[2019].fund_charged, rows[2019].fund_simulated) == (D("3489.43"), D("3489.43"))
    # 2020: 7,157.73 + 7,200.00 + 9,600.00 against 5,815.66 + 5,175.00 + 6,000.00.
    assert (rows[2020].turnover, rows[2020].months) == (D("299471.68"), 3)
    assert (rows[2020].margin_charged, rows[2020].margin_simulated) == (D("16990.66"), D("23957.73"))
    # SFR: (20,000 + 16,990.66) / 100,000 and (20,000 + 23,957.73) / 100,000.
    assert (rows[2020].sfr_charged, rows[2020].sfr_simulated) == (D("0.3699"), D("0.4396"))
    assert rows[2020].sfr_change == D("0.0697")
    # No costs in 2021: no ratio.
    assert (rows[2021].margin_charged, rows[2021].margin_simulated) == (D("5750.00"), D("8000.00"))
    assert (rows[2021].sfr_charged, rows[2021].sfr_simulated, rows[2021].sfr_change) == (None, None, None)
    total = simulation.total
    assert (total.turnover, total.months) == (D("573943.36"), 6)
    assert (total.margin_charged, total.margin_simulated, total.margin_difference) == (
        D("32336.60"),
        D("45915.46"),
        D("13578.86"),
    )
    # (20,000 + 32,336.60) / 100,000 and (20,000 + 45,915.46) / 100,000.
    assert (total.sfr_charged, total.sfr_simulated) == (D("0.5234"), D("0.6592"))
    assert simulation.drops == ()


def test_the_table_shows_the_figures_in_the_readers_language_and_a_dash_without_costs(
    pilot: MarginRule, board_client: Client
) -> None:
    html = simulate(board_client, FLAT_8).content.decode()
    row_2020 = html.split('data-year="2020"')[1].split("</tr>")[0]
    assert f"16.990,66{NBSP}€" in row_2020
    assert f"23.957,73{NBSP}€" in row_2020
    assert f"+6.967,07{NBSP}€" in row_2020
    assert f"37,0{NBSP}%" in row_2020 and f"44,0{NBSP}%" in row_2020
    row_2021 = html.split('data-year="2021"')[1].split("</tr>")[0]
    assert "—" in row_2021
    total = html.split('data-year="total"')[1].split("</tr>")[0]
    assert f"45.915,46{NBSP}€" in total
    assert "data-drops" not in html


def test_the_pilot_is_flagged_with_the_turnovers_where_more_gives_less(
    pilot: MarginRule, board_client: Client
) -> None:
    response = simulate(board_client, {"rule": pilot.pk, "years": ["2020"]})
    simulation: Simulation = response.context["simulation"]
    assert [drop.turnover for drop in simulation.drops] == [D("90000.00"), D("120000.00")]
    # The rule charged in 2020, simulated on 2020: no difference.
    [year] = simulation.years
    assert (year.margin_charged, year.margin_simulated) == (D("16990.66"), D("16990.66"))
    warning = response.content.decode().split("data-drops")[1].split("</div>")[0]
    assert f"90.000,00{NBSP}€" in warning and f"5.175,00{NBSP}€" in warning and f"5.850,00{NBSP}€" in warning
    assert f"120.000,00{NBSP}€" in warning and f"79.615,47{NBSP}€" in warning


def test_the_picker_prefills_the_form_with_the_rules_bands_in_the_readers_language(
    pilot: MarginRule, board_client: Client
) -> None:
    form = simulate(board_client, {"rule": pilot.pk}).context["page"].form
    assert form.data["kind"] == "banded"
    assert (form.data["band_2_from"], form.data["band_2_structure"]) == ("90000,00", "5,75")
    assert form.cleaned_data["years"] == [2019, 2020, 2021]


def test_a_first_visit_opens_on_the_newest_rule_and_the_last_three_years(
    pilot: MarginRule, board_client: Client
) -> None:
    services.member_turnover_record(month=date(2018, 12, 1), turnover=D("80000.00"))
    page = simulate(board_client, {}).context["page"]
    assert page.years == [2019, 2020, 2021]
    assert page.simulation is not None and len(page.simulation.drops) == 2


def test_a_progressive_rule_never_drops_and_prices_the_slices(
    pilot: MarginRule, board_client: Client
) -> None:
    query = {
        "kind": "progressive",
        **{"band_1_from": "0", "band_1_structure": "6,5", "band_1_fund": "2"},
        **{"band_2_from": "90000", "band_2_structure": "5,75", "band_2_fund": "2"},
        "years": ["2021"],
    }
    simulation: Simulation = simulate(board_client, query).context["simulation"]
    # 90,000 × 6.5 % + 10,000 × 5.75 % = 5,850 + 575.
    assert simulation.years[0].margin_simulated == D("6425.00")
    assert simulation.drops == ()


def test_a_spanish_reader_types_6_5_as_six_and_a_half_percent(
    pilot: MarginRule, board_client: Client
) -> None:
    query = {"kind": "flat", "structure": "6,5", "fund": "2,00", "years": ["2021"]}
    simulation: Simulation = simulate(board_client, query).context["simulation"]
    assert simulation.rule.bands[0].structure_rate == D("6.50")
    assert simulation.years[0].margin_simulated == D("6500.00")


def test_an_english_reader_is_asked_to_write_6_5_the_english_way(
    pilot: MarginRule, board_client: Client
) -> None:
    board_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = {"kind": "flat", "structure": "6,5", "fund": "2", "years": ["2021"]}
    response = simulate(board_client, query)
    assert response.context["simulation"] is None
    assert "6,5" in str(response.context["page"].form.errors["structure"])
    query["structure"] = "6.5"
    assert simulate(board_client, query).context["simulation"].years[0].margin_simulated == D("6500.00")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "flat", "structure": "8", "years": ["2021"]}, "fund"),
        ({"kind": "flat", "structure": "120", "fund": "2", "years": ["2021"]}, "structure"),
        ({"kind": "banded", "band_1_from": "0", "band_1_structure": "6", "years": ["2021"]}, "band_1_fund"),
        ({"kind": "banded", "band_1_from": "100", "band_1_structure": "6", "band_1_fund": "2"}, "__all__"),
        (
            {
                **{"kind": "banded", "band_1_from": "0", "band_1_structure": "6", "band_1_fund": "2"},
                **{"band_2_from": "0,00", "band_2_structure": "5", "band_2_fund": "2", "years": ["2021"]},
            },
            "__all__",
        ),
        ({"kind": "progressive", "years": ["2021"]}, "__all__"),
        ({"kind": "flat", "structure": "8", "fund": "2"}, "years"),
        ({"kind": "flat", "structure": "8", "fund": "2", "years": ["1999"]}, "years"),
    ],
)
def test_an_incomplete_rule_is_explained_next_to_its_field(
    pilot: MarginRule, board_client: Client, query: dict[str, Any], field: str
) -> None:
    response = simulate(board_client, query)
    assert response.context["simulation"] is None
    assert field in response.context["page"].form.errors


def test_the_page_needs_the_dashboard_permission(
    pilot: MarginRule, staff_client: Client, board_client: Client
) -> None:
    assert Client().get(URL)["Location"].startswith(reverse("login"))
    outsider = Client()
    outsider.force_login(get_user_model().objects.create_user("otto", password="x"))
    assert outsider.get(URL).status_code == 403
    assert staff_client.get(URL, FLAT_8).status_code == 200
    # A GET form: nothing is ever posted.
    assert board_client.post(URL, FLAT_8).status_code == 405


def test_a_url_with_more_bands_than_the_six_rows_gets_a_row_for_each(
    pilot: MarginRule, board_client: Client
) -> None:
    query: dict[str, Any] = {"kind": "banded", "years": ["2021"]}
    for row in range(1, 8):
        bound = (row - 1) * 20000
        query |= {f"band_{row}_from": str(bound), f"band_{row}_structure": "5", f"band_{row}_fund": "2"}
    query["band_7_structure"] = "4"  # from 120,000
    response = simulate(board_client, query)
    assert len(response.context["page"].form.band_rows) == 7
    assert len(response.context["simulation"].rule.bands) == 7


def test_the_query_count_does_not_grow_with_the_years_or_the_months(
    pilot: MarginRule, board_client: Client
) -> None:
    one_year = {**FLAT_8, "years": ["2021"]}
    simulate(board_client, one_year)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one:
        simulate(board_client, one_year)
    for month in range(2, 13):
        services.member_turnover_record(month=date(2021, month, 1), turnover=D("95000.00"))
    with CaptureQueriesContext(connection) as three:
        response = simulate(board_client, FLAT_8)
    assert response.context["simulation"].total.months == 17
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]
    # Session, user, permissions (4), years with turnover (2), months and rules (3), the yearly
    # figures (17), the demo flag (1).
    assert len(one) == 27, "\n".join(q["sql"][:110] for q in one.captured_queries)
