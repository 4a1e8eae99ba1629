"""Two small years of records, written through the apps' actions, with known figures.

2024, accrual: services 27,000.00 (19,000 project support after a 1,000 credit note,
8,000 licensing; a cancelled invoice and a draft do not count); member margin
11,600.00; external support 5,000.00 (a grant); costs 40,000.00 + 200.00 interest;
approved budget 37,000.00. See test_figures.py for every figure.
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


def line(amount: str, text: str = "Servicio", vat: str = "21.00") -> Any:
    return services.LineInput(description=text, quantity=D(1), unit_price=D(amount), vat_rate=D(vat))


@dataclass
class Story:
    hachette: Any
    tierra: Any
    grant_source: Any


def build() -> Story:
    categories = categories_by_code()
    smart = funding.source_create(code="smart-belgium", name="Smart Belgium", kind="parent_support")
    grant = funding.source_create(code="junta", name="Junta de Andalucía", kind="grant")
    coops = funding.source_create(code="coops", name="Cooperativas andaluzas", kind="shared_services")
    fiare = funding.source_create(code="fiare", name="Fiare Banca Etica", kind="loan")

    funding.receipt_create(source=smart, date=date(2023, 3, 1), amount=D("10000.00"), reference="SB-1")
    funding.receipt_create(source=grant, date=date(2024, 6, 1), amount=D("5000.00"), reference="JA-1")
    funding.shared_service_cost_create(
        source=coops,
        year=2023,
        service="Gestoría",
        total_cost=D("1000.00"),
        share_paid=D("250.00"),
        standalone_cost=D("800.00"),
    )
    funding.receipt_create(source=fiare, date=date(2023, 1, 10), amount=D("20000.00"), reference="F-1")
    loan = funding.loan_create(
        source=fiare,
        reference="FIARE",
        principal=D("20000.00"),
        annual_rate=D("3.00"),
        term_instalments=24,
        start_date=date(2023, 1, 10),
    )
    funding.loan_record_repayment(
        loan=loan, date=date(2023, 12, 10), interest=D("300.00"), principal=D("2000.00")
    )
    funding.loan_record_repayment(
        loan=loan, date=date(2024, 12, 10), interest=D("200.00"), principal=D("3000.00")
    )

    for day, code, amount in (
        (date(2023, 6, 30), "staff", "30000.00"),
        (date(2023, 6, 30), "premises", "6000.00"),
        (date(2023, 3, 31), "shared-services", "250.00"),
        (date(2024, 6, 30), "staff", "32000.00"),
        (date(2024, 2, 1), "it", "2000.00"),
        (date(2024, 6, 30), "premises", "6000.00"),
    ):
        funding.expense_create(
            date=day,
            category=categories[code],
            supplier="Proveedor",
            amount=D(amount),
            reference=f"{code}-{day:%Y%m%d}",
        )
    approved = funding.budget_create(
        year=2024,
        label="Inicial",
        lines={
            categories["staff"]: D("30000.00"),
            categories["premises"]: D("6000.00"),
            categories["it"]: D("1000.00"),
        },
    )
    funding.budget_approve(budget=approved, on=date(2023, 12, 15))
    funding.budget_create(year=2024, label="Borrador", lines={categories["staff"]: D("50000.00")})

    lines = service_lines_by_code()
    hachette, _ = services.client_get_or_create(
        name="Hachette Livre", tax_id="FR04602060147", is_foreign=True
    )
    tierra, _ = services.client_get_or_create(name="Cooperativa Tierra Viva", tax_id="F41527318")

    def issued(client: Any, service: str, day: date, amount: str) -> Any:
        invoice = services.invoice_create(
            client=client, service_line=lines[service], issue_date=day, lines=[line(amount)]
        )
        return services.invoice_issue(invoice=invoice)

    issued(hachette, "project-support", date(2023, 5, 10), "10000.00")
    late = issued(tierra, "it-licensing", date(2023, 12, 20), "2000.00")
    services.payment_record(invoice=late, date=date(2024, 1, 15), amount=D("2420.00"))
    services.invoice_create(
        client=tierra,
        service_line=lines["it-licensing"],
        issue_date=date(2023, 11, 1),
        lines=[line("999.00")],
    )  # a draft: never counted
    big = issued(hachette, "project-support", date(2024, 2, 1), "20000.00")
    services.payment_record(invoice=big, date=date(2024, 3, 1), amount=D("12100.00"))
    credit = services.credit_note_create(
        invoice=big,
        issue_date=date(2024, 3, 10),
        lines=[services.LineInput("Descuento", D(-1), D("1000.00"), D("21.00"))],
    )
    services.invoice_issue(invoice=credit)
    wrong = issued(tierra, "it-licensing", date(2024, 4, 1), "5000.00")
    services.invoice_cancel(invoice=wrong)
    issued(tierra, "it-licensing", date(2024, 6, 1), "8000.00")

    services.margin_rule_create(
        name="Histórico", valid_from=date(2023, 1, 1), structure_rate=D("5.50"), fund_rate=D("2.00")
    )
    services.member_turnover_record(month=date(2023, 1, 1), turnover=D("100000.00"), active_members=100)
    services.member_turnover_record(
        month=date(2024, 1, 1), turnover=D("120000.00"), structure_rate=D("6.00"), fund_rate=D("2.00")
    )
    services.member_turnover_record(month=date(2024, 2, 1), turnover=D("80000.00"))
    return Story(hachette=hachette, tierra=tierra, grant_source=grant)
