from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from funding import actions as funding_actions
from smartiberica.board.figures import yearly_figures, years_with_data
from smartiberica.kernel.models import DemoDataset
from smartiberica.kernel.roles import BOARD, STAFF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _the_story_is_told_up_to_a_fixed_day() -> Iterator[None]:
    with time_machine.travel("2026-11-26 10:00:00+01:00", tick=False):
        yield


D = Decimal


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[dict[str, Any]]:
    return [yearly_figures(year=y).as_json() for y in years_with_data()]


def test_it_refuses_to_run_with_debug_off_unless_forced(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        load()
    assert not get_user_model().objects.exists()
    assert years_with_data() == []


def test_it_tells_the_story_from_2017_to_today(settings: Any) -> None:
    settings.DEBUG = True
    out = load("--password", "s3cret")
    assert "Loaded the story 2017–2026" in out
    assert "board  / s3cret" in out
    users = {u.username: u for u in get_user_model().objects.all()}
    assert list(users["board"].groups.values_list("name", flat=True)) == [BOARD]
    assert list(users["staff"].groups.values_list("name", flat=True)) == [STAFF]
    assert users["admin"].is_superuser and not users["board"].is_superuser
    assert all(u.check_password("s3cret") for u in users.values())

    assert years_with_data()[0] == 2017 and years_with_data()[-1] == 2026
    y = {year: yearly_figures(year=year) for year in range(2017, 2027)}
    # Mutualised services until 2018, counted in kind; their end in 2019 shows (figures v2, where
    # donated services are a cost as well as support) as lost in-kind support and more expenses
    # paid, while total costs barely move: the services cost about the same, someone else paid.
    assert y[2017].in_kind_shared_services > 0 and y[2018].in_kind_shared_services > 0
    assert y[2019].in_kind_shared_services == 0
    assert y[2019].external_support < y[2018].external_support - D("20000")
    assert y[2019].expenses_total > y[2018].expenses_total + D("20000")
    assert y[2018].total_costs < y[2019].total_costs < y[2018].total_costs + D("20000")
    # 2020's cut budget still pays more than the mutualised years did (v1 compared total costs,
    # which now include the donated services of 2018).
    assert y[2020].expenses_total > y[2018].expenses_total
    assert y[2020].total_costs < y[2019].total_costs
    # Smart Belgium's support shrinks to nothing after 2020.
    belgium = [y[year].external_support_by_source.get("smart-belgium", D(0)) for year in range(2017, 2023)]
    assert belgium == sorted(belgium, reverse=True) and belgium[-1] == 0
    assert y[2022].ratios.top_funder_share == D("0.0000") and y[2022].top_funder is None
    # The Fiare loan: drawn in 2020, repaid by 2025 (with a prepayment in 2023).
    assert y[2020].loan_drawdowns == D("60000.00")
    assert y[2020].loan_outstanding_year_end > y[2022].loan_outstanding_year_end > 0
    assert y[2025].loan_outstanding_year_end == 0
    # The 2020 budget was revised down and the revision is the one in force.
    assert y[2020].budgeted_costs is not None and y[2019].budgeted_costs is not None
    assert y[2020].budgeted_costs < y[2019].budgeted_costs
    # New services from 2021; self-financing climbs past 100 %.
    assert y[2020].services_revenue == 0 and y[2021].services_revenue > 0
    assert y[2020].ratios.self_financing is not None and y[2023].ratios.self_financing is not None
    assert y[2024].ratios.self_financing is not None
    assert y[2024].ratios.self_financing > y[2020].ratios.self_financing
    assert y[2023].ratios.self_financing > 1 and y[2020].ratios.self_financing < D("0.6")
    # Cash and accrual differ: late and partial payments cross year ends.
    assert yearly_figures(year=2024, basis="cash").services_revenue != y[2024].services_revenue


def test_every_page_says_it_is_demo_data(settings: Any) -> None:
    settings.DEBUG = True
    load()
    client = Client()
    client.force_login(get_user_model().objects.get(username="board"))
    for url in ("/years/2024/", "/years/", "/admin/services/invoice/"):
        assert "Datos de demostración" in client.get(url).content.decode(), url


def test_running_it_twice_changes_nothing(settings: Any) -> None:
    settings.DEBUG = True
    load()
    users = list(get_user_model().objects.order_by("pk").values())
    figures = snapshot()
    assert "already loaded" in load()
    assert list(get_user_model().objects.order_by("pk").values()) == users
    assert snapshot() == figures
    assert DemoDataset.objects.count() == 1


def test_reset_starts_over(settings: Any) -> None:
    settings.DEBUG = True
    load()
    figures = snapshot()
    board_pk = get_user_model().objects.get(username="board").pk
    load("--reset")
    assert snapshot() == figures
    assert get_user_model().objects.get(username="board").pk != board_pk
    assert DemoDataset.objects.count() == 1


def test_it_refuses_to_mix_the_story_with_real_records(settings: Any) -> None:
    settings.DEBUG = True
    source = funding_actions.source_create(code="real", name="Real", kind="grant")
    funding_actions.receipt_create(source=source, date=date(2024, 1, 1), amount=D("1.00"), reference="R-1")
    with pytest.raises(CommandError, match="--reset"):
        load()


def test_the_story_closes_2017_to_2024_and_shares_2024_with_smart_belgium(settings: Any) -> None:
    from smartiberica.board.closing import closed_year_differences
    from smartiberica.board.models import FunderLink, YearApproval
    from smartiberica.kernel.closed_years import closed_years

    settings.DEBUG = True
    out = load()

    assert sorted(closed_years()) == list(range(2017, 2025))
    notes = {a.year: a.note for a in YearApproval.objects.approvals()}
    assert "Fiare" in notes[2020] and "Smart Belgium" in notes[2020]
    assert {a.by.username for a in YearApproval.objects.all()} == {"board"}
    assert yearly_figures(year=2024).as_json()["status"] == "closed"
    assert yearly_figures(year=2025).as_json()["status"] == "open"
    link = FunderLink.objects.get()
    assert (link.year, link.reader_name) == (2024, "Smart Belgium")
    token = out.split("/shared/")[1].split("/")[0]
    assert Client().get(f"/shared/{token}/").status_code == 200
    assert closed_year_differences() == []


def test_the_story_writes_three_projection_scenarios_by_the_board(settings: Any) -> None:
    from services.models import Client as ServicesClient
    from smartiberica.board.scenario_params import ScenarioParams
    from smartiberica.board.scenarios import scenario_list, scenario_params
    from smartiberica.demo.story_services import CLIENTS

    settings.DEBUG = True
    out = load()
    assert "Wrote 3 projection scenarios" in out
    summaries = {s.slug: s for s in scenario_list()}
    assert set(summaries) == {"smart-belgium-stops-2021", "structure-margin-8", "hachette-leaves"}
    assert {s.author for s in summaries.values()} == {"board"}
    assert scenario_params(slug="smart-belgium-stops-2021") == ScenarioParams(
        slug="smart-belgium-stops-2021",
        name=summaries["smart-belgium-stops-2021"].name,
        seen_from=date(2020, 12, 31),
        stopped_source="smart-belgium",
        source_stops_on=date(2021, 1, 1),
    )
    margin = scenario_params(slug="structure-margin-8")
    assert (margin.structure_rate, margin.fund_rate, margin.rates_from) == (
        D("8.00"),
        D("2.00"),
        date(2026, 1, 1),
    )
    hachette = scenario_params(slug="hachette-leaves")
    assert hachette.lost_client_id == ServicesClient.objects.get(tax_id=CLIENTS["hachette"][1]).pk
    assert hachette.client_lost_on == date(2026, 1, 1)
    # --reset forgets them before the records they name, then writes them again.
    load("--reset")
    assert len(scenario_list()) == 3


def test_the_story_keeps_two_bank_accounts_reconciled_but_a_dozen_lines(settings: Any) -> None:
    from itertools import pairwise

    from banking.models import BankAccount, BankStatement, StatementLine
    from banking.selectors import cash_position, unmatched_lines

    settings.DEBUG = True
    out = load()
    # January 2025 to yesterday (25 November 2026): 23 monthly statements an account.
    assert "Imported 46 bank statements of 2 accounts" in out
    accounts = {a.name: a for a in BankAccount.objects.all()}
    assert set(accounts) == {"Fiare Banca Etica · cuenta corriente", "Caja Rural del Sur · cuenta de gestión"}
    for account in accounts.values():
        assert account.opening_date == date(2025, 1, 1)
        statements = list(BankStatement.objects.filter(account=account).order_by("opening_date"))
        assert len(statements) == 23
        assert statements[-1].closing_date == date(2026, 11, 25)
        # Each statement follows the one before, and its lines make its closing balance.
        assert statements[0].opening_balance == account.opening_balance
        for before, after in pairwise(statements):
            assert after.opening_balance == before.closing_balance
        assert account.opening_balance + StatementLine.objects.filter(account=account).total() == (
            statements[-1].closing_balance
        )
    assert {a.name: a.balance >= D("5000.00") for a in cash_position().accounts} == dict.fromkeys(
        accounts, True
    )
    # Mostly reconciled, each line with the record it came from; about a dozen left for staff.
    left = unmatched_lines()
    assert 10 <= len(left) <= 14
    assert StatementLine.objects.matched().count() > 10 * len(left)
    assert f"{len(left)} lines are left to reconcile" in out
    described = " ".join(line.description for line in left)
    assert "CUOTA ANUAL TARJETA" in described and "INGRESO APORTACION CAPITAL SOCIA" in described
    assert described.count("TRANSFERENCIA DE") == 2  # two payments nobody recorded yet
    # --reset forgets the bank too, then tells it again.
    load("--reset")
    assert BankStatement.objects.count() == 46 and len(unmatched_lines()) == len(left)
