"""The funding side of the demo story: Smart Belgium's support agreement and receipts, the services
shared with other cooperatives, the Fiare loan, the expenses and the approved (and revised) budgets."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from funding import actions as funding_actions
from funding import selectors as funding_selectors
from services import selectors as services_selectors
from smartiberica.demo.story_calendar import FIRST_YEAR, wobble

if TYPE_CHECKING:
    from smartiberica.demo.story import Summary

D = Decimal

SMART_BELGIUM = {2017: (16000, 4), 2018: (14000, 4), 2019: (12000, 4), 2020: (9000, 3), 2021: (6000, 1)}
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


# Trainers of the occupational-risk-prevention platforms set up each year (two days a platform).
PRL_TRAINERS = {2021: 1, 2022: 2, 2023: 2, 2024: 2, 2025: 2, 2026: 1}

Planned = tuple[date, str, str, Decimal, str]


def _direct_costs(year: int) -> list[tuple[Planned, str]]:
    """The year's expenses that serve a service line directly, with the line's code.

    The Teams licences resold to the clients grow every year; from 2024 Microsoft's new prices
    add more than the clients' new seats bring: IT licensing sells more and keeps less (its
    contribution falls from 2023 to 2024 while its revenue grows).
    """
    costs: list[tuple[Planned, str]] = []
    if year >= 2021:
        licences = D(5000) + D(3500) * (year - 2021)
        resold = "Licencias Teams revendidas"
        costs.append(((date(year, 1, 20), "it", "Microsoft Ibérica", licences, resold), "it-licensing"))
    if year >= 2024:
        rise = "Subida de precio de las licencias Teams"
        costs.append(((date(year, 7, 1), "it", "Microsoft Ibérica", D("5000.00"), rise), "it-licensing"))
    if year in PRL_TRAINERS:
        fees, trainers = D("1800.00") * PRL_TRAINERS[year], "Formadores PRL"
        setup = "Formación de puesta en marcha"
        costs.append(((date(year, 11, 15), "professional-services", trainers, fees, setup), "prl-training"))
    return costs


def _expense_plan(year: int) -> list[Planned]:
    """(date, category, supplier, amount, description) of the year's expenses (the direct costs of
    the service lines too: `_direct_costs`)."""
    plan: list[Planned] = []
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
    plan.extend(planned for planned, _line in _direct_costs(year))
    return plan


class _Funders:
    """The story's three funders, created in this order: Smart Belgium, the cooperatives sharing
    services, Fiare (the loan); then what each brought, and the costs and budgets of each year."""

    def __init__(self, today: date, summary: Summary) -> None:
        self.today = today
        self.summary = summary
        self.categories = funding_selectors.categories_by_code()
        self.lines = services_selectors.service_lines_by_code()
        self.smart = funding_actions.source_create(
            code="smart-belgium",
            name="Smart Belgium",
            kind="parent_support",
            counterparty="SMart ASBL (BE0896755397)",
            active_from=date(2016, 6, 1),
            active_to=date(2021, 12, 31),
        )
        self.coops = funding_actions.source_create(
            code="andalusian-coops",
            name="Cooperativas andaluzas (servicios compartidos)",
            kind="shared_services",
            counterparty="Red de cooperativas de Andalucía",
            active_from=date(2016, 1, 1),
            active_to=date(2018, 12, 31),
        )
        self.fiare = funding_actions.source_create(
            code="fiare",
            name="Fiare Banca Etica",
            kind="loan",
            counterparty="Fiare Banca Etica S.Coop.",
            active_from=date(2020, 4, 1),
        )

    def smart_belgium_support(self) -> None:
        """The agreement planned 15,000 € a quarter; what arrived shrank from 2018 on."""
        agreement = funding_actions.agreement_create(
            source=self.smart,
            title="Convenio de apoyo Smart Belgium 2017–2021",
            committed_amount=D("300000.00"),
            period_start=date(2017, 1, 1),
            period_end=date(2021, 12, 31),
            tranches=[(date(year, 3 * n + 1, 15), D("15000.00")) for year in SMART_BELGIUM for n in range(4)],
        )
        for year, (amount, tranches) in SMART_BELGIUM.items():
            for n in range(4):
                if n < tranches and date(year, 3 * n + 1, 20) <= self.today:
                    funding_actions.receipt_create(
                        source=self.smart,
                        date=date(year, 3 * n + 1, 20),
                        amount=D(amount),
                        reference=f"SB-{year}-T{n + 1}",
                        description="Apoyo de Smart Belgium",
                        agreement=agreement,
                    )
                    self.summary.receipts += 1
            if year + 1 <= self.today.year:
                funding_actions.obligation_add(
                    source=self.smart,
                    agreement=agreement,
                    description=f"Informe anual {year}",
                    due_date=date(year + 1, 3, 31),
                    status="accepted",
                )

    def shared_services(self) -> None:
        """2017–2018: accounting office, premises and software shared with other cooperatives."""
        for year in (2017, 2018):
            for service, total, paid, alone, _category in SHARED:
                funding_actions.shared_service_cost_create(
                    source=self.coops,
                    year=year,
                    service=service,
                    total_cost=total,
                    share_paid=paid,
                    standalone_cost=alone,
                )

    def fiare_loan(self) -> None:
        """Fiare: 60,000 € at 3.25 %, six months of interest only, then 60 monthly instalments."""
        drawdown = date(2020, 4, 1)
        funding_actions.receipt_create(
            source=self.fiare,
            date=drawdown,
            amount=D("60000.00"),
            reference="FIARE-2020-01",
            description="Disposición del préstamo Fiare",
        )
        self.summary.receipts += 1
        loan = funding_actions.loan_create(
            source=self.fiare,
            reference="FIARE-2020",
            principal=D("60000.00"),
            annual_rate=D("3.25"),
            term_instalments=66,
            start_date=drawdown,
            frequency="monthly",
            grace_instalments=6,
        )
        prepaid_on = date(2023, 6, 30)
        funding_actions.loan_pay_due_instalments(loan=loan, on=min(self.today, prepaid_on))
        if prepaid_on <= self.today:
            funding_actions.loan_record_prepayment(loan=loan, on=prepaid_on, amount=D("10000.00"))
            funding_actions.loan_pay_due_instalments(loan=loan, on=self.today)

    def fiare_yearly_reports(self) -> None:
        """Fiare asks for the cooperative's yearly report each spring (30 April), from 2021 to next
        year: the past ones accepted (sent ten days early), the next one pending."""
        for year in range(2021, self.today.year + 2):
            due = date(year, 4, 30)
            done = due < self.today
            funding_actions.obligation_add(
                source=self.fiare,
                kind="report",
                description=f"Informe anual {year - 1} para Fiare",
                due_date=due,
                status="accepted" if done else "pending",
                completed_on=min(due - timedelta(days=10), self.today) if done else None,
                document_reference=f"Informe anual Fiare {year - 1}",
            )

    def expenses_and_budget(self, year: int) -> None:
        """The year's expenses up to today, and its budget: the plan plus 3 %, approved the December
        before (2020's revised down in June)."""
        categories, today, summary = self.categories, self.today, self.summary
        served = dict(_direct_costs(year))
        for expense in _expense_plan(year):
            day, code, supplier, amount, description = expense
            if day <= today:
                funding_actions.expense_create(
                    date=day,
                    category=categories[code],
                    supplier=supplier,
                    amount=amount,
                    reference=f"G-{day:%Y%m%d}-{summary.expenses:04d}",
                    description=description,
                    service_line=self.lines[served[expense]] if expense in served else None,
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


def load_funding(today: date, summary: Summary) -> None:
    funders = _Funders(today, summary)
    funders.smart_belgium_support()
    funders.shared_services()
    funders.fiare_loan()
    funders.fiare_yearly_reports()
    for year in range(FIRST_YEAR, today.year + 1):
        funders.expenses_and_budget(year)
