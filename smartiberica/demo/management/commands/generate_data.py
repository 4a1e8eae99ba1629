"""Synthetic benchmark data: `manage.py generate_data --invoices N --years Y --seed S`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from smartiberica.demo import synthetic


class Command(BaseCommand):
    help = (
        "Generate synthetic but realistic records for benchmarks: clients, contracts, invoices with "
        "lines, credit notes, payments, member turnover, expenses, funding sources and receipts, a loan "
        "and its repayments, shared services, approved budgets and revenue targets, over the last Y "
        "years up to today. Deterministic for a seed. The big tables are written in batches (COPY on "
        "PostgreSQL, executemany on SQLite) WITHOUT per-row history (django-simple-history rows are "
        "skipped for them; the small funding records go through the actions and have history). Every "
        "value satisfies the models' constraints and the totals rules. Refuses a database that already "
        "holds records unless --append is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--invoices", type=int, default=10_000, help="Invoices to write (credit notes included)."
        )
        parser.add_argument(
            "--years", type=int, default=10, help="Years of history, ending in the current year."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument(
            "--append", action="store_true", help="Add to a database that already holds records."
        )
        parser.add_argument("--no-analyze", action="store_true", help="Skip ANALYZE after loading.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["invoices"] < 1 or not 1 <= options["years"] <= 50:
            raise CommandError("--invoices must be ≥ 1 and --years between 1 and 50.")
        if synthetic.holds_records() and not options["append"]:
            raise CommandError(
                "The database already holds records; use --append to add synthetic data to them "
                "(or use an empty database)."
            )
        started = time.perf_counter()

        def progress(message: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {message} ({time.perf_counter() - started:.1f} s)")

        tally = synthetic.generate(
            synthetic.Options(invoices=options["invoices"], years=options["years"], seed=options["seed"]),
            progress=progress,
        )
        written = time.perf_counter() - started
        if not options["no_analyze"]:
            synthetic.analyze()
        elapsed = time.perf_counter() - started
        rows = ", ".join(f"{table}: {count}" for table, count in tally.rows.items())
        self.stdout.write(f"Wrote {rows} on {connection.vendor}.")
        self.stdout.write(
            f"{options['invoices']} invoices in {written:.1f} s: "
            f"{options['invoices'] / written:,.0f} invoices/s, rollups included "
            f"({elapsed:.1f} s with ANALYZE)."
        )
