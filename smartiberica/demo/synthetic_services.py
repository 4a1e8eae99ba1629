"""The services side of the generated data: clients, contracts, invoices with their lines, credit
notes and payments, and the members' monthly turnover. Each writer draws from the run's random
source in a fixed order: the same seed gives the same rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from services import actions as services_actions
from services.models import (
    Client,
    Contract,
    Invoice,
    InvoiceLine,
    InvoiceNumberCounter,
    MarginRule,
    MemberTurnover,
    Payment,
    ServiceLine,
)
from smartiberica.demo.synthetic_plan import (
    CLIENT_KINDS,
    CLIENT_WORDS,
    CREDIT_SERIES,
    OTHER_SERVICE,
    PAYMENT_METHODS,
    SERIES,
    SERVICE_PROFILE,
    SERVICE_WEIGHTS,
    Run,
    cents_text,
    cif,
    cumulative,
    days_of,
    payment_net_cents,
    vat_cents,
    year_counts,
)
from smartiberica.demo.synthetic_writing import Sink, next_id
from smartiberica.kernel.dates import add_months
from smartiberica.kernel.money import DEFAULT_VAT_RATE


@dataclass
class Customers:
    """Who buys what: the clients (a few big ones, a long tail), their contracts, the service lines."""

    lines_by_code: dict[str, ServiceLine]
    service_codes: list[str]
    service_cum: list[int]
    client_ids: range = range(0)
    client_cum: list[float] = field(default_factory=list)
    contracts: list[tuple[int, int, str]] = field(default_factory=list)  # (id, client id, service code)

    def client(self, run: Run) -> int:
        return run.rng.choices(self.client_ids, cum_weights=self.client_cum)[0]

    def service(self, run: Run) -> str:
        return run.rng.choices(self.service_codes, cum_weights=self.service_cum)[0]


def service_lines() -> Customers:
    lines_by_code = {line.code: line for line in ServiceLine.objects.all()}
    codes = [c for c in SERVICE_WEIGHTS if c in lines_by_code] or sorted(lines_by_code)
    return Customers(lines_by_code, codes, cumulative([SERVICE_WEIGHTS.get(code, 1) for code in codes]))


def write_clients(run: Run, customers: Customers) -> Sink:
    """Clients whose weights follow a Pareto law: a few big ones, a long tail."""
    rng = run.rng
    n_clients = min(5000, max(10, run.options.invoices // 200))
    client_base = next_id(Client)
    sink = Sink(Client, ["id", "name", "tax_id", "is_foreign", "contact", "email", "notes"])
    weight = 0.0
    for pk in range(client_base, client_base + n_clients):
        name = f"{rng.choice(CLIENT_WORDS)} {rng.choice(CLIENT_WORDS)} {pk} {rng.choice(CLIENT_KINDS)}"
        sink.add((pk, name, cif(pk), False, "", "", ""))
        weight += rng.paretovariate(1.2)
        customers.client_cum.append(weight)
    sink.close()
    customers.client_ids = range(client_base, client_base + n_clients)
    return sink


def _contract_terms(run: Run, kind: str, price: int) -> tuple[str, str | None, str | None, str | None]:
    """(billing period, unit price, fixed amount, estimated amount) of a contract of `kind`."""
    rng = run.rng
    if kind == "recurring":
        return rng.choice(("monthly", "quarterly", "yearly")), cents_text(price), None, None
    if kind == "fixed_fee":
        return "", None, cents_text(price * rng.randint(2, 12)), None
    return "", None, None, cents_text(price * rng.randint(1, 20))


def write_contracts(run: Run, customers: Customers) -> Sink:
    """Contracts of some clients, each on one service line."""
    rng, last_day, first_day = run.rng, run.last_day, run.first_day
    n_contracts = min(2000, max(5, run.options.invoices // 500))
    contract_base = next_id(Contract)
    sink = Sink(
        Contract,
        [
            "id", "client_id", "service_line_id", "reference", "description", "start_date", "end_date",
            "kind", "billing_period", "quantity", "unit_price", "fixed_amount", "estimated_amount",
            "vat_rate", "status", "partner_id", "partner_share", "notes",
        ],
    )  # fmt: skip
    span_days = (last_day - first_day).days
    for pk in range(contract_base, contract_base + n_contracts):
        client = customers.client(run)
        code = customers.service(run)
        start = first_day + timedelta(days=rng.randrange(span_days))
        end = None if rng.random() < 0.4 else start + timedelta(days=rng.randrange(90, 1100))
        kind = rng.choice(("recurring", "recurring", "fixed_fee", "time_and_materials"))
        period, unit, fixed, estimated = _contract_terms(
            run, kind, SERVICE_PROFILE.get(code, OTHER_SERVICE)[0]
        )
        status = "active" if end is None or end >= last_day else "ended"
        if rng.random() < 0.03:
            status = rng.choice(("draft", "cancelled"))
        sink.add(
            (
                pk, client, customers.lines_by_code[code].pk, f"CT-{pk:07d}", "", start.isoformat(),
                end.isoformat() if end else None, kind, period, "1.000", unit, fixed, estimated,
                str(DEFAULT_VAT_RATE), status, None, None, "",
            )
        )  # fmt: skip
        customers.contracts.append((pk, client, code))
    sink.close()
    return sink


class InvoiceWriter:
    """Invoices (credit notes included in the count), their lines and payments, day by day.

    Numbers follow the counters of each series and year; an issued invoice may wait for a credit
    note that reverses its first line, written on a later day of the run.
    """

    def __init__(self, run: Run, customers: Customers) -> None:
        self.run = run
        self.customers = customers
        self.invoices = Sink(
            Invoice,
            [
                "id", "series", "number", "issue_date", "due_date", "client_id", "contract_id",
                "service_line_id", "status", "corrects_id", "period_start", "net_amount", "vat_amount",
                "gross_amount", "notes",
            ],
        )  # fmt: skip
        self.lines = Sink(
            InvoiceLine, ["id", "invoice_id", "description", "quantity", "unit_price", "vat_rate"]
        )
        self.payments = Sink(
            Payment, ["id", "invoice_id", "date", "amount", "method", "reference", "net_amount"]
        )
        self.invoice_id = next_id(Invoice)
        self.line_id = next_id(InvoiceLine)
        self.payment_id = next_id(Payment)
        self.counters = {
            (c.series, c.year): c.last for c in InvoiceNumberCounter.objects.filter(year__in=run.years)
        }
        self.draft_from = run.last_day - timedelta(days=14)
        # Issued invoices waiting for their credit note: (id, client, service line, line net, rate, day).
        self.to_credit: list[tuple[int, int, int, int, int, date]] = []

    def write(self, progress: Callable[[str], None]) -> list[Sink]:
        run = self.run
        for year, count in year_counts(run.options.invoices, run.years, run.last_day).items():
            for day in days_of(year, count, run.last_day, run.rng):
                pk = self.invoice_id
                self.invoice_id += 1
                if self.to_credit and run.rng.random() < 0.01:
                    self._credit_note(pk, year, day)
                else:
                    self._invoice(pk, year, day)
            progress(f"{year}: {count} invoices")
        sinks = [self.invoices, self.lines, self.payments]
        for sink in sinks:
            sink.close()
        for (series, year), last in self.counters.items():
            InvoiceNumberCounter.objects.update_or_create(series=series, year=year, defaults={"last": last})
        return sinks

    def _number(self, series: str, year: int) -> str:
        seq = self.counters.get((series, year), 0) + 1
        self.counters[(series, year)] = seq
        return f"{series}{year}-{seq:04d}"

    def _line(self, invoice: int, text: str, quantity: str, unit: int, rate: int) -> None:
        self.lines.add((self.line_id, invoice, text, quantity, cents_text(unit), cents_text(rate)))
        self.line_id += 1

    def _credit_note(self, pk: int, year: int, day: date) -> None:
        orig, client, service_pk, net, rate, _orig_day = self.to_credit.pop(0)
        number = self._number(CREDIT_SERIES, year)
        vat = vat_cents({rate: -net})
        self.invoices.add(
            (
                pk, CREDIT_SERIES, number, day.isoformat(), (day + timedelta(days=30)).isoformat(), client,
                None, service_pk, "issued", orig, None, cents_text(-net), cents_text(vat),
                cents_text(-net + vat), "",
            )
        )  # fmt: skip
        self._line(pk, "Abono", "-1.000", net, rate)
        self.run.tally.add(self.run.tally.accrual, year, -net)

    def _buyer(self) -> tuple[int | None, int, str]:
        """(contract, client, service code): most invoices bill a contract, the rest a one-off sale."""
        rng = self.run.rng
        if rng.random() < 0.6:
            contract, client, code = self.customers.contracts[rng.randrange(len(self.customers.contracts))]
            return contract, client, code
        return None, self.customers.client(self.run), self.customers.service(self.run)

    def _lines(self, pk: int, code: str) -> tuple[dict[int, int], tuple[int, int]]:
        """Write 1 to 3 lines; return the net cents per VAT rate and (net, rate) of the first line."""
        rng = self.run.rng
        price, (q_low, q_high), rates, text = SERVICE_PROFILE.get(code, OTHER_SERVICE)
        net_by_rate: dict[int, int] = {}
        written: list[tuple[int, int]] = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            quantity = rng.randint(q_low, q_high)
            unit = max(100, int(price * rng.uniform(0.5, 1.6)))
            rate = rates[0] if len(rates) == 1 or rng.random() < 0.7 else rates[1]
            self._line(pk, text, f"{quantity}.000", unit, rate)
            net_by_rate[rate] = net_by_rate.get(rate, 0) + quantity * unit
            written.append((quantity * unit, rate))
        return net_by_rate, written[0]

    def _invoice(self, pk: int, year: int, day: date) -> None:
        rng, tally = self.run.rng, self.run.tally
        contract, client, code = self._buyer()
        net_by_rate, (line_net, line_rate) = self._lines(pk, code)
        net = sum(net_by_rate.values())
        vat = vat_cents(net_by_rate)
        gross = net + vat
        roll = rng.random()
        if day >= self.draft_from and roll < 0.3:
            status, number = "draft", None
        else:
            status = "cancelled" if roll < 0.01 else "issued"
            number = self._number(SERIES, year)
        service_pk = self.customers.lines_by_code[code].pk
        self.invoices.add(
            (
                pk, SERIES, number, day.isoformat(), (day + timedelta(days=30)).isoformat(), client,
                contract, service_pk, status, None, None, cents_text(net), cents_text(vat),
                cents_text(gross), "",
            )
        )  # fmt: skip
        if status != "issued":
            return
        tally.add(tally.accrual, year, net)
        owed = gross
        if rng.random() < 0.012:
            self.to_credit.append((pk, client, service_pk, line_net, line_rate, day))
            owed = gross - line_net - vat_cents({line_rate: line_net})
        self._payment(pk, day, owed, net, gross)

    def _payment(self, pk: int, day: date, owed: int, net: int, gross: int) -> None:
        """Most issued invoices are paid in full, some in half, some not yet."""
        rng, tally = self.run.rng, self.run.tally
        pay = rng.random()
        if pay < 0.08 or owed <= 0:
            return  # unpaid
        amount = owed if pay > 0.15 else max(1, owed // 2)
        paid_on = day + timedelta(days=rng.randrange(0, 75))
        if paid_on > self.run.last_day:
            return
        pnet = payment_net_cents(amount, net, gross)
        self.payments.add(
            (self.payment_id, pk, paid_on.isoformat(), cents_text(amount), rng.choice(PAYMENT_METHODS), "",
             cents_text(pnet))
        )  # fmt: skip
        self.payment_id += 1
        tally.add(tally.cash, paid_on.year, pnet)


def write_member_turnover(run: Run) -> Sink:
    """Monthly turnover. The months take the margin rule in force (created when there is no rule at
    all), or their own historical rates when some other rule set exists."""
    own_rates: tuple[str | None, str | None] = (None, None)
    if not MarginRule.objects.exists():
        services_actions.margin_rule_create(
            name="Smart 7,5 %",
            valid_from=run.first_day,
            structure_rate=Decimal("5.50"),
            fund_rate=Decimal("2.00"),
        )
    else:
        own_rates = ("5.50", "2.00")
    taken = set(MemberTurnover.objects.values_list("month", flat=True))
    sink = Sink(MemberTurnover, ["id", "month", "turnover", "active_members", "structure_rate", "fund_rate"])
    turnover_id = next_id(MemberTurnover)
    monthly = max(1_000_000, run.options.invoices * 40_000 // (12 * max(1, run.options.years)))
    month = run.first_day
    index = 0
    while month <= run.last_day:
        if month not in taken:
            turnover = int(monthly * (1 + 0.01 * index) * run.rng.uniform(0.8, 1.2))
            sink.add(
                (turnover_id, month.isoformat(), cents_text(turnover), run.rng.randint(80, 400), *own_rates)
            )
            turnover_id += 1
        index += 1
        month = add_months(month, 1)
    sink.close()
    return sink
