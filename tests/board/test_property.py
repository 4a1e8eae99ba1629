"""For generated records, every figure equals an independent plain-Decimal recomputation.

The records are written through the apps' actions (as staff would), on whichever
database the suite runs on (SQLite or PostgreSQL); the expected figures are computed
here from the generated values alone, straight from the domain brief's definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from funding import actions as funding
from funding.models import ExpenseCategory, FundingSource
from funding.selectors import categories_by_code
from services import actions as services
from services.models import Client, Invoice, ServiceLine
from services.selectors import service_lines_by_code
from smartiberica.board.figures import yearly_figures
from tests.board.inputs import CATEGORIES, SERVICES

YEAR = 2024
CENT = Decimal("0.01")
CLIENTS = (("Hachette Livre", "FR04602060147"), ("Tierra Viva", "F41527318"), ("Nodo Coop", "F21938477"))
SOURCES = (("smart-belgium", "parent_support"), ("junta", "grant"), ("mecenas", "other"), ("fiare", "loan"))


def r(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(num: Decimal, den: Decimal) -> str | None:
    # v2: null when the denominator is 0 or negative.
    return None if den <= 0 else str((num / den).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def interest_due_by_year(
    principal: Decimal, annual_rate: Decimal, instalments: int, start: date
) -> dict[int, Decimal]:
    """The French annuity of the loan, row by row, in plain Decimal: interest due per year."""
    rate = annual_rate / 100 / 12
    annuity = r(principal * rate / (1 - (1 + rate) ** -instalments))
    balance = principal
    due: dict[int, Decimal] = {}
    for k in range(1, instalments + 1):
        interest = r(balance * rate)
        balance -= annuity - interest if k < instalments else balance
        year = start.year + (start.month - 1 + k) // 12
        due[year] = due.get(year, Decimal(0)) + interest
    return due


def break_even(costs: Decimal, services_revenue: Decimal, turnover: Decimal) -> str | None:
    if turnover == 0:
        return None
    if costs <= services_revenue:
        return "0.00"
    return str(((costs - services_revenue) / turnover * 100).quantize(CENT, rounding=ROUND_CEILING))


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
days = st.dates(min_value=date(YEAR - 1, 11, 1), max_value=date(YEAR + 1, 2, 28))


@dataclass
class InvoiceSpec:
    client: int
    service: int
    issued_on: date
    net: Decimal
    vat: Decimal
    status: str
    credit_share: int  # percent of the net credited by a credit note (0: none)
    payments: list[tuple[date, int]]  # (date, percent of what is due)
    refunds: list[tuple[date, int]]  # (date, percent of what was received and not yet paid back)


invoices = st.builds(
    InvoiceSpec,
    client=st.integers(0, len(CLIENTS) - 1),
    service=st.integers(0, len(SERVICES) - 1),
    issued_on=days,
    net=money,
    vat=st.sampled_from([Decimal("0.00"), Decimal("4.00"), Decimal("10.00"), Decimal("21.00")]),
    status=st.sampled_from(["issued", "issued", "issued", "cancelled", "draft"]),
    credit_share=st.sampled_from([0, 0, 0, 10, 50, 100]),
    payments=st.lists(st.tuples(days, st.integers(1, 60)), max_size=2),
    refunds=st.lists(st.tuples(days, st.integers(1, 100)), max_size=2),
)
months = st.dictionaries(
    st.integers(1, 12),
    st.tuples(
        st.decimals(min_value=Decimal("0.00"), max_value=Decimal("250000.00"), places=2),
        st.one_of(
            st.none(),
            st.tuples(
                st.decimals(min_value=Decimal("0"), max_value=Decimal("10"), places=2),
                st.decimals(min_value=Decimal("0"), max_value=Decimal("3"), places=2),
            ),
        ),
    ),
    max_size=6,
)
receipts = st.lists(st.tuples(st.integers(0, len(SOURCES) - 1), days, money), max_size=6)
expenses = st.lists(st.tuples(st.integers(0, len(CATEGORIES) - 1), days, money), max_size=8)
repayments = st.lists(st.tuples(days, money, money), max_size=3)
shared = st.lists(st.tuples(money, money, money), max_size=2)  # share, extra total, avoided
budget = st.one_of(
    st.none(), st.lists(st.tuples(st.integers(0, len(CATEGORIES) - 1), money), min_size=1, max_size=3)
)


@dataclass
class Oracle:
    """The figures of YEAR, accumulated in plain Decimal while the records are written."""

    accrual_by_service: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(SERVICES, Decimal(0))
    )
    cash_by_service: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(SERVICES, Decimal(0)))
    by_client: dict[str, Decimal] = field(default_factory=dict)
    margin: Decimal = Decimal(0)
    fund: Decimal = Decimal(0)
    turnover_total: Decimal = Decimal(0)
    external: dict[str, Decimal] = field(default_factory=dict)
    in_kind: Decimal = Decimal(0)
    drawdowns: Decimal = Decimal(0)
    drawn_to_year_end: Decimal = Decimal(0)
    costs: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, Decimal(0)))
    interest: Decimal = Decimal(0)
    principal: Decimal = Decimal(0)
    repaid_to_year_end: Decimal = Decimal(0)
    interest_due: Decimal = Decimal(0)
    budgeted: Decimal | None = None


def write_invoice(
    oracle: Oracle, spec: InvoiceSpec, clients: list[Client], lines: dict[str, ServiceLine]
) -> None:
    service = SERVICES[spec.service]
    line = services.LineInput("Servicio", Decimal(1), spec.net, spec.vat)
    invoice = services.invoice_create(
        client=clients[spec.client],
        service_line=lines[service],
        issue_date=spec.issued_on,
        lines=[line],
    )
    if spec.status == "draft":
        return
    invoice = services.invoice_issue(invoice=invoice)
    vat = r(spec.net * spec.vat / 100)
    gross = spec.net + vat
    assert (invoice.net_amount, invoice.vat_amount, invoice.gross_amount) == (spec.net, vat, gross)
    if spec.status == "cancelled":
        services.invoice_cancel(invoice=invoice)
        return
    name = CLIENTS[spec.client][0]
    if spec.issued_on.year == YEAR:
        oracle.accrual_by_service[service] += spec.net
        oracle.by_client[name] = oracle.by_client.get(name, Decimal(0)) + spec.net
    due = gross + write_credit_note(oracle, spec, invoice)
    write_payments(oracle, spec, invoice, due=due, gross=gross)


def write_credit_note(oracle: Oracle, spec: InvoiceSpec, invoice: Invoice) -> Decimal:
    """The credit note of `spec` (if any); returns its gross amount (negative, or 0)."""
    credit_net = r(spec.net * spec.credit_share / 100)
    if credit_net <= 0:
        return Decimal(0)
    credit = services.credit_note_create(
        invoice=invoice,
        issue_date=spec.issued_on + timedelta(days=3),
        lines=[services.LineInput("Abono", Decimal(-1), credit_net, spec.vat)],
    )
    credit = services.invoice_issue(invoice=credit)
    credit_vat = r(-credit_net * spec.vat / 100)
    assert credit.gross_amount == -credit_net + credit_vat
    if credit.issue_date.year == YEAR:
        oracle.accrual_by_service[SERVICES[spec.service]] -= credit_net
        name = CLIENTS[spec.client][0]
        oracle.by_client[name] = oracle.by_client.get(name, Decimal(0)) - credit_net
    return credit.gross_amount


def write_payments(
    oracle: Oracle, spec: InvoiceSpec, invoice: Invoice, *, due: Decimal, gross: Decimal
) -> None:
    service = SERVICES[spec.service]
    received = Decimal(0)  # and not paid back yet: the most a refund may be
    for paid_on, percent in spec.payments:
        amount = r(due * percent / 100)
        if amount <= 0:
            continue
        services.payment_record(invoice=invoice, date=paid_on, amount=amount)
        due -= amount
        received += amount
        if paid_on.year == YEAR:
            oracle.cash_by_service[service] += r(amount * spec.net / gross)
    for refunded_on, percent in spec.refunds:
        amount = r(received * percent / 100)
        if amount <= 0:
            continue
        services.refund_record(invoice=invoice, date=refunded_on, amount=amount)
        received -= amount
        if refunded_on.year == YEAR:
            oracle.cash_by_service[service] -= r(amount * spec.net / gross)


def write_months(oracle: Oracle, months: dict[int, tuple[Decimal, tuple[Decimal, Decimal] | None]]) -> None:
    services.margin_rule_create(
        name="Regla",
        valid_from=date(2020, 1, 1),
        structure_rate=Decimal("5.50"),
        fund_rate=Decimal("2.00"),
    )
    for month, (turnover, rates) in months.items():
        structure_rate, fund_rate = rates or (Decimal("5.50"), Decimal("2.00"))
        services.member_turnover_record(
            month=date(YEAR, month, 1),
            turnover=turnover,
            structure_rate=rates[0] if rates else None,
            fund_rate=rates[1] if rates else None,
        )
        oracle.margin += r(turnover * structure_rate / 100)
        oracle.turnover_total += turnover
        oracle.fund += r(turnover * fund_rate / 100)


def write_receipts(
    oracle: Oracle, receipts: list[tuple[int, date, Decimal]], sources: dict[str, FundingSource]
) -> None:
    for n, (index, day, amount) in enumerate(receipts):
        code, kind = SOURCES[index]
        funding.receipt_create(source=sources[code], date=day, amount=amount, reference=f"R{n}")
        if kind == "loan":
            oracle.drawn_to_year_end += amount if day.year <= YEAR else 0
            oracle.drawdowns += amount if day.year == YEAR else 0
        elif day.year == YEAR:
            oracle.external[code] = oracle.external.get(code, Decimal(0)) + amount


def write_shared(oracle: Oracle, shared: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    coops = funding.source_create(code="coops", name="Coops", kind="shared_services")
    for n, (share, extra, avoided) in enumerate(shared):
        funding.shared_service_cost_create(
            source=coops,
            year=YEAR,
            service=f"S{n}",
            total_cost=share + extra,
            share_paid=share,
            standalone_cost=share + avoided,
        )
        oracle.external["coops"] = oracle.external.get("coops", Decimal(0)) + avoided
        oracle.in_kind += avoided


def write_expenses(
    oracle: Oracle, expenses: list[tuple[int, date, Decimal]], categories: dict[str, ExpenseCategory]
) -> None:
    for n, (index, day, amount) in enumerate(expenses):
        funding.expense_create(
            date=day,
            category=categories[CATEGORIES[index]],
            supplier="P",
            amount=amount,
            reference=f"E{n}",
        )
        if day.year == YEAR:
            oracle.costs[CATEGORIES[index]] += amount


def write_loan(
    oracle: Oracle, repayments: list[tuple[date, Decimal, Decimal]], sources: dict[str, FundingSource]
) -> None:
    if not repayments:
        return
    oracle.interest_due = interest_due_by_year(
        Decimal("90000.00"), Decimal("3.00"), 24, date(YEAR - 2, 1, 1)
    )[YEAR]
    loan = funding.loan_create(
        source=sources["fiare"],
        reference="L",
        principal=Decimal("90000.00"),
        annual_rate=Decimal("3.00"),
        term_instalments=24,
        start_date=date(YEAR - 2, 1, 1),
    )
    for day, paid_interest, paid_principal in repayments:
        funding.loan_record_repayment(loan=loan, date=day, interest=paid_interest, principal=paid_principal)
        if day.year == YEAR:
            oracle.interest += paid_interest
            oracle.principal += paid_principal
        if day.year <= YEAR:
            oracle.repaid_to_year_end += paid_principal


def write_budget(
    oracle: Oracle, budget: list[tuple[int, Decimal]] | None, categories: dict[str, ExpenseCategory]
) -> None:
    if not budget:
        return
    amounts = {categories[CATEGORIES[i]]: amount for i, amount in dict(budget).items()}
    draft = funding.budget_create(year=YEAR, label="B", lines=amounts)
    funding.budget_approve(budget=draft, on=date(YEAR - 1, 12, 1))
    oracle.budgeted = sum(amounts.values(), Decimal(0))


def expected_accrual(o: Oracle) -> dict[str, object]:
    """The definitions, recomputed from the generated values alone."""
    external = {code: amount for code, amount in o.external.items() if amount != 0}
    services_revenue = sum(o.accrual_by_service.values(), Decimal(0))
    own = services_revenue + o.margin
    support = sum(external.values(), Decimal(0))
    # v2: the interest due on the schedule (accrual) and the in-kind shared services are costs.
    expenses_total = sum(o.costs.values(), Decimal(0))
    total_costs = expenses_total + o.interest_due + o.in_kind
    # v2: streams by kind of source, each max(stream, 0).
    streams = [s for s in [services_revenue, o.margin, *external.values()] if s > 0]
    hhi = (
        str(
            (sum((s * s for s in streams), Decimal(0)) / sum(streams, Decimal(0)) ** 2).quantize(
                Decimal("0.0001"), ROUND_HALF_UP
            )
        )
        if streams
        else None
    )
    top = max(external.values(), default=Decimal(0))
    largest_client = max((a for a in o.by_client.values() if a != 0), default=Decimal(0))
    budgeted = o.budgeted
    return {
        "services_revenue": str(r(services_revenue)),
        "member_margin": str(r(o.margin)),
        "guarantee_fund": str(r(o.fund)),
        "own_revenue": str(r(own)),
        "revenue_by_service": {code: str(r(v)) for code, v in o.accrual_by_service.items()},
        "external_support": str(r(support)),
        "external_support_by_source": {code: str(r(v)) for code, v in sorted(external.items())},
        "loan_drawdowns": str(r(o.drawdowns)),
        "loan_interest": str(r(o.interest_due)),
        "loan_principal_repaid": str(r(o.principal)),
        "loan_outstanding_year_end": str(r(o.drawn_to_year_end - o.repaid_to_year_end)),
        "total_costs": str(r(total_costs)),
        "costs_by_category": {code: str(r(v)) for code, v in o.costs.items()},
        "budgeted_costs": None if budgeted is None else str(r(budgeted)),
        "funding_gap": str(r(total_costs - own)),
        "break_even_structure_rate": break_even(total_costs, services_revenue, o.turnover_total),
        "ratios": {
            "self_financing": ratio(own, total_costs),
            "own_revenue_share": ratio(own, own + support),
            "top_funder_share": ratio(top, own + support),
            "hhi": hhi,
            "budget_execution": None if budgeted is None else ratio(total_costs - o.in_kind, budgeted),
            "client_concentration": ratio(largest_client, services_revenue),
        },
    }


class FiguresEqualAPlainRecomputation(TestCase):
    maxDiff = None

    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=True,
    )
    @given(
        invoices=st.lists(invoices, max_size=6),
        months=months,
        receipts=receipts,
        expenses=expenses,
        repayments=repayments,
        shared=shared,
        budget=budget,
    )
    def test_every_figure_matches(
        self,
        invoices: list[InvoiceSpec],
        months: dict[int, tuple[Decimal, tuple[Decimal, Decimal] | None]],
        receipts: list[tuple[int, date, Decimal]],
        expenses: list[tuple[int, date, Decimal]],
        repayments: list[tuple[date, Decimal, Decimal]],
        shared: list[tuple[Decimal, Decimal, Decimal]],
        budget: list[tuple[int, Decimal]] | None,
    ) -> None:
        lines = service_lines_by_code()
        categories = categories_by_code()
        clients = [services.client_get_or_create(name=n, tax_id=t)[0] for n, t in CLIENTS]
        oracle = Oracle()
        # Issued in date order, as the app numbers each series.
        for spec in sorted(invoices, key=lambda spec: spec.issued_on):
            write_invoice(oracle, spec, clients, lines)
        write_months(oracle, months)
        sources = {
            code: funding.source_create(code=code, name=code.title(), kind=kind) for code, kind in SOURCES
        }
        write_receipts(oracle, receipts, sources)
        write_shared(oracle, shared)
        write_expenses(oracle, expenses, categories)
        write_loan(oracle, repayments, sources)
        write_budget(oracle, budget, categories)

        expected = expected_accrual(oracle)
        cash_by_service, interest, in_kind = oracle.cash_by_service, oracle.interest, oracle.in_kind
        margin, turnover_total = oracle.margin, oracle.turnover_total
        expenses_total = sum(oracle.costs.values(), Decimal(0))
        support = sum(oracle.external.values(), Decimal(0))
        actual = yearly_figures(year=YEAR).as_json()
        self.assertEqual({key: actual[key] for key in expected}, expected)

        cash = yearly_figures(year=YEAR, basis="cash").as_json()
        self.assertEqual(cash["revenue_by_service"], {code: str(r(v)) for code, v in cash_by_service.items()})
        self.assertEqual(cash["services_revenue"], str(r(sum(cash_by_service.values(), Decimal(0)))))
        self.assertEqual(cash["member_margin"], expected["member_margin"])
        # v2: on the cash basis the interest is the one repaid in the year.
        cash_services = sum(cash_by_service.values(), Decimal(0))
        cash_costs = expenses_total + interest + in_kind
        self.assertEqual(cash["loan_interest"], str(r(interest)))
        self.assertEqual(cash["total_costs"], str(r(cash_costs)))
        self.assertEqual(
            cash["break_even_structure_rate"], break_even(cash_costs, cash_services, turnover_total)
        )
        cash_own = cash_services + margin
        self.assertEqual(cash["ratios"]["self_financing"], ratio(cash_own, cash_costs))
        self.assertEqual(cash["ratios"]["own_revenue_share"], ratio(cash_own, cash_own + support))
