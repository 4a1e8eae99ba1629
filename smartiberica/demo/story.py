"""The demo story: Smart Ibérica from 2017 to today, with invented but plausible figures.

Everything is written through the apps' actions, the same code paths staff use,
so the demo can never hold what the app would refuse. The data is deterministic:
no randomness, only the calendar up to `today`.

The story, in figures:
- 2017–2018: accounting office, premises and software shared with other Andalusian
  cooperatives (a small share paid, a large avoided cost counted as in-kind support);
  Smart Belgium sends quarterly support.
- 2019: mutualisation ends: the cooperative pays those services alone. Donated services count
  as a cost and as support (figures v2), so the year shows lost in-kind support and higher
  expenses, not a jump of total costs.
- 2020: Smart Belgium's support shrinks; the Fiare loan carries the year; a pandemic
  dip in members' turnover; the cost budget is revised down; the variable-margin
  pilot starts (banded rates).
- 2021 onwards: new services grow (project support for Hachette, Teams licences and
  server rental, PRL training platforms, accounting services, crowdfunding advice
  with Nanoma), Smart Belgium's support ends, and self-financing passes 100 %.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from funding import actions as funding_actions
from funding import selectors as funding_selectors
from services import actions as services_actions
from services import selectors as services_selectors

D = Decimal
FIRST_YEAR = 2017
VAT = D("21.00")
# A deterministic wobble (percent) so that months differ without randomness.
WOBBLE = (0, 3, -2, 5, -4, 1, 4, -3, 2, -1, 6, -5)


def wobble(amount: Decimal, index: int) -> Decimal:
    return (amount * (100 + WOBBLE[index % len(WOBBLE)]) / 100).quantize(D("0.01"))


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    return date(day.year + month0 // 12, month0 % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    """First days of the months from `start`'s to `end`'s, both included."""
    first, months = start.replace(day=1), []
    while first <= end:
        months.append(first)
        first = add_months(first, 1)
    return months


@dataclass
class Summary:
    invoices: int = 0
    payments: int = 0
    expenses: int = 0
    receipts: int = 0
    months: int = 0
    notes: list[str] = field(default_factory=list)


# --- Clients (tax ids are valid: python-stdnum checks them) ---------------------------------------

CLIENTS = {
    "hachette": ("Hachette Livre", "FR04602060147", True),
    "tierra-viva": ("Cooperativa Tierra Viva", "F41527318", False),
    "alcala": ("Fundación Alcalá Social", "G41287657", False),
    "fabrica": ("Asociación Cultural La Fábrica", "G90345612", False),
    "nodo": ("Nodo Coop S.Coop.And.", "F21938477", False),
    "triana": ("Escuela Libre Triana", "B41773656", False),
    "guadalquivir": ("Construcciones Guadalquivir S.C.A.", "F90123456", False),
    "betica": ("Transportes Bética S.L.", "B91834267", False),
    "san-isidro": ("Cooperativa Agrícola San Isidro", "B14672398", False),
    "mujeres": ("Asociación Mujeres Emprendedoras de Sevilla", "G41287657", False),
    "aljarafe": ("Ateneo del Aljarafe", "A28947117", False),
}
# Two clients may not share a tax id: the association gets its own.
CLIENTS["mujeres"] = ("Asociación Mujeres Emprendedoras de Sevilla", "Q41180019", False)


@dataclass(frozen=True)
class InvoiceSpec:
    issue_date: date
    client: str
    service: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    contract: str | None = None
    terms_days: int = 30
    correction: str = ""  # "full" (credited in full, never paid) or "discount" (10 % credited)


def _services_specs(today: date) -> list[InvoiceSpec]:
    specs: list[InvoiceSpec] = []

    def monthly(
        start: date,
        client: str,
        service: str,
        text: str,
        price: Decimal,
        *,
        every: int = 1,
        contract: str | None = None,
        quantity: Callable[[date, int], Decimal] = lambda month, index: D(1),
        terms_days: int = 30,
    ) -> None:
        for index, month in enumerate(months_between(start, today)):
            if index % every:
                continue
            issue = month.replace(day=28) if every == 1 else month.replace(day=5)
            if issue <= today:
                label = f"{text} {month:%m/%Y}"
                qty = quantity(month, index)
                specs.append(InvoiceSpec(issue, client, service, label, qty, price, contract, terms_days))

    # Project support for the Hachette group: hours × 55 € a month, paid at 45 days.
    hours = {2021: 40, 2022: 45, 2023: 68, 2024: 75, 2025: 80}
    monthly(
        date(2021, 6, 1),
        "hachette",
        "project-support",
        "Apoyo a la gestión de proyectos (horas)",
        D("55.00"),
        contract="HACH-2021",
        quantity=lambda month, index: D(hours.get(month.year, 76) + WOBBLE[index % len(WOBBLE)]),
        terms_days=45,
    )
    # MS Teams licences and a server, billed quarterly in advance.
    for client, start, seats, price in (
        ("tierra-viva", date(2021, 3, 1), 40, D("36.00")),
        ("alcala", date(2022, 1, 1), 25, D("36.00")),
        ("nodo", date(2023, 4, 1), 60, D("34.50")),
        ("aljarafe", date(2024, 1, 1), 30, D("36.00")),
    ):
        monthly(
            start,
            client,
            "it-licensing",
            "Licencias MS Teams (trimestre)",
            price,
            every=3,
            contract=f"LIC-{client}",
            quantity=lambda month, index, n=seats: D(n),
        )
    monthly(
        date(2021, 9, 1),
        "fabrica",
        "it-licensing",
        "Alquiler de servidor (trimestre)",
        D("750.00"),
        every=3,
        contract="SRV-fabrica",
    )
    # Accounting, tax and payroll management: quarterly fees.
    for client, start, fee in (
        ("mujeres", date(2021, 4, 1), D("1140.00")),
        ("alcala", date(2022, 1, 1), D("1350.00")),
        ("nodo", date(2022, 7, 1), D("1560.00")),
        ("tierra-viva", date(2023, 5, 1), D("1200.00")),
        ("triana", date(2024, 1, 1), D("1050.00")),
        ("betica", date(2025, 3, 1), D("1800.00")),
    ):
        monthly(
            start,
            client,
            "admin-services",
            "Gestión contable, fiscal y laboral (trimestre)",
            fee,
            every=3,
            contract=f"ADM-{client}",
        )
    # Occupational-risk-prevention training platforms: set-up, then yearly upkeep.
    for client, start in (
        ("guadalquivir", date(2021, 10, 12)),
        ("betica", date(2022, 3, 8)),
        ("san-isidro", date(2022, 9, 20)),
        ("nodo", date(2023, 2, 14)),
        ("aljarafe", date(2023, 6, 6)),
        ("tierra-viva", date(2024, 4, 9)),
        ("triana", date(2024, 10, 1)),
        ("alcala", date(2025, 5, 13)),
        ("fabrica", date(2025, 11, 4)),
        ("mujeres", date(2026, 3, 17)),
    ):
        if start <= today:
            specs.append(
                InvoiceSpec(
                    start,
                    client,
                    "prl-training",
                    "Plataforma de formación PRL: puesta en marcha",
                    D(1),
                    D("6000.00"),
                )
            )
        upkeep = start.replace(year=start.year + 1)
        while upkeep <= today:
            specs.append(
                InvoiceSpec(
                    upkeep,
                    client,
                    "prl-training",
                    f"Plataforma PRL: mantenimiento {upkeep.year}",
                    D(1),
                    D("1200.00"),
                )
            )
            upkeep = upkeep.replace(year=upkeep.year + 1)
    # Crowdfunding advice with Nanoma: a fixed fee per campaign.
    campaigns = {
        2021: (5, 11),
        2022: (3, 6, 10),
        2023: (2, 5, 9, 11),
        2024: (2, 4, 7, 10),
        2025: (1, 3, 6, 9, 11),
        2026: (2, 5, 8, 10),
    }
    clients = ("fabrica", "triana", "aljarafe", "mujeres", "san-isidro")
    n = 0
    for year, months in campaigns.items():
        for month in months:
            day = date(year, month, 15)
            if day <= today:
                specs.append(
                    InvoiceSpec(
                        day,
                        clients[n % len(clients)],
                        "crowdfunding",
                        "Asesoría de campaña de micromecenazgo",
                        D(1),
                        D("2400.00"),
                        f"CROWD-{year}-{month:02d}",
                    )
                )
                n += 1
    specs.sort(key=lambda s: (s.issue_date, s.client, s.service))
    # A PRL platform cancelled by its client in 2022: its set-up invoice is credited in full.
    # A 10 % discount granted to Hachette on an invoice of 2024.
    for correction, service, year in (("full", "prl-training", 2022), ("discount", "project-support", 2024)):
        index = next(
            (i for i, s in enumerate(specs) if s.service == service and s.issue_date.year == year), None
        )
        if index is not None:
            specs[index] = replace(specs[index], correction=correction)
    return specs


def _payment_plan(index: int, issue: date, gross: Decimal) -> list[tuple[date, Decimal]]:
    """When an invoice was paid: mostly on time, some late, some in two parts."""
    if index % 13 == 7:
        half = (gross / 2).quantize(D("0.01"))
        return [(issue + timedelta(days=30), half), (issue + timedelta(days=95), gross - half)]
    if index % 9 == 4:
        return [(issue + timedelta(days=80), gross)]
    return [(issue + timedelta(days=32), gross)]


def load_services(today: date, summary: Summary) -> None:
    lines = services_selectors.service_lines_by_code()
    clients = {
        key: services_actions.client_get_or_create(name=name, tax_id=tax_id, is_foreign=foreign)[0]
        for key, (name, tax_id, foreign) in CLIENTS.items()
    }
    nanoma, _ = services_actions.partner_get_or_create(name="Nanoma", notes="Crowdfunding partner")

    # Margin rules: the historical 7.5 % (5.5 + 2), then the variable-margin pilot.
    services_actions.margin_rule_create(
        name="Margen histórico 7,5 %",
        valid_from=date(FIRST_YEAR, 1, 1),
        valid_to=date(2019, 12, 31),
        structure_rate=D("5.50"),
        fund_rate=D("2.00"),
    )
    services_actions.margin_rule_create(
        name="Piloto de margen variable",
        valid_from=date(2020, 1, 1),
        bands=[
            (D("0.00"), D("6.50"), D("2.00")),
            (D("90000.00"), D("5.75"), D("2.00")),
            (D("120000.00"), D("5.00"), D("2.00")),
        ],
    )
    last_month = add_months(today.replace(day=1), -1)
    for index, month in enumerate(months_between(date(FIRST_YEAR, 1, 1), last_month)):
        base = D(82000) * (D("1.04") ** (month.year - FIRST_YEAR))
        if date(2020, 3, 1) <= month <= date(2020, 6, 1):
            base = base * D("0.55")  # lockdown
        services_actions.member_turnover_record(
            month=month,
            turnover=wobble(base, index),
            active_members=118 + 2 * (month.year - FIRST_YEAR) * 6 + month.month,
        )
        summary.months += 1

    contracts: dict[str, Any] = {}
    contract_kinds = {
        "HACH": ("time_and_materials", ""),
        "LIC": ("recurring", "quarterly"),
        "SRV": ("recurring", "quarterly"),
        "ADM": ("recurring", "quarterly"),
        "CROWD": ("fixed_fee", ""),
    }
    specs = _services_specs(today)
    for spec in specs:
        if spec.contract and spec.contract not in contracts:
            kind, period = contract_kinds[spec.contract.split("-")[0]]
            crowd = kind == "fixed_fee"
            contracts[spec.contract] = services_actions.contract_create(
                client=clients[spec.client],
                service_line=lines[spec.service],
                reference=spec.contract,
                start_date=spec.issue_date.replace(day=1),
                end_date=spec.issue_date.replace(day=28) if crowd else None,
                kind=kind,
                billing_period=period,
                quantity=spec.quantity if kind == "recurring" else D(1),
                unit_price=spec.unit_price if kind == "recurring" else None,
                fixed_amount=spec.unit_price if crowd else None,
                estimated_amount=D("30000.00") if kind == "time_and_materials" else None,
                partner=nanoma if crowd else None,
                partner_share=D("30.00") if crowd else None,
                status="ended" if crowd and spec.issue_date < today else "active",
            )

    for index, spec in enumerate(specs):
        line = services_actions.LineInput(spec.description, spec.quantity, spec.unit_price, VAT)
        invoice = services_actions.invoice_create(
            client=clients[spec.client],
            service_line=lines[spec.service],
            issue_date=spec.issue_date,
            due_date=spec.issue_date + timedelta(days=spec.terms_days),
            contract=contracts.get(spec.contract) if spec.contract else None,
            lines=[line],
        )
        # The last two weeks' invoices are still drafts, waiting to be checked.
        if (today - spec.issue_date).days < 14:
            continue
        invoice = services_actions.invoice_issue(invoice=invoice)
        summary.invoices += 1
        due = invoice.gross_amount
        if spec.correction:
            credit_lines = None
            if spec.correction == "discount":
                discount = (invoice.net_amount / 10).quantize(D("0.01"))
                credit_lines = [services_actions.LineInput("Descuento comercial 10 %", D(-1), discount, VAT)]
            credit = services_actions.credit_note_create(
                invoice=invoice, issue_date=spec.issue_date + timedelta(days=10), lines=credit_lines
            )
            credit = services_actions.invoice_issue(invoice=credit)
            summary.invoices += 1
            due += credit.gross_amount  # negative
        if due <= 0:
            continue
        for day, amount in _payment_plan(index, spec.issue_date, due):
            if day <= today:
                services_actions.payment_record(invoice=invoice, date=day, amount=amount)
                summary.payments += 1

    targets = {
        2021: {
            "project-support": 10000,
            "it-licensing": 8000,
            "prl-training": 6000,
            "admin-services": 3000,
            "crowdfunding": 4000,
        },
        2022: {
            "project-support": 28000,
            "it-licensing": 14000,
            "prl-training": 14000,
            "admin-services": 12000,
            "crowdfunding": 7000,
        },
        2023: {
            "project-support": 40000,
            "it-licensing": 22000,
            "prl-training": 18000,
            "admin-services": 20000,
            "crowdfunding": 9000,
        },
        2024: {
            "project-support": 50000,
            "it-licensing": 28000,
            "prl-training": 20000,
            "admin-services": 26000,
            "crowdfunding": 10000,
        },
        2025: {
            "project-support": 52000,
            "it-licensing": 30000,
            "prl-training": 20000,
            "admin-services": 30000,
            "crowdfunding": 12000,
        },
        2026: {
            "project-support": 52000,
            "it-licensing": 32000,
            "prl-training": 18000,
            "admin-services": 36000,
            "crowdfunding": 10000,
        },
    }
    for year, by_service in targets.items():
        if year <= today.year:
            for code, amount in by_service.items():
                services_actions.revenue_target_set(service_line=lines[code], year=year, amount=D(amount))


# --- Funding, costs, budgets, the loan ----------------------------------------------------------------

SMART_BELGIUM = {2017: (16000, 4), 2018: (14000, 4), 2019: (12000, 4), 2020: (9000, 2), 2021: (6000, 1)}
SHARED = (
    # service, total cost, share paid, standalone cost, expense category once alone
    ("Gestoría y contabilidad", D("36000.00"), D("9000.00"), D("22000.00"), "professional-services"),
    ("Local compartido", D("30000.00"), D("7200.00"), D("16800.00"), "premises"),
    ("Software de gestión", D("9600.00"), D("2400.00"), D("6000.00"), "it"),
)
STAFF = {
    2017: 66000,
    2018: 68400,
    2019: 72000,
    2020: 62400,
    2021: 69600,
    2022: 78000,
    2023: 86400,
    2024: 93600,
    2025: 99600,
    2026: 104400,
}


def _expense_plan(year: int) -> list[tuple[date, str, str, Decimal, str]]:
    """(date, category, supplier, amount, description) of the year's expenses."""
    plan: list[tuple[date, str, str, Decimal, str]] = []
    staff = D(STAFF.get(year, STAFF[max(STAFF)]))
    for month in range(1, 13):
        plan.append(
            (
                date(year, month, 28),
                "staff",
                "Nóminas y seguridad social",
                wobble(staff / 12, month),
                f"Nóminas {month:02d}/{year}",
            )
        )
    for quarter in range(4):
        day = date(year, 3 * quarter + 1, 10)
        if year <= 2018:
            for service, _total, paid, _alone, _category in SHARED:
                plan.append(
                    (
                        day,
                        "shared-services",
                        "Cooperativas andaluzas",
                        paid / 4,
                        f"Cuota {service} T{quarter + 1}",
                    )
                )
        else:
            growth = D("1.02") ** (year - 2019)
            for service, _total, _paid, alone, category in SHARED:
                plan.append(
                    (
                        day,
                        category,
                        service,
                        (alone * growth / 4).quantize(D("0.01")),
                        f"{service} T{quarter + 1}",
                    )
                )
        plan.append(
            (
                day + timedelta(days=5),
                "financial",
                "Comisiones bancarias",
                D("150.00"),
                f"Comisiones T{quarter + 1}",
            )
        )
    travel = D(600) if year == 2020 else D(3000) if year < 2020 else D(3600)
    plan.append(
        (date(year, 5, 20), "travel", "Viajes a la red Smart", travel / 2, "Encuentro de la red Smart")
    )
    plan.append((date(year, 10, 14), "travel", "Viajes a la red Smart", travel / 2, "Visitas a cooperativas"))
    plan.append((date(year, 12, 12), "other", "Varios", D("1500.00"), "Material y suministros"))
    if year >= 2021:
        licences = D(5000) + D(3500) * (year - 2021)
        plan.append((date(year, 1, 20), "it", "Microsoft Ibérica", licences, "Licencias Teams revendidas"))
    return plan


