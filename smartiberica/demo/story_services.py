"""The services side of the demo story: clients, contracts, invoices and their payments, credit
notes, the members' turnover under the margin rules, and the revenue targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from services import actions as services_actions
from services import selectors as services_selectors
from smartiberica.demo.story_calendar import FIRST_YEAR, WOBBLE, months_between, wobble
from smartiberica.demo.story_guarantee import LateInvoices
from smartiberica.kernel.dates import add_months

if TYPE_CHECKING:
    from smartiberica.demo.story import Summary

D = Decimal

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
# Hachette, in France, is invoiced under the intra-EU reverse charge (0 % VAT) and pays at 45 days;
# the other clients are Spanish (21 % VAT) with the default terms, 30 days.
CLIENT_TERMS = {"hachette": (45, services_actions.VatRegime.INTRA_EU_REVERSE_CHARGE)}
# One client far overdue (issue 21): its latest invoice issued 150 days or more before today is
# never paid, so that it is over 90 days past due at the demo's today.
FAR_OVERDUE_CLIENT, FAR_OVERDUE_DAYS = "betica", 150


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


def _monthly(
    specs: list[InvoiceSpec],
    today: date,
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
    """An invoice every `every` months from `start` to today (the 28th, or the 5th when not monthly)."""
    for index, month in enumerate(months_between(start, today)):
        if index % every:
            continue
        issue = month.replace(day=28) if every == 1 else month.replace(day=5)
        if issue <= today:
            label = f"{text} {month:%m/%Y}"
            qty = quantity(month, index)
            specs.append(InvoiceSpec(issue, client, service, label, qty, price, contract, terms_days))


def _project_support_specs(specs: list[InvoiceSpec], today: date) -> None:
    """Project support for the Hachette group: hours × 55 € a month, paid at 45 days."""
    hours = {2021: 40, 2022: 45, 2023: 68, 2024: 75, 2025: 80}
    _monthly(
        specs,
        today,
        date(2021, 6, 1),
        "hachette",
        "project-support",
        "Apoyo a la gestión de proyectos (horas)",
        D("55.00"),
        contract="HACH-2021",
        quantity=lambda month, index: D(hours.get(month.year, 76) + WOBBLE[index % len(WOBBLE)]),
        terms_days=45,
    )


def _always(quantity: Decimal) -> Callable[[date, int], Decimal]:
    return lambda _month, _index: quantity


def _it_licensing_specs(specs: list[InvoiceSpec], today: date) -> None:
    """MS Teams licences and a server, billed quarterly in advance."""
    for client, start, seats, price in (
        ("tierra-viva", date(2021, 3, 1), 40, D("36.00")),
        ("alcala", date(2022, 1, 1), 25, D("36.00")),
        ("nodo", date(2023, 4, 1), 60, D("34.50")),
        ("aljarafe", date(2024, 1, 1), 30, D("36.00")),
    ):
        _monthly(
            specs,
            today,
            start,
            client,
            "it-licensing",
            "Licencias MS Teams (trimestre)",
            price,
            every=3,
            contract=f"LIC-{client}",
            quantity=_always(D(seats)),
        )
    _monthly(
        specs,
        today,
        date(2021, 9, 1),
        "fabrica",
        "it-licensing",
        "Alquiler de servidor (trimestre)",
        D("750.00"),
        every=3,
        contract="SRV-fabrica",
    )


def _admin_services_specs(specs: list[InvoiceSpec], today: date) -> None:
    """Accounting, tax and payroll management: quarterly fees."""
    for client, start, fee in (
        ("mujeres", date(2021, 4, 1), D("1140.00")),
        ("alcala", date(2022, 1, 1), D("1350.00")),
        ("nodo", date(2022, 7, 1), D("1560.00")),
        ("tierra-viva", date(2023, 5, 1), D("1200.00")),
        ("triana", date(2024, 1, 1), D("1050.00")),
        ("betica", date(2025, 3, 1), D("1800.00")),
    ):
        _monthly(
            specs,
            today,
            start,
            client,
            "admin-services",
            "Gestión contable, fiscal y laboral (trimestre)",
            fee,
            every=3,
            contract=f"ADM-{client}",
        )


def _prl_training_specs(specs: list[InvoiceSpec], today: date) -> None:
    """Occupational-risk-prevention training platforms: set-up, then yearly upkeep."""
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


def _crowdfunding_specs(specs: list[InvoiceSpec], today: date) -> None:
    """Crowdfunding advice with Nanoma: a fixed fee per campaign."""
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


def _services_specs(today: date) -> list[InvoiceSpec]:
    specs: list[InvoiceSpec] = []
    _project_support_specs(specs, today)
    _it_licensing_specs(specs, today)
    _admin_services_specs(specs, today)
    _prl_training_specs(specs, today)
    _crowdfunding_specs(specs, today)
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


def _margin_rules_and_turnover(today: date, summary: Summary) -> None:
    """Margin rules: the historical 7.5 % (5.5 + 2), then the variable-margin pilot; and the
    members' monthly turnover up to last month."""
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


