"""Benchmark (not a test): import a bank statement of 1,000 and 10,000 lines and suggest matches.

    .venv/bin/python bench/reconcile.py                                  # both backends, 1,000 and 10,000
    .venv/bin/python bench/reconcile.py --only sqlite --lines 2000

For each backend (PostgreSQL `si_reconcile_bench` from BENCH_RECONCILE_URL, SQLite
`var/bench/reconcile.sqlite3`) and each size, the database is dropped, created and migrated, and a
fresh process (DEBUG off):

1. records one record for every tenth line through the apps' actions (expenses for money out,
   funding receipts for money in), each with the amount of its line, a date up to three days before
   it and a reference the line's description names;
2. builds the statement in memory (kernel `Statement` / `StatementLine` dataclasses: one account,
   the lines spread over a year, amounts from a seeded generator) and imports it with
   `banking.actions.statement_import`;
3. walks every line left to reconcile in batches of 500 (`banking.selectors.unmatched_batch`) and
   suggests matches for each batch (`smartiberica.board.reconciliation.suggest`).

Steps 2 and 3 are timed and their queries counted (`CaptureQueriesContext`). The number of
queries of step 3 is per batch: it must not grow with the lines. Results are printed as Markdown
for docs/benchmarks.md ("Bank reconciliation").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_invoices import fresh_database  # noqa: E402

BACKENDS = {
    "postgresql": os.environ.get(
        "BENCH_RECONCILE_URL", "postgres://postgres@127.0.0.1:5432/si_reconcile_bench"
    ),
    "sqlite": f"sqlite:///{ROOT / 'var' / 'bench' / 'reconcile.sqlite3'}",
}
IBAN = "ES5814650100961234567890"
RECORD_EVERY = 10


# --- Child: one backend, one size ---------------------------------------------------------------------


def _records(lines: list[tuple[Any, Any, str]], year: int) -> int:
    """One record for every tenth line, through the actions; returns how many."""
    from datetime import timedelta

    from funding import actions as funding_actions
    from funding.selectors import categories_by_code

    source = funding_actions.source_create(code="junta", name="Junta de Andalucía", kind="grant")
    category = categories_by_code()["other"]
    made = 0
    for index in range(0, len(lines), RECORD_EVERY):
        day, amount, reference = lines[index]
        on = max(day - timedelta(days=index % 4), day.replace(month=1, day=1))
        if amount > 0:
            funding_actions.receipt_create(source=source, date=on, amount=amount, reference=reference)
        else:
            funding_actions.expense_create(
                date=on, category=category, supplier="Proveedor SL", amount=-amount, reference=reference
            )
        made += 1
    return made


def _statement(size: int, year: int) -> Any:
    import random
    from datetime import date, timedelta
    from decimal import Decimal

    from smartiberica.kernel.statements import Statement, StatementLine

    rng = random.Random(20)
    lines = []
    for index in range(size):
        day = date(year, 1, 1) + timedelta(days=index * 364 // size)
        cents = rng.randint(500, 500_000) * (1 if rng.random() < 0.45 else -1)
        lines.append((day, Decimal(cents).scaleb(-2), f"REF-{index:06d}"))
    movements = tuple(
        StatementLine(
            booking_date=day,
            value_date=day,
            amount=amount,
            currency="EUR",
            reference=f"{index:010d}",
            end_to_end="",
            description=f"TRANSFERENCIA {reference}",
            counterparty_name="Contraparte SL",
            counterparty_iban="",
            bank_code="",
        )
        for index, (day, amount, reference) in enumerate(lines)
    )
    opening = Decimal("100000.00")
    statement = Statement(
        account_iban=IBAN,
        account_name="Cuenta Fiare",
        currency="EUR",
        opening_date=date(year, 1, 1),
        opening_balance=opening,
        closing_date=date(year, 12, 31),
        closing_balance=opening + sum((m.amount for m in movements), Decimal("0.00")),
        lines=movements,
    )
    return lines, statement


def child(size: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from banking.actions import statement_import
    from banking.selectors import unmatched_batch
    from smartiberica.board.reconciliation import BATCH_SIZE, suggest
    from smartiberica.kernel.dates import current_year
    from smartiberica.kernel.statements import ParsedFile, StatementFormat

    year = current_year() - 1
    lines, statement = _statement(size, year)
    records = _records(lines, year)

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as imported:
        statement_import(parsed=ParsedFile(format=StatementFormat.CAMT053, statements=(statement,)))
    import_seconds = time.perf_counter() - started

    batches, suggested, confident, per_batch = 0, 0, 0, set()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as suggesting:
        batch = unmatched_batch(size=BATCH_SIZE)
        while batch:
            before = len(suggesting)
            found = suggest(batch)
            per_batch.add(len(suggesting) - before)
            batches += 1
            suggested += sum(1 for f in found if f.suggestions)
            confident += sum(1 for f in found if f.confident is not None)
            last = batch[-1]
            batch = unmatched_batch(after=(last.booking_date, last.id), size=BATCH_SIZE)
    suggest_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "lines": size,
                "records": records,
                "import_seconds": import_seconds,
                "import_queries": len(imported),
                "suggest_seconds": suggest_seconds,
                "suggest_queries": len(suggesting),
                "batches": batches,
                "queries_per_batch": sorted(per_batch),
                "with_suggestions": suggested,
                "confident": confident,
                "vendor": connection.vendor,
            }
        )
    )


# --- Parent: fresh databases, one child each --------------------------------------------------------------


def measure(backend: str, size: int) -> dict[str, Any]:
    url = BACKENDS[backend]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_SETTINGS_MODULE": "smartiberica.settings",
    }
    if backend == "postgresql":
        fresh_database(url, env)
    else:
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    process = subprocess.run(
        [sys.executable, __file__, "--child", str(size)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if process.returncode != 0:
        raise SystemExit(process.stderr)
    return json.loads(process.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=sorted(BACKENDS))
    parser.add_argument("--lines", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    backends = [args.only] if args.only else list(BACKENDS)
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores\n")
    print(
        "| backend | lines | records | import (s) | import queries | suggest all (s) "
        "| suggest queries | batches of 500 | queries per batch | lines with suggestions | confident |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in backends:
        for size in args.lines:
            r = measure(backend, size)
            per_batch = "–".join(str(n) for n in (min(r["queries_per_batch"]), max(r["queries_per_batch"])))
            print(
                f"| {backend} | {r['lines']:,} | {r['records']:,} | {r['import_seconds']:.2f} "
                f"| {r['import_queries']} | {r['suggest_seconds']:.2f} | {r['suggest_queries']} "
                f"| {r['batches']} | {per_batch} | {r['with_suggestions']:,} | {r['confident']:,} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