def load_funding(today: date, summary: Summary) -> None:
    categories = funding_selectors.categories_by_code()
    smart = funding_actions.source_create(
        code="smart-belgium",
        name="Smart Belgium",
        kind="parent_support",
        counterparty="SMart ASBL (BE0896755397)",
        active_from=date(2016, 6, 1),
        active_to=date(2021, 12, 31),
    )
    coops = funding_actions.source_create(
        code="andalusian-coops",
        name="Cooperativas andaluzas (servicios compartidos)",
        kind="shared_services",
        counterparty="Red de cooperativas de Andalucía",
        active_from=date(2016, 1, 1),
        active_to=date(2018, 12, 31),
    )
    fiare = funding_actions.source_create(
        code="fiare",
        name="Fiare Banca Etica",
        kind="loan",
        counterparty="Fiare Banca Etica S.Coop.",
        active_from=date(2020, 4, 1),
    )

    # The agreement planned 15,000 € a quarter; what arrived shrank from 2018 on.
    agreement = funding_actions.agreement_create(
        source=smart,
        title="Convenio de apoyo Smart Belgium 2017–2021",
        committed_amount=D("300000.00"),
        period_start=date(2017, 1, 1),
        period_end=date(2021, 12, 31),
        tranches=[(date(year, 3 * n + 1, 15), D("15000.00")) for year in SMART_BELGIUM for n in range(4)],
    )
    for year, (amount, tranches) in SMART_BELGIUM.items():
        for n in range(4):
            if n < tranches and date(year, 3 * n + 1, 20) <= today:
                funding_actions.receipt_create(
                    source=smart,
                    date=date(year, 3 * n + 1, 20),
                    amount=D(amount),
                    reference=f"SB-{year}-T{n + 1}",
                    description="Apoyo de Smart Belgium",
                    agreement=agreement,
                )
                summary.receipts += 1
        if year + 1 <= today.year:
            funding_actions.obligation_add(
                agreement=agreement,
                description=f"Informe anual {year}",
                due_date=date(year + 1, 3, 31),
                status="accepted",
            )

    for year in (2017, 2018):
        for service, total, paid, alone, _category in SHARED:
            funding_actions.shared_service_cost_create(
                source=coops,
                year=year,
                service=service,
                total_cost=total,
                share_paid=paid,
                standalone_cost=alone,
            )

    # Fiare: 60,000 € at 3.25 %, six months of interest only, then 60 monthly instalments.
    drawdown = date(2020, 4, 1)
    funding_actions.receipt_create(
        source=fiare,
        date=drawdown,
        amount=D("60000.00"),
        reference="FIARE-2020-01",
        description="Disposición del préstamo Fiare",
    )
    summary.receipts += 1
    loan = funding_actions.loan_create(
        source=fiare,
        reference="FIARE-2020",
        principal=D("60000.00"),
        annual_rate=D("3.25"),
        term_instalments=66,
        start_date=drawdown,
        frequency="monthly",
        grace_instalments=6,
    )
    prepaid_on = date(2023, 6, 30)
    funding_actions.loan_pay_due_instalments(loan=loan, on=min(today, prepaid_on))
    if prepaid_on <= today:
        funding_actions.loan_record_prepayment(loan=loan, on=prepaid_on, amount=D("10000.00"))
        funding_actions.loan_pay_due_instalments(loan=loan, on=today)

    for year in range(FIRST_YEAR, today.year + 1):
        for day, code, supplier, amount, description in _expense_plan(year):
            if day <= today:
                funding_actions.expense_create(
                    date=day,
                    category=categories[code],
                    supplier=supplier,
                    amount=amount,
                    reference=f"G-{day:%Y%m%d}-{summary.expenses:04d}",
                    description=description,
                )
                summary.expenses += 1
        planned = {code: D(0) for code in categories}
        for _day, code, _supplier, amount, _description in _expense_plan(year):
            planned[code] += amount
        lines = {categories[c]: (a * D("1.03")).quantize(D("1")) for c, a in planned.items() if a}
        budget = funding_actions.budget_create(year=year, label=f"Presupuesto {year}", lines=lines)
        funding_actions.budget_approve(budget=budget, on=date(year - 1, 12, 15))
        if year == 2020:
            revised = funding_actions.budget_copy_as_new_version(budget=budget)
            funding_actions.budget_set_line(budget=revised, category=categories["staff"], amount=D("63000"))
            funding_actions.budget_set_line(budget=revised, category=categories["travel"], amount=D("800"))
            funding_actions.budget_approve(budget=revised, on=date(2020, 6, 15))


def load(*, today: date) -> Summary:
    summary = Summary()
    load_funding(today, summary)
    load_services(today, summary)
    return summary
