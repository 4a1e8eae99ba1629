from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from funding import actions as funding_actions
from funding import selectors as funding_selectors
from smartiberica.board.alert_models import AlertRule
from smartiberica.board.alerts import alerts_for_year, alerts_now
from smartiberica.board.contribution import contribution_by_line
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
    # Contribution by line (issue 22): IT licensing sells more in 2024 than in 2023 but keeps less
    # (Microsoft's new prices: 5,000.00 more than the licences' yearly 3,500.00 rise); Nanoma keeps
    # 30 % of the four crowdfunding campaigns of 2024; PRL pays two set-ups' trainers.
    lines = {
        year: {line.code: line for line in c.lines}
        for year, c in contribution_by_line(figures=[y[2023], y[2024]]).items()
    }
    licensing = {year: lines[year]["it-licensing"] for year in (2023, 2024)}
    assert (licensing[2023].revenue, licensing[2023].direct_costs) == (D("18570.00"), D("12000.00"))
    assert (licensing[2024].revenue, licensing[2024].direct_costs) == (D("24960.00"), D("20500.00"))
    assert (licensing[2023].contribution, licensing[2024].contribution) == (D("6570.00"), D("4460.00"))
    assert (lines[2024]["crowdfunding"].revenue, lines[2024]["crowdfunding"].partner_shares) == (
        D("9600.00"),
        D("2880.00"),
    )
    assert lines[2024]["prl-training"].direct_costs == D("3600.00")
    # Cash and accrual differ: late and partial payments cross year ends.
    assert yearly_figures(year=2024, basis="cash").services_revenue != y[2024].services_revenue
    # Fiare's yearly report, due each 30 April: 2021 to 2026 accepted, 2027's pending.
    fiare = funding_selectors.obligations_between(first=date(2021, 1, 1), last=date(2027, 12, 31))
    fiare = [o for o in fiare if o.source_code == "fiare"]
    assert [(o.due_date, o.status) for o in fiare] == [
        *((date(year, 4, 30), "accepted") for year in range(2021, 2027)),
        (date(2027, 4, 30), "pending"),
    ]
    assert fiare[-1].document_reference == "Informe anual Fiare 2026" and not fiare[-1].overdue


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


def test_the_guarantee_fund_advances_members_of_late_clients_and_stays_healthy(settings: Any) -> None:
    from services.selectors import guarantee_ledger

    settings.DEBUG = True
    load()

    ledger = guarantee_ledger(years=range(2017, 2027))
    # Fed since 2017, no advance before 2021; a few each year from then on, most recovered.
    assert all(ledger[y].advances_paid == 0 for y in range(2017, 2021))
    assert all(ledger[y].advances_paid > 0 for y in range(2021, 2027))
    assert ledger[2022].outstanding_advances == 0 < ledger[2023].outstanding_advances
    # Two advances of this autumn are still out: their clients have not paid yet.
    assert ledger[2026].outstanding_advances == D("726.00") + D("1863.00")
    # The balance carries over the years and stays above the advances out: no warning in the story.
    assert all(ledger[y].opening_balance == ledger[y - 1].closing_balance for y in range(2018, 2027))
    assert not any(year.advances_exceed_balance for year in ledger.values())
    board = Client()
    board.force_login(get_user_model().objects.get(username="board"))
    page = board.get("/years/2026/").content.decode()
    assert 'data-card="guarantee-fund"' in page and "data-guarantee-warning" not in page


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


def test_the_story_raises_the_alerts_it_implies_and_tells_the_board(settings: Any) -> None:
    settings.DEBUG = True
    out = load()
    assert "Subscribed the board user to the 7 alert rules" in out
    board = get_user_model().objects.get(username="board")
    assert board.email == "board@example.org"
    assert AlertRule.objects.filter(recipients=board).count() == AlertRule.objects.count() == 7
    on = date(2026, 11, 26)
    # Smart Belgium brings more than 30 % of the resources while it carries the cooperative.
    by_year = {year: alerts_for_year(year=year, basis="accrual", on=on) for year in range(2017, 2022)}
    tops = {y: [a.details["source"] for a in alerts if a.key[:3] == "top"] for y, alerts in by_year.items()}
    smart = ["Smart Belgium"]
    assert tops == {2017: smart, 2018: smart, 2019: smart, 2020: smart, 2021: []}
    # Today a client is far overdue; next spring Fiare's yearly report falls due.
    assert any(a.rule == "overdue_invoices" for a in alerts_now(on=on))
    spring = [a.message for a in alerts_now(on=date(2027, 4, 5)) if a.rule == "obligation_due"]
    assert len(spring) == 1 and "Fiare" in spring[0]
    # The board user's first digest holds today's alerts; the second run sends nothing.
    call_command("send_alerts", stdout=StringIO())
    assert [message.to for message in mail.outbox] == [["board@example.org"]]
    call_command("send_alerts", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_hachette_is_invoiced_under_the_reverse_charge_and_one_client_is_far_overdue(settings: Any) -> None:
    from services.models import Client as ServicesClient
    from services.models import Invoice, InvoiceLine
    from services.selectors import overdue_by_client

    settings.DEBUG = True
    load()

    hachette = ServicesClient.objects.get(tax_id="FR04602060147")
    assert (hachette.vat_regime, hachette.payment_terms_days) == ("intra_eu_reverse_charge", 45)
    # 0 % VAT on every line (its credit note too), and paid in full at the new gross amounts.
    assert InvoiceLine.objects.filter(invoice__client=hachette).count() > 50
    assert not InvoiceLine.objects.filter(invoice__client=hachette).exclude(vat_rate=0).exists()
    assert not Invoice.objects.filter(client=hachette).exclude(vat_amount=0).exists()
    assert not Invoice.objects.filter(client=hachette, issue_date__lt=date(2026, 6, 1)).unpaid().exists()
    # Transportes Bética never paid its invoice of 5 June 2026 (1,800.00 + 21 % = 2,178.00, due
    # 5 July): 144 days past due today, the only invoice more than 90 days past due.
    far = overdue_by_client(on=date(2026, 11, 26), more_than_days=90).clients
    assert [(row.client_name, row.amount, row.invoices, row.oldest_due_date) for row in far] == [
        ("Transportes Bética S.L.", D("2178.00"), 1, date(2026, 7, 5))
    ]
