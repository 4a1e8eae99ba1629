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

Modules: `synthetic_plan` (profiles, cents, the run), `synthetic_writing` (the batched writes),
`synthetic_services` and `synthetic_funding` (one writer per kind of record).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import ExitStack

from django.db import connection, transaction

from funding.actions import funding_rollups_rebuild
from funding.models import Expense, FundingReceipt
from services.actions import services_rollups_rebuild
from services.models import Client, Invoice, InvoiceLine, Payment
from smartiberica.demo.synthetic_funding import write_funding
from smartiberica.demo.synthetic_plan import Options, Run, Tally
from smartiberica.demo.synthetic_services import (
    InvoiceWriter,
    service_lines,
    write_clients,
    write_contracts,
    write_member_turnover,
)
from smartiberica.demo.synthetic_writing import indexes_built_after
from smartiberica.kernel.dates import today

__all__ = ["Options", "Tally", "analyze", "generate", "holds_records"]


def generate(options: Options, *, progress: Callable[[str], None] = lambda _m: None) -> Tally:
    """Write the synthetic records (the caller decides about existing data). Deterministic per seed.

    The writers run in a fixed order because they share one random source.
    """
    run = Run(options=options, last_day=today(), rng=random.Random(options.seed))
    customers = service_lines()
    with transaction.atomic(), ExitStack() as deferred:
        sinks = [write_clients(run, customers), write_contracts(run, customers)]
        progress(f"{sinks[0].written} clients, {sinks[1].written} contracts")
        # Into empty tables on PostgreSQL, the secondary indexes and foreign keys of invoices, their
        # lines and payments are built once, when the generation ends (see `indexes_built_after`).
        deferred.enter_context(
            indexes_built_after([Invoice, InvoiceLine, Payment], enabled=not Invoice.objects.exists())
        )
        sinks += InvoiceWriter(run, customers).write(progress)
        sinks.append(write_member_turnover(run))
        sinks += write_funding(run, list(customers.lines_by_code.values()))
        for sink in sinks:
            run.tally.rows[sink.table] = sink.written
    # The bulk load bypassed the actions that keep the monthly rollups in step: rebuild them, with
    # fresh statistics first (without them the planner takes millions of rows for a few, and the
    # receivables' per-invoice sums scan the payments for every invoice).
    analyze()
    funding_rollups_rebuild()
    services_rollups_rebuild()
    progress("rollups rebuilt")
    return run.tally


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL ANALYZE, SQLite ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def holds_records() -> bool:
    return any(model.objects.exists() for model in (Invoice, Client, Expense, FundingReceipt))
