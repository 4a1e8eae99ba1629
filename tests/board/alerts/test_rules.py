"""Each alert rule fires at its threshold and not on the safe side of it (docs/alerts.md).

Year-level rules are judged on 2024, a year that is over on 15 June 2025; the rules of the day on
2025. Every expected value is computed by hand in the test's comment.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from funding import actions as funding
from funding.choices import ObligationStatus
from funding.selectors import categories_by_code
from smartiberica.board import alert_rules
from smartiberica.board import alert_validation as av
from smartiberica.board.alerts import alerts_for_year, alerts_now
from smartiberica.board.cash_outlook import Runway
from smartiberica.board.projection import forecast
from tests.board.alerts.world import TODAY, configure, granted, invoiced, only, spent
from tests.board.cash.bank import open_fiare
from tests.board.projection.plan import Plan
from tests.funding.factories import make_obligation, make_source
from tests.services.factories import line, make_client, make_invoice, make_payment

D = Decimal


def fired(rule: str, *, year: int = 2024, on: date = TODAY) -> list[Any]:
    return [alert for alert in alerts_for_year(year=year, basis="accrual", on=on) if alert.rule == rule]


# --- Top funder's share: more is worse, fires at the threshold -----------------------------------


def test_the_top_funder_share_fires_at_thirty_percent(june: None) -> None:
    only(av.TOP_FUNDER_SHARE)
    granted("3000.00", name="Junta de Andalucía")
    invoiced(["7000.00"])
    # 3,000.00 of 3,000.00 + 7,000.00 of resources: 30.00 %.
    (alert,) = fired(av.TOP_FUNDER_SHARE)
    assert (alert.key, alert.value, alert.threshold) == ("top_funder_share:2024", D("30.00"), D("30.00"))
    with translation.override("en"):
        assert alert.message == "2024: Junta de Andalucía brings 30.0% of the resources (alert from 30%)."
        assert [link.text for link in alert.links] == ["What Junta de Andalucía brought", "Resources"]
    assert alert.links[1].url == "/years/2024/#resources-title"
    assert "source__code__exact=" in alert.links[0].url and "date_year=2024" in alert.links[0].url


def test_the_top_funder_share_does_not_fire_just_below(june: None) -> None:
    only(av.TOP_FUNDER_SHARE)
    granted("2999.00")
    invoiced(["7001.00"])
    # 2,999.00 / 10,000.00 = 29.99 %.
    assert fired(av.TOP_FUNDER_SHARE) == []


# --- Self-financing: less is worse, fires below the threshold ------------------------------------


def test_self_financing_fires_just_below_one_hundred_percent(june: None) -> None:
    only(av.SELF_FINANCING)
    invoiced(["10000.00"])
    spent("10001.00")
    # 10,000.00 / 10,001.00 = 0.99990 → 99.99 %.
    (alert,) = fired(av.SELF_FINANCING)
    assert (alert.value, alert.details["projected"]) == (D("99.99"), False)
    with translation.override("en"):
        # Shown rounded down, so that it never reads as the threshold itself.
        assert alert.message == "2024: self-financing was 99.9%, below 100%."


def test_self_financing_does_not_fire_at_one_hundred_percent(june: None) -> None:
    only(av.SELF_FINANCING)
    invoiced(["10000.00"])
    spent("10000.00")
    assert fired(av.SELF_FINANCING) == []


def test_self_financing_of_the_year_in_progress_is_the_projected_one(plan: Plan) -> None:
    only(av.SELF_FINANCING)
    on = date(2025, 7, 15)  # the plan's day
    projected = forecast(year=2025, on=on).figures.ratios.self_financing
    assert projected is not None
    value = (projected * 100).quantize(D("0.01"))  # 10,780.14 / 14,893.34 (tests/board/projection): 72.38 %
    configure(av.SELF_FINANCING, threshold=str(value))
    assert fired(av.SELF_FINANCING, year=2025, on=on) == []
    configure(av.SELF_FINANCING, threshold=str(value + D("0.01")))
    (alert,) = fired(av.SELF_FINANCING, year=2025, on=on)
    assert (alert.value, alert.details["projected"]) == (value, True)
    with translation.override("en"):
        assert alert.message == "2025: self-financing projected at year end is 72.3%, below 72.39%."
        assert alert.links[0].text == "Year-end projection"


# --- Client concentration: more is worse ----------------------------------------------------------


def test_client_concentration_fires_at_forty_percent(june: None) -> None:
    only(av.CLIENT_CONCENTRATION)
    clients = invoiced(["4000.00", "3000.00", "3000.00"], names=["Hachette Livre", "Tierra", "Nanoma"])
    # 4,000.00 / 10,000.00 = 40.00 %.
    (alert,) = fired(av.CLIENT_CONCENTRATION)
    assert (alert.value, alert.details["client"]) == (D("40.00"), "Hachette Livre")
    assert f"client__id__exact={clients[0].pk}" in alert.links[0].url
    with translation.override("en"):
        assert alert.message == "2024: Hachette Livre brings 40.0% of services revenue (alert from 40%)."


def test_client_concentration_does_not_fire_just_below(june: None) -> None:
    only(av.CLIENT_CONCENTRATION)
    invoiced(["3999.00", "3001.00", "3000.00"])
    assert fired(av.CLIENT_CONCENTRATION) == []


# --- Costs ahead of the pro-rata budget: points, more is worse -----------------------------------


def budget_of(total: str, *, year: int = 2025) -> None:
    categories = categories_by_code()
    budget = funding.budget_create(year=year, label="Inicial", lines={categories["staff"]: D(total)})
    funding.budget_approve(budget=budget, on=date(year - 1, 12, 15))


def test_costs_five_points_ahead_of_the_pro_rata_budget_fire(june: None) -> None:
    only(av.BUDGET_TO_DATE)
    budget_of("36500.00")
    spent("10500.00", on=date(2025, 3, 1))
    # 10 April 2025 is day 100 of 365: budget to date 36,500.00 × 100 / 365 = 10,000.00;
    # 10,500.00 / 10,000.00 = 1.0500, 5.00 points above.
    (alert,) = fired(av.BUDGET_TO_DATE, year=2025, on=date(2025, 4, 10))
    assert (alert.key, alert.value) == ("budget_to_date:2025", D("5.00"))
    with translation.override("en"):
        assert alert.message == "Costs to date run 5 points above the pro-rata budget (alert from 5)."


def test_costs_just_under_five_points_ahead_do_not_fire(june: None) -> None:
    only(av.BUDGET_TO_DATE)
    budget_of("36500.00")
    spent("10499.00", on=date(2025, 3, 1))
    # 10,499.00 / 10,000.00 = 1.0499: 4.99 points.
    assert fired(av.BUDGET_TO_DATE, year=2025, on=date(2025, 4, 10)) == []


def test_a_year_that_is_over_is_held_to_the_year_level_rules_only(june: None) -> None:
    budget_of("36500.00", year=2024)
    spent("36500.00", on=date(2024, 3, 1))
    spent("10000.00", on=date(2024, 3, 2))
    make_obligation(source=make_source(), due_date=date(2025, 6, 20))
    rules = {alert.rule for alert in alerts_for_year(year=2024, basis="accrual", on=TODAY)}
    assert rules == {av.SELF_FINANCING}  # no revenue at all: 0 % self-financing


# --- Obligations: due within the threshold's days, or overdue ------------------------------------


def test_an_obligation_due_within_thirty_days_or_overdue_fires(june: None) -> None:
    only(av.OBLIGATION_DUE)
    fiare = make_source(code="fiare", name="Fiare Banca Etica")
    due = make_obligation(source=fiare, description="Informe anual", due_date=date(2025, 7, 15))  # 30 days
    make_obligation(source=fiare, description="Más tarde", due_date=date(2025, 7, 16))  # 31 days
    late = make_obligation(source=fiare, description="Auditoría", due_date=date(2025, 6, 14))
    make_obligation(
        source=fiare, description="Entregado", due_date=date(2025, 6, 1), status=ObligationStatus.SUBMITTED
    )
    alerts = alerts_now(on=TODAY)
    assert [a.key for a in alerts] == [f"obligation:{late.pk}", f"obligation:{due.pk}"]
    with translation.override("en"):
        assert alerts[0].message == "Overdue since June 14, 2025: Auditoría (Fiare Banca Etica)."
        assert alerts[1].message == "Due on July 15, 2025: Informe anual (Fiare Banca Etica)."
    assert alerts[1].links[0].url == f"/admin/funding/obligation/{due.pk}/change/"


# --- Invoices overdue by more than the threshold's days, by client -------------------------------


def test_invoices_overdue_by_sixty_one_days_fire_and_by_sixty_do_not(june: None) -> None:
    only(av.OVERDUE_INVOICES)
    client = make_client(name="Moroso S.L.")
    # Issued on 1 January 2025, due 30 days later: 31 January. 60 days past due on 1 April.
    make_invoice(client=client, issue_date=date(2025, 1, 1), lines=[line("1000.00")])
    assert alerts_now(on=date(2025, 4, 1)) == []
    (alert,) = alerts_now(on=date(2025, 4, 2))
    assert (alert.key, alert.value) == (f"overdue:client-{client.pk}", D("1210.00"))
    with translation.override("en"):
        assert alert.message == (
            "Moroso S.L. owes €1,210.00 on 1 invoice overdue by more than 60 days "
            "(the oldest due on Jan. 31, 2025)."
        )
    assert alert.links[0].url == (f"/admin/services/invoice/?client__id__exact={client.pk}&payment=overdue")


def test_a_partial_payment_changes_the_overdue_amount(june: None) -> None:
    only(av.OVERDUE_INVOICES)
    invoice = make_invoice(client=make_client(), issue_date=date(2025, 1, 1), lines=[line("1000.00")])
    before = alerts_now(on=date(2025, 4, 2))[0]
    make_payment(invoice=invoice, date=date(2025, 4, 1), amount=D("210.00"))
    after = alerts_now(on=date(2025, 4, 2))[0]
    assert (before.key, after.value) == (after.key, D("1000.00"))
    assert before.fingerprint != after.fingerprint


def test_beyond_the_ten_largest_debtors_the_clients_far_overdue_share_one_alert(june: None) -> None:
    only(av.OVERDUE_INVOICES)
    # Twelve clients, each with one invoice due 31 January: 100.00 + 21 % more for each next one.
    for n in range(12):
        make_invoice(client=make_client(), issue_date=date(2025, 1, 1), lines=[line(f"{100 * (n + 1)}.00")])
    alerts = alerts_now(on=date(2025, 4, 2))
    assert [a.key for a in alerts[:10]] == [a.key for a in alerts if a.key.startswith("overdue:client-")]
    assert [a.value for a in alerts[:10]] == [D(121 * n) for n in range(12, 2, -1)]
    others = alerts[10]
    assert (len(alerts), others.key, others.value) == (11, "overdue:others", D("363.00"))  # 121 + 242
    with translation.override("en"):
        assert others.message == (
            "2 other clients owe €363.00 on 2 invoices overdue by more than 60 days "
            "(the oldest due on Jan. 31, 2025)."
        )
    assert others.links[0].url == "/receivables/"


# --- Runway: less is worse, in months --------------------------------------------------------------


@pytest.mark.parametrize(("months", "fires"), [(5, True), (6, False), (0, True), (None, False)])
def test_a_runway_shorter_than_six_months_fires(months: int | None, fires: bool, db: None) -> None:
    found = Runway(months=months, below_zero_by=None if months is None else date(2025, 12, 31))
    alert = alert_rules.runway(year=2025, found=found, threshold=D(6))
    assert (alert is not None) is fires


def test_the_runway_of_the_cash_in_the_bank_fires_below_its_threshold(plan: Plan) -> None:
    only(av.RUNWAY)
    # The plan's bank (tests/board/cash/bank.py) opened with 500.00: 2,000.00 on 30 June, then
    # −1,141.29 in July and −1,291.29 in August: below zero at the end of August, 2 months.
    open_fiare(balance="500.00")
    on = date(2025, 7, 15)
    configure(av.RUNWAY, threshold="3")
    (alert,) = alerts_now(on=on)
    assert (alert.key, alert.value) == ("runway", D(2))
    with translation.override("en"):
        assert alert.message == "The cash lasts 2 months: below zero at the end of August 2025."
    assert [link.url for link in alert.links] == ["/years/2025/#cash-title", "/bank/"]
    configure(av.RUNWAY, threshold="2")
    assert alerts_now(on=on) == []


def test_without_a_bank_account_the_runway_never_fires(plan: Plan) -> None:
    only(av.RUNWAY)
    configure(av.RUNWAY, threshold="24")
    assert alerts_now(on=date(2025, 7, 15)) == []


def test_a_rule_that_is_off_never_fires(june: None) -> None:
    only()
    granted("9000.00")
    invoiced(["1000.00"])
    spent("50000.00")
    assert alerts_for_year(year=2024, basis="accrual", on=TODAY) == []
