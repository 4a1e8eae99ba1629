"""A small cooperative seen on 30 June 2025, written through the actions, with known projections.

- Members' turnover: 8,000.00 a month in 2023, 10,000.00 in 2024, 11,000.00 from January to June
  2025, under a flat 5.50 + 2.00 rule. Trailing growth at 30 June 2025: (6 × 10,000 + 6 × 11,000) /
  (6 × 8,000 + 6 × 10,000) − 1 = 126,000 / 108,000 − 1 = 0.1667.
- Contracts: Teams licences for Hachette, 10 seats × 15.00 a quarter from January (periods start
  in January, April, July, October); crowdfunding advice for Tierra Viva, a 2,000.00 fixed fee
  starting 15 September. One invoice issued: 1,000.00 to Hachette on 10 March.
- Smart Belgium: 9,000.00 committed, tranches of 3,000.00 on 1 March (received 5 March),
  1 September and 1 December. The Junta: a 1,000.00 tranche on 1 October.
- Fiare: 12,000.00 drawn on 10 January, 3 % over 12 monthly instalments, the instalments due by
  30 June paid.
- Expenses: 2024 staff 1,000.00 every month and IT 600.00 in March; 2025 staff 1,100.00 a month
  to June. Approved budget 2025: staff 13,200.00, IT 1,200.00, premises 600.00.
- Shared services 2025: 1,200.00 of in-kind support from the cooperatives' pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from funding import actions as funding
from funding.selectors import categories_by_code
from services import actions as services
from services.selectors import service_lines_by_code

D = Decimal
AS_OF = date(2025, 6, 30)
TODAY = "2025-07-15 10:00:00+02:00"


@dataclass
class Plan:
    hachette: Any
    tierra: Any
    smart: Any
    loan: Any


def months(year: int, first: int = 1, last: int = 12) -> list[date]:
    return [date(year, m, 1) for m in range(first, last + 1)]


def build() -> Plan:
    categories = categories_by_code()
    lines = service_lines_by_code()
    services.margin_rule_create(
        name="Histórico", valid_from=date(2023, 1, 1), structure_rate=D("5.50"), fund_rate=D("2.00")
    )
    for month in months(2023):
        services.member_turnover_record(month=month, turnover=D("8000.00"))
    for month in months(2024):
        services.member_turnover_record(month=month, turnover=D("10000.00"))
    for month in months(2025, 1, 6):
        services.member_turnover_record(month=month, turnover=D("11000.00"))

    hachette, _ = services.client_get_or_create(
        name="Hachette Livre", tax_id="FR04602060147", is_foreign=True
    )
    tierra, _ = services.client_get_or_create(name="Cooperativa Tierra Viva", tax_id="F41527318")
    services.contract_create(
        client=hachette,
        service_line=lines["it-licensing"],
        reference="LIC-1",
        start_date=date(2025, 1, 1),
        kind="recurring",
        billing_period="quarterly",
        quantity=D("10"),
        unit_price=D("15.00"),
    )
    services.contract_create(
        client=tierra,
        service_line=lines["crowdfunding"],
        reference="CROWD-1",
        start_date=date(2025, 9, 15),
        kind="fixed_fee",
        fixed_amount=D("2000.00"),
    )
    invoice = services.invoice_create(
        client=hachette,
        service_line=lines["project-support"],
        issue_date=date(2025, 3, 10),
        lines=[services.LineInput("Apoyo", D(1), D("1000.00"), D("21.00"))],
    )
    services.invoice_issue(invoice=invoice)

    smart = funding.source_create(code="smart-belgium", name="Smart Belgium", kind="parent_support")
    junta = funding.source_create(code="junta", name="Junta de Andalucía", kind="grant")
    coops = funding.source_create(code="coops", name="Cooperativas andaluzas", kind="shared_services")
    fiare = funding.source_create(code="fiare", name="Fiare Banca Etica", kind="loan")
    support = funding.agreement_create(
        source=smart,
        title="Apoyo 2025",
        committed_amount=D("9000.00"),
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        tranches=[
            (date(2025, 3, 1), D("3000.00")),
            (date(2025, 9, 1), D("3000.00")),
            (date(2025, 12, 1), D("3000.00")),
        ],
    )
    funding.receipt_create(
        source=smart, date=date(2025, 3, 5), amount=D("3000.00"), reference="SB-1", agreement=support
    )
    funding.agreement_create(
        source=junta,
        title="Subvención",
        committed_amount=D("1000.00"),
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        tranches=[(date(2025, 10, 1), D("1000.00"))],
    )
    funding.receipt_create(source=fiare, date=date(2025, 1, 10), amount=D("12000.00"), reference="F-1")
    loan = funding.loan_create(
        source=fiare,
        reference="FIARE",
        principal=D("12000.00"),
        annual_rate=D("3.00"),
        term_instalments=12,
        start_date=date(2025, 1, 10),
    )
    funding.loan_pay_due_instalments(loan=loan, on=AS_OF)
    funding.shared_service_cost_create(
        source=coops,
        year=2025,
        service="Gestoría",
        total_cost=D("1200.00"),
        share_paid=D("0.00"),
        standalone_cost=D("1200.00"),
    )

    for month in months(2024):
        funding.expense_create(
            date=month,
            category=categories["staff"],
            supplier="Nóminas",
            amount=D("1000.00"),
            reference=f"staff-{month:%Y%m}",
        )
    funding.expense_create(
        date=date(2024, 3, 1),
        category=categories["it"],
        supplier="Servidor",
        amount=D("600.00"),
        reference="it-2024",
    )
    for month in months(2025, 1, 6):
        funding.expense_create(
            date=month,
            category=categories["staff"],
            supplier="Nóminas",
            amount=D("1100.00"),
            reference=f"staff-{month:%Y%m}",
        )
    budget = funding.budget_create(
        year=2025,
        label="Inicial",
        lines={
            categories["staff"]: D("13200.00"),
            categories["it"]: D("1200.00"),
            categories["premises"]: D("600.00"),
        },
    )
    funding.budget_approve(budget=budget, on=date(2024, 12, 15))
    return Plan(hachette=hachette, tierra=tierra, smart=smart, loan=loan)
