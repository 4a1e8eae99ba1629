"""The funding side of the generated data: sources and their receipts, a loan and its repayments,
shared-service costs, expenses, approved budgets, and the revenue targets of the service lines.

The big tables (receipts, expenses) are written in batches; the small, rule-heavy records go
through the ordinary actions, so they carry history like staff input.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from funding import actions as funding_actions
from funding.models import Expense, ExpenseCategory, FundingReceipt, FundingSource, SourceKind
from services import actions as services_actions
from services.models import ServiceLine
from smartiberica.demo.synthetic_plan import (
    CATEGORY_PROFILE,
    SUPPLIERS,
    Run,
    cents_text,
    cumulative,
    days_of,
    year_counts,
)
from smartiberica.demo.synthetic_writing import Sink, next_id


def _source(code: str, name: str, kind: str) -> FundingSource:
    found = FundingSource.objects.filter(code=code).first()
    return found or funding_actions.source_create(code=code, name=name, kind=kind)


def write_receipts(run: Run, *, parent: FundingSource, grant: FundingSource, other: FundingSource) -> Sink:
    """Receipts spread over the run: the parent's support in its first years, grants, other income."""
    rng, first_day, years = run.rng, run.first_day, run.years
    sink = Sink(
        FundingReceipt, ["id", "source_id", "agreement_id", "date", "amount", "reference", "description"]
    )
    receipt_id = next_id(FundingReceipt)
    n_receipts = max(24 * len(years), run.options.invoices // 500)
    span = (run.last_day - first_day).days + 1
    for _ in range(n_receipts):
        day = first_day + timedelta(days=rng.randrange(span))
        early = day.year < years[0] + 4
        chosen = parent if early and rng.random() < 0.5 else (grant if rng.random() < 0.4 else other)
        amount = rng.randint(50_000, 2_000_000)
        sink.add(
            (receipt_id, chosen.pk, None, day.isoformat(), cents_text(amount), f"GEN-{receipt_id:08d}", "")
        )
        receipt_id += 1
    sink.close()
    return sink


def write_loan(run: Run, lender: FundingSource) -> None:
    """A loan drawn in March of the run's fourth year (or its last), its due instalments paid."""
    years = run.years
    loan_year = years[min(3, len(years) - 1)]
    loan_start = date(loan_year, 3, 1)
    reference = f"FIARE-{run.options.seed}-{loan_year}"
    if loan_start > run.last_day or lender.loans.filter(reference=reference).exists():
        return
    principal = Decimal(cents_text(max(3_000_000, run.options.invoices * 20)))
    loan = funding_actions.loan_create(
        source=lender,
        reference=reference,
        principal=principal,
        annual_rate=Decimal("2.75"),
        term_instalments=60,
        start_date=loan_start,
    )
    funding_actions.receipt_create(
        source=lender, date=loan_start, amount=principal, reference=f"DRAW-{reference}"
    )
    funding_actions.loan_pay_due_instalments(loan=loan, on=run.last_day)


def write_expenses(
    run: Run, categories: dict[str, ExpenseCategory], cat_codes: list[str]
) -> tuple[Sink, dict[tuple[int, str], int]]:
    """Expenses day by day, by weighted category; returns the sink and the cents spent per (year, code)."""
    rng, tally = run.rng, run.tally
    cat_cum = cumulative([CATEGORY_PROFILE.get(code, (1, 0))[0] for code in cat_codes])
    sink = Sink(Expense, ["id", "date", "category_id", "supplier", "amount", "reference", "description"])
    expense_id = next_id(Expense)
    spent_by: dict[tuple[int, str], int] = {}
    count_all = max(len(run.years), run.options.invoices // 20)
    for year, count in year_counts(count_all, run.years, run.last_day).items():
        for day in days_of(year, count, run.last_day, rng):
            code = rng.choices(cat_codes, cum_weights=cat_cum)[0]
            typical = CATEGORY_PROFILE.get(code, (1, 10_000))[1]
            amount = max(100, int(typical * rng.uniform(0.3, 1.8)))
            sink.add(
                (expense_id, day.isoformat(), categories[code].pk, rng.choice(SUPPLIERS), cents_text(amount),
                 f"EXP-{expense_id:09d}", "")
            )  # fmt: skip
            expense_id += 1
            tally.add(tally.expenses, year, amount)
            spent_by[(year, code)] = spent_by.get((year, code), 0) + amount
    sink.close()
    return sink, spent_by


def write_shared_services(run: Run, shared: FundingSource) -> None:
    """Services shared with other cooperatives in the run's first two years."""
    for year in run.years[:2]:
        if not shared.shared_service_costs.filter(year=year).exists():
            funding_actions.shared_service_cost_create(
                source=shared,
                year=year,
                service="Gestoría y local compartidos",
                total_cost=Decimal("90000.00"),
                share_paid=Decimal("15000.00"),
                standalone_cost=Decimal("40000.00"),
            )


def write_budgets_and_targets(
    run: Run,
    *,
    categories: dict[str, ExpenseCategory],
    cat_codes: list[str],
    spent_by: dict[tuple[int, str], int],
    service_lines: list[ServiceLine],
) -> None:
    """Each year an approved budget close to what was spent, and a revenue target per service line."""
    for year in run.years:
        lines = {
            categories[code]: Decimal(
                cents_text(int(spent_by.get((year, code), 0) * run.rng.uniform(0.9, 1.1)) + 100)
            )
            for code in cat_codes
        }
        budget = funding_actions.budget_create(year=year, label=f"Presupuesto {year}", lines=lines)
        funding_actions.budget_approve(budget=budget, on=date(year, 1, 15))
        for line in service_lines:
            services_actions.revenue_target_set(
                service_line=line,
                year=year,
                amount=Decimal(cents_text(run.options.invoices * 1_000 // len(run.years))),
            )


def write_funding(run: Run, service_lines: list[ServiceLine]) -> list[Sink]:
    """Sources, receipts, the loan, expenses, shared services and budgets; returns the bulk sinks."""
    parent = _source("smart-belgium", "Smart Belgium", SourceKind.PARENT_SUPPORT)
    grant = _source("junta-andalucia", "Junta de Andalucía", SourceKind.GRANT)
    other = _source("fundacion-sur", "Fundación Sur", SourceKind.OTHER)
    lender = _source("fiare", "Fiare Banca Etica", SourceKind.LOAN)
    shared = _source("coops-andalucia", "Cooperativas andaluzas", SourceKind.SHARED_SERVICES)
    receipts = write_receipts(run, parent=parent, grant=grant, other=other)
    write_loan(run, lender)
    categories = {c.code: c for c in ExpenseCategory.objects.all()}
    cat_codes = [c for c in CATEGORY_PROFILE if c in categories] or sorted(categories)
    expenses, spent_by = write_expenses(run, categories, cat_codes)
    write_shared_services(run, shared)
    write_budgets_and_targets(
        run, categories=categories, cat_codes=cat_codes, spent_by=spent_by, service_lines=service_lines
    )
    return [receipts, expenses]