CONTRACT_KINDS = {
    "HACH": ("time_and_materials", ""),
    "LIC": ("recurring", "quarterly"),
    "SRV": ("recurring", "quarterly"),
    "ADM": ("recurring", "quarterly"),
    "CROWD": ("fixed_fee", ""),
}


class _Book:
    """The services story's cast (service lines, clients, the crowdfunding partner, one contract
    per reference, signed with its first invoice), then its invoices one by one."""

    def __init__(self, today: date, summary: Summary, specs: list[InvoiceSpec]) -> None:
        self.today = today
        self.summary = summary
        self.late = LateInvoices(today)  # the guarantee fund advances members some of them
        self.lines = services_selectors.service_lines_by_code()
        self.clients = {}
        for key, (name, tax_id, foreign) in CLIENTS.items():
            days, regime = CLIENT_TERMS.get(key, (30, services_actions.VatRegime.DOMESTIC))
            self.clients[key] = services_actions.client_get_or_create(
                name=name, tax_id=tax_id, is_foreign=foreign, payment_terms_days=days, vat_regime=regime
            )[0]
        nanoma, _ = services_actions.partner_get_or_create(name="Nanoma", notes="Crowdfunding partner")
        _margin_rules_and_turnover(today, summary)
        first_invoices: dict[str, InvoiceSpec] = {}
        for spec in specs:
            if spec.contract:
                first_invoices.setdefault(spec.contract, spec)
        self.contracts = {}
        for reference, spec in first_invoices.items():
            kind, period = CONTRACT_KINDS[reference.split("-")[0]]
            crowd = kind == "fixed_fee"
            self.contracts[reference] = services_actions.contract_create(
                client=self.clients[spec.client],
                service_line=self.lines[spec.service],
                reference=reference,
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

    def invoice(self, index: int, spec: InvoiceSpec, *, paid: bool = True) -> None:
        """Issue the invoice (the last two weeks' stay drafts), credit it when planned, record payments
        (none when not `paid`). Its lines take the VAT rate of the client's regime."""
        line = services_actions.LineInput(spec.description, spec.quantity, spec.unit_price)
        invoice = services_actions.invoice_create(
            client=self.clients[spec.client],
            service_line=self.lines[spec.service],
            issue_date=spec.issue_date,
            due_date=spec.issue_date + timedelta(days=spec.terms_days),
            contract=self.contracts.get(spec.contract) if spec.contract else None,
            lines=[line],
        )
        # The last two weeks' invoices are still drafts, waiting to be checked.
        if (self.today - spec.issue_date).days < 14:
            return
        invoice = services_actions.invoice_issue(invoice=invoice)
        self.summary.invoices += 1
        due = invoice.gross_amount
        if spec.correction:
            credit_lines = None
            if spec.correction == "discount":
                discount = (invoice.net_amount / 10).quantize(D("0.01"))
                credit_lines = [services_actions.LineInput("Descuento comercial 10 %", D(-1), discount)]
            credit = services_actions.credit_note_create(
                invoice=invoice, issue_date=spec.issue_date + timedelta(days=10), lines=credit_lines
            )
            credit = services_actions.invoice_issue(invoice=credit)
            self.summary.invoices += 1
            due += credit.gross_amount  # negative
        if due <= 0 or not paid:
            return
        for day, amount in _payment_plan(index, spec.issue_date, due):
            if day <= self.today:
                services_actions.payment_record(invoice=invoice, date=day, amount=amount)
                self.summary.payments += 1
        self.late.note(invoice, _payment_plan(index, spec.issue_date, due))


# Revenue targets per year and service line (euros).
TARGETS = {
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


def _far_overdue(specs: list[InvoiceSpec], today: date) -> int | None:
    """The index of the invoice left unpaid: `FAR_OVERDUE_CLIENT`'s latest one old enough."""
    old_enough = today - timedelta(days=FAR_OVERDUE_DAYS)
    found = [i for i, s in enumerate(specs) if s.client == FAR_OVERDUE_CLIENT and s.issue_date <= old_enough]
    return found[-1] if found else None


def load_services(today: date, summary: Summary) -> None:
    specs = _services_specs(today)
    book = _Book(today, summary, specs)
    unpaid = _far_overdue(specs, today)
    for index, spec in enumerate(specs):
        book.invoice(index, spec, paid=index != unpaid)
    book.late.advance()
    for year, by_service in TARGETS.items():
        if year <= today.year:
            for code, amount in by_service.items():
                services_actions.revenue_target_set(
                    service_line=book.lines[code], year=year, amount=D(amount)
                )
