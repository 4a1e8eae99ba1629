"""For random records and a random `as_of`, the projected months add up to the year's figures, and
seen from 31 December the projection is the yearly figures themselves."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from funding import actions as funding
from funding.selectors import categories_by_code
from services import actions as services
from services.selectors import service_lines_by_code
from smartiberica.board.figures import yearly_figures
from smartiberica.board.projection import forecast
from smartiberica.kernel.dates import add_months

YEAR = 2025
KEYS = ("own_revenue", "external_support", "total_costs", "cash_in", "cash_out")
money = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("9999.99"), places=2)
days = st.dates(min_value=date(YEAR - 1, 1, 1), max_value=date(YEAR, 12, 31))
CATEGORY_CODES = ["staff", "it", "travel"]
SOURCE_KEYS = ["smart", "junta", "fiare"]
year_days = st.dates(min_value=date(YEAR, 1, 1), max_value=date(YEAR, 12, 31))


@st.composite
def records(draw: st.DrawFn) -> dict:
    return {
        "turnover": draw(st.dictionaries(st.integers(0, 23), money, max_size=24)),
        "invoices": draw(st.lists(st.tuples(year_days, money, st.booleans()), max_size=6)),
        "expenses": draw(st.lists(st.tuples(days, st.sampled_from(CATEGORY_CODES), money), max_size=8)),
        "receipts": draw(st.lists(st.tuples(year_days, st.sampled_from(SOURCE_KEYS), money), max_size=4)),
        "tranches": draw(st.lists(st.tuples(year_days, money), max_size=4)),
        "contracts": draw(
            st.lists(st.tuples(days, st.sampled_from(["monthly", "quarterly", "fixed"]), money), max_size=4)
        ),
        "budget": draw(st.one_of(st.none(), st.lists(money, min_size=3, max_size=3))),
        "in_kind": draw(st.one_of(st.none(), money)),
        "as_of": draw(st.integers(0, 12)),
    }  # fmt: skip


class MonthsAddUpToTheYear(TestCase):
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(records())
    def test_the_months_add_up_to_the_year_and_the_year_over_is_its_figures(self, data: dict) -> None:
        with time_machine.travel("2026-01-20 10:00:00+01:00", tick=False):
            self.write(data)
            as_of = add_months(date(YEAR, 1, 1), data["as_of"]) - timedelta(days=1)
            for basis in ("accrual", "cash"):
                projected = forecast(year=YEAR, basis=basis, as_of=as_of).as_json()
                sums = {k: sum((Decimal(m[k]) for m in projected["months"]), Decimal("0.00")) for k in KEYS}
                assert {k: str(sums[k]) for k in KEYS} == {k: projected[k] for k in KEYS}
                actual = [m["actual"] for m in projected["months"]]
                assert actual == [True] * data["as_of"] + [False] * (12 - data["as_of"])
                if data["as_of"] == 12:
                    recorded = yearly_figures(year=YEAR, basis=basis).as_json()
                    assert {k: projected[k] for k in recorded} == recorded

    def write(self, data: dict) -> None:
        lines, categories = service_lines_by_code(), categories_by_code()
        services.margin_rule_create(
            name="Plano",
            valid_from=date(YEAR - 1, 1, 1),
            structure_rate=Decimal("5.50"),
            fund_rate=Decimal("2.00"),
        )
        for k, amount in data["turnover"].items():
            services.member_turnover_record(month=add_months(date(YEAR - 1, 1, 1), k), turnover=amount * 10)
        client, _ = services.client_get_or_create(name="Tierra Viva", tax_id="F41527318")
        # Invoices are numbered in date order: issued oldest first.
        for day, amount, paid in sorted(data["invoices"]):
            invoice = services.invoice_create(
                client=client,
                service_line=lines["project-support"],
                issue_date=day,
                lines=[services.LineInput("Apoyo", Decimal(1), amount, Decimal("21.00"))],
            )
            invoice = services.invoice_issue(invoice=invoice)
            if paid:
                services.payment_record(invoice=invoice, date=day, amount=invoice.gross_amount)
        for n, (day, start, amount) in enumerate(data["contracts"]):
            services.contract_create(
                client=client,
                service_line=lines["it-licensing"],
                reference=f"C-{n}",
                start_date=day,
                kind="fixed_fee" if start == "fixed" else "recurring",
                billing_period="" if start == "fixed" else start,
                unit_price=None if start == "fixed" else amount,
                fixed_amount=amount if start == "fixed" else None,
            )
        for n, (day, code, amount) in enumerate(data["expenses"]):
            funding.expense_create(
                date=day, category=categories[code], supplier="Proveedor", amount=amount, reference=f"E-{n}"
            )
        sources = {
            "smart": funding.source_create(code="smart-belgium", name="Smart Belgium", kind="parent_support"),
            "junta": funding.source_create(code="junta", name="Junta", kind="grant"),
            "fiare": funding.source_create(code="fiare", name="Fiare", kind="loan"),
        }
        for n, (day, code, amount) in enumerate(data["receipts"]):
            funding.receipt_create(source=sources[code], date=day, amount=amount, reference=f"R-{n}")
        if data["tranches"]:
            funding.agreement_create(
                source=sources["smart"],
                title="Apoyo",
                committed_amount=sum((a for _d, a in data["tranches"]), Decimal("0.00")),
                period_start=date(YEAR, 1, 1),
                period_end=date(YEAR, 12, 31),
                tranches=data["tranches"],
            )
        if data["budget"] is not None:
            budget = funding.budget_create(
                year=YEAR,
                label="Inicial",
                lines={
                    categories[c]: a for c, a in zip(("staff", "it", "premises"), data["budget"], strict=True)
                },
            )
            funding.budget_approve(budget=budget, on=date(YEAR - 1, 12, 1))
        if data["in_kind"] is not None:
            pool = funding.source_create(code="coops", name="Cooperativas", kind="shared_services")
            funding.shared_service_cost_create(
                source=pool,
                year=YEAR,
                service="Gestoría",
                total_cost=data["in_kind"],
                share_paid=Decimal("0.00"),
                standalone_cost=data["in_kind"],
            )
