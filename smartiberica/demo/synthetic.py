"""Synthetic but realistic volume for benchmarks (`manage.py generate_data`).

Deterministic for a seed (one `random.Random(seed)`), fast, and in constant memory:
the big tables (clients, contracts, invoices with their lines, credit notes, payments,
expenses, funding receipts, member turnover) are generated day by day and written in
batches — `COPY … FROM STDIN` through psycopg 3 on PostgreSQL, `executemany` of plain
INSERTs on SQLite — with explicit primary keys, so a credit note can point at its
invoice without reading it back. The small, rule-heavy records (funding sources, the
loan and its repayments, shared-service costs, approved budgets, revenue targets, the
margin rule) go through the ordinary actions, so they carry history like staff input.

What is skipped: the per-row history of the bulk tables (django-simple-history rows).
What is kept: every stored value satisfies the models' constraints and the totals rules
of services.calculations, computed here in integer cents:

- a line's net = quantity × unit price (integer quantities, so exact);
- VAT = Σ per rate of round_half_up(Σ nets at that rate × rate / 100); gross = net + VAT;
- a payment's net part = round_half_up(amount × invoice net / invoice gross);
- payments never exceed gross (minus the credit note, when the invoice has one);
- a credit note reverses one line of an issued invoice of the same client, once.

The generator also tallies, per year, what the figures engine must find (accrual and
cash services revenue, expenses); the tests compare the two.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model

from smartiberica.kernel.dates import today

BATCH = 5000
SERIES = "F"
CREDIT_SERIES = "R"
# Service lines (seeded codes): typical unit price in cents, quantity range, VAT rates.
SERVICE_PROFILE: dict[str, tuple[int, tuple[int, int], tuple[int, ...], str]] = {
    "project-support": (95_000, (1, 3), (2100,), "Acompañamiento de proyecto"),
    "it-licensing": (1_250, (5, 40), (2100,), "Licencias MS Teams y alquiler de servidor"),
    "prl-training": (18_000, (1, 12), (2100, 0), "Formación en prevención de riesgos laborales"),
    "admin-services": (14_500, (1, 4), (2100,), "Gestión contable, fiscal y laboral"),
    "crowdfunding": (60_000, (1, 2), (2100,), "Asesoría de crowdfunding con Nanoma"),
}
SERVICE_WEIGHTS = {
    "project-support": 2,
    "it-licensing": 4,
    "prl-training": 2,
    "admin-services": 6,
    "crowdfunding": 1,
}
CATEGORY_PROFILE: dict[str, tuple[int, int]] = {  # code -> (weight, typical amount in cents)
    "staff": (10, 180_000),
    "premises": (3, 90_000),
    "it": (6, 25_000),
    "professional-services": (4, 60_000),
    "shared-services": (1, 120_000),
    "financial": (2, 4_000),
    "travel": (4, 9_000),
    "other": (3, 7_000),
}
SUPPLIERS = ("Endesa", "Movistar", "Microsoft Ibérica", "Gestoría Sur", "Renfe", "Papelería Triana", "OVH")
CLIENT_WORDS = ("Andalucía", "Sur", "Triana", "Guadalquivir", "Bética", "Alhambra", "Cádiz", "Huelva")
CLIENT_KINDS = ("S.L.", "S.Coop.And.", "Asociación", "Fundación", "S.A.")
PAYMENT_METHODS = ("transfer", "transfer", "transfer", "direct_debit", "card")


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero (ROUND_HALF_UP), denominator > 0."""
    if numerator >= 0:
        return (2 * numerator + denominator) // (2 * denominator)
    return -((2 * -numerator + denominator) // (2 * denominator))


def vat_cents(net_by_rate: dict[int, int]) -> int:
    """Σ per rate of round(net × rate / 100); rates in hundredths of a percent (21.00 % = 2100)."""
    return sum(_round_div(net * rate, 10_000) for rate, net in net_by_rate.items())


def payment_net_cents(amount: int, net: int, gross: int) -> int:
    return 0 if gross == 0 else _round_div(amount * net, gross)


def cif(number: int) -> str:
    """A valid Spanish CIF (letter B, seven digits, control digit) for a serial number."""
    digits = f"{number % 10_000_000:07d}"
    total = 0
    for position, char in enumerate(digits):
        value = int(char)
        if position % 2 == 0:  # odd positions (1st, 3rd…) are doubled
            value *= 2
            value = value // 10 + value % 10
        total += value
    return f"B{digits}{(10 - total % 10) % 10}"


# --- Writing ---------------------------------------------------------------------------------------


class Sink:
    """Rows for one table, flushed in batches by COPY (PostgreSQL) or executemany (SQLite)."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.columns = list(columns)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def close(self) -> None:
        """Flush, then move the primary-key sequence past the explicit ids (PostgreSQL)."""
        self.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                    cursor.execute(statement)

    def flush(self) -> None:
        if not self.rows:
            return
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                for row in self.rows:
                    buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
                    buffer.write("\n")
                raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
                with raw.copy(f"COPY {connection.ops.quote_name(self.table)} ({quoted}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(self.table)} ({quoted}) VALUES ({marks})",
                    self.rows,
                )
        self.written += len(self.rows)
        self.rows = []


@contextmanager
def indexes_built_after(models: Sequence[type[Model]], *, enabled: bool) -> Iterator[None]:
    """Load empty PostgreSQL tables without their secondary indexes and foreign keys, then build them.

    Building an index over a million rows once is much cheaper than updating it a million times,
    and re-adding a foreign key checks every row in one join instead of one trigger per row.
    Primary keys and unique indexes stay, so duplicates are still refused while loading; the
    rebuilt constraints check everything written. Inside the caller's transaction: all or nothing.
    """
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT indisunique",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        # Deferred checks of the rows written so far must run before tables can be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )


def _next_id(model: type[Model]) -> int:
    return int(model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- The plan --------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What was written, per year, for the tests to compare with the figures engine."""

    accrual: dict[int, int] = field(default_factory=dict)  # Σ net cents of issued invoices by issue year
    cash: dict[int, int] = field(default_factory=dict)  # Σ payment net cents by payment year
    expenses: dict[int, int] = field(default_factory=dict)  # Σ expense cents by year
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written

    def add(self, bucket: dict[int, int], year: int, cents: int) -> None:
        bucket[year] = bucket.get(year, 0) + cents

    def money(self, bucket: dict[int, int], year: int) -> Decimal:
        return Decimal(_money(bucket.get(year, 0)))


def _year_counts(total: int, years: list[int], last_day: date, rng: random.Random) -> dict[int, int]:
    """Spread `total` over the years with a steady growth; the current year pro rata of its days."""
    weights = []
    for index, year in enumerate(years):
        weight = 1.0 + 0.12 * index
        if year == last_day.year:
            weight *= (last_day - date(year, 1, 1)).days / 365
        weights.append(max(weight, 0.01))
    scale = total / sum(weights)
    counts = {year: int(w * scale) for year, w in zip(years, weights, strict=True)}
    counts[years[-1]] += total - sum(counts.values())
    return counts


def _days(year: int, count: int, last_day: date, rng: random.Random) -> Iterator[date]:
    """`count` random days of `year` (up to `last_day`), ascending, in O(days) memory."""
    first = date(year, 1, 1)
    span = (min(date(year, 12, 31), last_day) - first).days + 1
    per_day = [0] * span
    for _ in range(count):
        per_day[rng.randrange(span)] += 1
    for offset, n in enumerate(per_day):
        day = first + timedelta(days=offset)
        for _ in range(n):
            yield day


@dataclass(frozen=True)
class Options:
    invoices: int
    years: int
    seed: int


def generate(options: Options, *, progress: Callable[[str], None] = lambda _m: None) -> Tally:
    """Write the synthetic records (the caller decides about existing data). Deterministic per seed."""
    from funding import actions as funding_actions
    from funding.models import Expense, ExpenseCategory, FundingReceipt, FundingSource, SourceKind
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

    rng = random.Random(options.seed)
    last_day = today()
    years = list(range(last_day.year - options.years + 1, last_day.year + 1))
    first_day = date(years[0], 1, 1)
    tally = Tally()

    lines_by_code = {line.code: line for line in ServiceLine.objects.all()}
    service_codes = [c for c in SERVICE_WEIGHTS if c in lines_by_code] or sorted(lines_by_code)
    service_cum = []
    acc = 0
    for code in service_codes:
        acc += SERVICE_WEIGHTS.get(code, 1)
        service_cum.append(acc)

    with transaction.atomic(), ExitStack() as deferred:
        # -- Clients: a few big ones, a long tail (weights follow a Pareto law).
        n_clients = min(5000, max(10, options.invoices // 200))
        client_base = _next_id(Client)
        clients = Sink(Client, ["id", "name", "tax_id", "is_foreign", "contact", "email", "notes"])
        client_cum: list[float] = []
        acc_w = 0.0
        for i in range(n_clients):
            pk = client_base + i
            name = f"{rng.choice(CLIENT_WORDS)} {rng.choice(CLIENT_WORDS)} {pk} {rng.choice(CLIENT_KINDS)}"
            clients.add((pk, name, cif(pk), False, "", "", ""))
            acc_w += rng.paretovariate(1.2)
            client_cum.append(acc_w)
        clients.close()
        client_ids = range(client_base, client_base + n_clients)

        # -- Contracts of some clients, each on one service line.
        n_contracts = min(2000, max(5, options.invoices // 500))
        contract_base = _next_id(Contract)
        contracts = Sink(
            Contract,
            [
                "id", "client_id", "service_line_id", "reference", "description", "start_date", "end_date",
                "kind", "billing_period", "quantity", "unit_price", "fixed_amount", "estimated_amount",
                "vat_rate", "status", "partner_id", "partner_share", "notes",
            ],
        )  # fmt: skip
        contract_of: list[tuple[int, int, str]] = []  # (contract id, client id, service code)
        span_days = (last_day - first_day).days
        for i in range(n_contracts):
            pk = contract_base + i
            client = rng.choices(client_ids, cum_weights=client_cum)[0]
            code = rng.choices(service_codes, cum_weights=service_cum)[0]
            start = first_day + timedelta(days=rng.randrange(span_days))
            end = None if rng.random() < 0.4 else start + timedelta(days=rng.randrange(90, 1100))
            kind = rng.choice(("recurring", "recurring", "fixed_fee", "time_and_materials"))
            period, unit, fixed, estimated = "", None, None, None
            price = SERVICE_PROFILE[code][0] if code in SERVICE_PROFILE else 10_000
            if kind == "recurring":
                period = rng.choice(("monthly", "quarterly", "yearly"))
                unit = _money(price)
            elif kind == "fixed_fee":
                fixed = _money(price * rng.randint(2, 12))
            else:
                estimated = _money(price * rng.randint(1, 20))
            status = "active" if end is None or end >= last_day else "ended"
            if rng.random() < 0.03:
                status = rng.choice(("draft", "cancelled"))
            contracts.add(
                (
                    pk, client, lines_by_code[code].pk, f"CT-{pk:07d}", "", start.isoformat(),
                    end.isoformat() if end else None, kind, period, "1.000", unit, fixed, estimated,
                    "21.00", status, None, None, "",
                )
            )  # fmt: skip
            contract_of.append((pk, client, code))
        contracts.close()
        progress(f"{n_clients} clients, {n_contracts} contracts")

        # -- Invoices (credit notes included in the count), their lines and payments. Into empty
        # tables on PostgreSQL, their secondary indexes and foreign keys are built once, when the
        # generation ends (see `indexes_built_after`).
        deferred.enter_context(
            indexes_built_after([Invoice, InvoiceLine, Payment], enabled=not Invoice.objects.exists())
        )
        # -- Invoices (credit notes included in the count), their lines and payments.
        invoice_sink = Sink(
            Invoice,
            [
                "id", "series", "number", "issue_date", "due_date", "client_id", "contract_id",
                "service_line_id", "status", "corrects_id", "period_start", "net_amount", "vat_amount",
                "gross_amount", "notes",
            ],
        )  # fmt: skip
        line_sink = Sink(
            InvoiceLine, ["id", "invoice_id", "description", "quantity", "unit_price", "vat_rate"]
        )
        payment_sink = Sink(
            Payment, ["id", "invoice_id", "date", "amount", "method", "reference", "net_amount"]
        )
        invoice_id = _next_id(Invoice)
        line_id = _next_id(InvoiceLine)
        payment_id = _next_id(Payment)
        counters = {(c.series, c.year): c.last for c in InvoiceNumberCounter.objects.filter(year__in=years)}
        draft_from = last_day - timedelta(days=14)
        # Issued invoices waiting for their credit note: (id, client, service line, line net, rate, day).
        to_credit: list[tuple[int, int, int, int, int, date]] = []
        for year, count in _year_counts(options.invoices, years, last_day, rng).items():
            for day in _days(year, count, last_day, rng):
                pk = invoice_id
                invoice_id += 1
                if to_credit and rng.random() < 0.01:
                    orig, client, service_pk, net, rate, _orig_day = to_credit.pop(0)
                    seq = counters.get((CREDIT_SERIES, year), 0) + 1
                    counters[(CREDIT_SERIES, year)] = seq
                    vat = vat_cents({rate: -net})
                    invoice_sink.add(
                        (
                            pk, CREDIT_SERIES, f"{CREDIT_SERIES}{year}-{seq:04d}", day.isoformat(),
                            (day + timedelta(days=30)).isoformat(), client, None, service_pk, "issued", orig,
                            None, _money(-net), _money(vat), _money(-net + vat), "",
                        )
                    )  # fmt: skip
                    line_sink.add((line_id, pk, "Abono", "-1.000", _money(net), _money(rate)))
                    line_id += 1
                    tally.add(tally.accrual, year, -net)
                    continue
                contract = None
                if rng.random() < 0.6:
                    contract, client, code = contract_of[rng.randrange(len(contract_of))]
                else:
                    client = rng.choices(client_ids, cum_weights=client_cum)[0]
                    code = rng.choices(service_codes, cum_weights=service_cum)[0]
                price, (q_low, q_high), rates, text = SERVICE_PROFILE.get(
                    code, (10_000, (1, 3), (2100,), "Servicio")
                )
                net_by_rate: dict[int, int] = {}
                first_line: tuple[int, int] | None = None
                for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                    quantity = rng.randint(q_low, q_high)
                    unit = max(100, int(price * rng.uniform(0.5, 1.6)))
                    rate = rates[0] if len(rates) == 1 or rng.random() < 0.7 else rates[1]
                    line_sink.add((line_id, pk, text, f"{quantity}.000", _money(unit), _money(rate)))
                    line_id += 1
                    net_by_rate[rate] = net_by_rate.get(rate, 0) + quantity * unit
                    if first_line is None:
                        first_line = (quantity * unit, rate)
                net = sum(net_by_rate.values())
                vat = vat_cents(net_by_rate)
                gross = net + vat
                roll = rng.random()
                if day >= draft_from and roll < 0.3:
                    status, number = "draft", None
                else:
                    status = "cancelled" if roll < 0.01 else "issued"
                    seq = counters.get((SERIES, year), 0) + 1
                    counters[(SERIES, year)] = seq
                    number = f"{SERIES}{year}-{seq:04d}"
                service_pk = lines_by_code[code].pk
                invoice_sink.add(
                    (
                        pk, SERIES, number, day.isoformat(), (day + timedelta(days=30)).isoformat(), client,
                        contract, service_pk, status, None, None, _money(net), _money(vat), _money(gross), "",
                    )
                )  # fmt: skip
                if status != "issued":
                    continue
                tally.add(tally.accrual, year, net)
                owed = gross
                if first_line is not None and rng.random() < 0.012:
                    line_net, rate = first_line
                    to_credit.append((pk, client, service_pk, line_net, rate, day))
                    owed = gross - line_net - vat_cents({rate: line_net})
                pay = rng.random()
                if pay < 0.08 or owed <= 0:
                    continue  # unpaid
                amount = owed if pay > 0.15 else max(1, owed // 2)
                paid_on = day + timedelta(days=rng.randrange(0, 75))
                if paid_on > last_day:
                    continue
                pnet = payment_net_cents(amount, net, gross)
                payment_sink.add(
                    (payment_id, pk, paid_on.isoformat(), _money(amount), rng.choice(PAYMENT_METHODS), "",
                     _money(pnet))
                )  # fmt: skip
                payment_id += 1
                tally.add(tally.cash, paid_on.year, pnet)
            progress(f"{year}: {count} invoices")
        for sink in (invoice_sink, line_sink, payment_sink):
            sink.close()
        for (series, year), last in counters.items():
            InvoiceNumberCounter.objects.update_or_create(series=series, year=year, defaults={"last": last})

        # -- Member turnover: the months take the margin rule in force (created when there is no rule
        # at all), or their own historical rates when some other rule set exists.
        own_rates: tuple[str | None, str | None] = (None, None)
        if not MarginRule.objects.exists():
            services_actions.margin_rule_create(
                name="Smart 7,5 %",
                valid_from=first_day,
                structure_rate=Decimal("5.50"),
                fund_rate=Decimal("2.00"),
            )
        else:
            own_rates = ("5.50", "2.00")
        taken = set(MemberTurnover.objects.values_list("month", flat=True))
        turnover_sink = Sink(
            MemberTurnover, ["id", "month", "turnover", "active_members", "structure_rate", "fund_rate"]
        )
        turnover_id = _next_id(MemberTurnover)
        monthly = max(1_000_000, options.invoices * 40_000 // (12 * max(1, options.years)))
        month = first_day
        index = 0
        while month <= last_day:
            if month not in taken:
                turnover = int(monthly * (1 + 0.01 * index) * rng.uniform(0.8, 1.2))
                turnover_sink.add(
                    (turnover_id, month.isoformat(), _money(turnover), rng.randint(80, 400), *own_rates)
                )
                turnover_id += 1
            index += 1
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        turnover_sink.close()

        # -- Funding: sources, receipts, the loan, shared services, expenses, budgets.
        def source(code: str, name: str, kind: str) -> FundingSource:
            found = FundingSource.objects.filter(code=code).first()
            return found or funding_actions.source_create(code=code, name=name, kind=kind)

        parent = source("smart-belgium", "Smart Belgium", SourceKind.PARENT_SUPPORT)
        grant = source("junta-andalucia", "Junta de Andalucía", SourceKind.GRANT)
        other = source("fundacion-sur", "Fundación Sur", SourceKind.OTHER)
        lender = source("fiare", "Fiare Banca Etica", SourceKind.LOAN)
        shared = source("coops-andalucia", "Cooperativas andaluzas", SourceKind.SHARED_SERVICES)

        receipt_sink = Sink(
            FundingReceipt, ["id", "source_id", "agreement_id", "date", "amount", "reference", "description"]
        )
        receipt_id = _next_id(FundingReceipt)
        n_receipts = max(24 * len(years), options.invoices // 500)
        span = (last_day - first_day).days + 1
        for _ in range(n_receipts):
            day = first_day + timedelta(days=rng.randrange(span))
            early = day.year < years[0] + 4
            chosen = parent if early and rng.random() < 0.5 else (grant if rng.random() < 0.4 else other)
            amount = rng.randint(50_000, 2_000_000)
            receipt_sink.add(
                (receipt_id, chosen.pk, None, day.isoformat(), _money(amount), f"GEN-{receipt_id:08d}", "")
            )
            receipt_id += 1
        receipt_sink.close()

        loan_year = years[min(3, len(years) - 1)]
        loan_start = date(loan_year, 3, 1)
        reference = f"FIARE-{options.seed}-{loan_year}"
        if loan_start <= last_day and not lender.loans.filter(reference=reference).exists():
            principal = Decimal(_money(max(3_000_000, options.invoices * 20)))
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
            funding_actions.loan_pay_due_instalments(loan=loan, on=last_day)

        categories = {c.code: c for c in ExpenseCategory.objects.all()}
        cat_codes = [c for c in CATEGORY_PROFILE if c in categories] or sorted(categories)
        cat_cum = []
        acc = 0
        for code in cat_codes:
            acc += CATEGORY_PROFILE.get(code, (1, 0))[0]
            cat_cum.append(acc)
        expense_sink = Sink(
            Expense, ["id", "date", "category_id", "supplier", "amount", "reference", "description"]
        )
        expense_id = _next_id(Expense)
        spent_by: dict[tuple[int, str], int] = {}
        for year, count in _year_counts(
            max(len(years), options.invoices // 20), years, last_day, rng
        ).items():
            for day in _days(year, count, last_day, rng):
                code = rng.choices(cat_codes, cum_weights=cat_cum)[0]
                typical = CATEGORY_PROFILE.get(code, (1, 10_000))[1]
                amount = max(100, int(typical * rng.uniform(0.3, 1.8)))
                expense_sink.add(
                    (expense_id, day.isoformat(), categories[code].pk, rng.choice(SUPPLIERS), _money(amount),
                     f"EXP-{expense_id:09d}", "")
                )  # fmt: skip
                expense_id += 1
                tally.add(tally.expenses, year, amount)
                spent_by[(year, code)] = spent_by.get((year, code), 0) + amount
        expense_sink.close()

        for year in years[:2]:
            if not shared.shared_service_costs.filter(year=year).exists():
                funding_actions.shared_service_cost_create(
                    source=shared,
                    year=year,
                    service="Gestoría y local compartidos",
                    total_cost=Decimal("90000.00"),
                    share_paid=Decimal("15000.00"),
                    standalone_cost=Decimal("40000.00"),
                )
        for year in years:
            lines = {
                categories[code]: Decimal(
                    _money(int(spent_by.get((year, code), 0) * rng.uniform(0.9, 1.1)) + 100)
                )
                for code in cat_codes
            }
            budget = funding_actions.budget_create(year=year, label=f"Presupuesto {year}", lines=lines)
            funding_actions.budget_approve(budget=budget, on=date(year, 1, 15))
            for line in lines_by_code.values():
                services_actions.revenue_target_set(
                    service_line=line,
                    year=year,
                    amount=Decimal(_money(options.invoices * 1_000 // len(years))),
                )

        sinks = (clients, contracts, invoice_sink, line_sink, payment_sink, turnover_sink, receipt_sink)
        for sink in (*sinks, expense_sink):
            tally.rows[sink.table] = sink.written
    return tally


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL ANALYZE, SQLite ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def holds_records() -> bool:
    from funding.models import Expense, FundingReceipt
    from services.models import Client, Invoice

    return any(model.objects.exists() for model in (Invoice, Client, Expense, FundingReceipt))
