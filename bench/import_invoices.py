"""Benchmark (not a test): import 100,000 invoices with `manage.py import_records` on PostgreSQL.

    .venv/bin/python bench/import_invoices.py                      # 100,000 and 10,000 rows
    .venv/bin/python bench/import_invoices.py --rows 20000 --small 2000
    BENCH_IMPORT_URL=postgres://postgres@127.0.0.1:5432/other .venv/bin/python bench/import_invoices.py

For each size the database (default `si_import_bench`) is dropped, created and migrated, a CSV of
invoices is generated in a temporary directory (500 clients, the five seeded service lines,
issue dates over 2020-2024, 2 % cancelled, 1 % credit notes correcting an earlier invoice of the
file), and the import runs in a child process (`import_records invoices FILE --user bench`). The
child reports its wall time and peak resident memory (`resource.getrusage`, ru_maxrss); the same
file is then imported a second time (every row unchanged). Comparing the peaks of the small and
the large file shows whether memory grows with the file. Results are printed as Markdown for
docs/benchmarks.md ("Import of 100,000 invoices").
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = os.environ.get("BENCH_IMPORT_URL", "postgres://postgres@127.0.0.1:5432/si_import_bench")
SERVICES = ["project-support", "it-licensing", "prl-training", "admin-services", "crowdfunding"]
COLUMNS = [
    "number",
    "issue_date",
    "client",
    "client_tax_id",
    "service",
    "net_amount",
    "vat_rate",
    "status",
    "due_date",
    "contract",
    "corrects",
]


def cif(seed: int) -> str:
    """A valid Spanish CIF (company tax id) for client number `seed`."""
    from stdnum.es import cif as cif_module

    base = f"B{seed:07d}"
    return base + cif_module.calc_check_digits(base)[0]


def generate(path: Path, rows: int, *, seed: int = 7) -> None:
    rng = random.Random(seed)
    clients = [(f"Cliente {i:03d} SL", cif(1_000_000 + i)) for i in range(500)]
    start = date(2020, 1, 1)
    issued: list[tuple[str, int, int]] = []  # (number, client index, net cents) of credit-note targets
    sequences: dict[tuple[str, int], int] = {}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index in range(rows):
            day = start + timedelta(days=index * 1826 // rows)
            if issued and index % 100 == 99:  # 1 % credit notes against an earlier invoice
                number_of, client_index, cents = issued.pop(rng.randrange(len(issued)))
                series, credited = "R", -rng.randint(1, cents)
                corrects = number_of
            else:
                series, corrects = "F", ""
                client_index = rng.randrange(len(clients))
                credited = rng.randint(5_000, 2_000_000)
            sequences[(series, day.year)] = sequences.get((series, day.year), 0) + 1
            number = f"{series}{day.year}-{sequences[(series, day.year)]:06d}"
            status = "cancelled" if not corrects and index % 50 == 7 else "issued"
            if not corrects and status == "issued" and len(issued) < 5_000:
                issued.append((number, client_index, credited))
            name, tax_id = clients[client_index]
            amount = (
                f"{credited // 100}.{abs(credited) % 100:02d}"
                if credited >= 0
                else f"-{abs(credited) // 100}.{abs(credited) % 100:02d}"
            )
            due = (day + timedelta(days=30)).strftime("%d/%m/%Y") if index % 3 == 0 else ""
            writer.writerow(
                [
                    number,
                    day.isoformat(),
                    name,
                    tax_id,
                    SERVICES[index % 5],
                    amount,
                    "21",
                    status,
                    due,
                    "",
                    corrects,
                ]
            )


def psql_admin(url: str, sql: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(sql)


def fresh_database(url: str, env: dict[str, str]) -> None:
    name = urlparse(url).path.lstrip("/")
    psql_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql_admin(url, f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.contrib.auth.models import User; User.objects.create_user('bench')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )


def child(file: str) -> None:
    """Run in a fresh process: the import, its wall time and this process's peak RSS."""
    import resource

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    code = 0
    try:
        call_command("import_records", "invoices", file, "--user", "bench")
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM services_invoice")
        invoices = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM services_historicalinvoice WHERE history_user_id IS NOT NULL")
        history = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "exit": code,
                "seconds": seconds,
                "peak_mb": peak_kb / 1024,
                "invoices": invoices,
                "history_with_user": history,
                "db_version": version,
            }
        )
    )


def measure(rows: int, url: str, workdir: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_SETTINGS_MODULE": "smartiberica.settings",
    }
    path = workdir / f"invoices-{rows}.csv"
    generate(path, rows)
    fresh_database(url, env)
    runs = []
    for label in ("first import", "same file again"):
        process = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if process.returncode != 0:
            sys.exit(f"the child failed:\n{process.stdout}\n{process.stderr}")
        data = json.loads(process.stdout.strip().splitlines()[-1])
        output = process.stdout.strip().splitlines()[:-1]
        data.update(
            label=label,
            rows=rows,
            file_mb=path.stat().st_size / 1e6,
            output=output,
            errors=process.stderr.strip().splitlines()[:5],
        )
        runs.append(data)
        print(
            f"{rows:>7,} rows, {label}: exit {data['exit']}, {data['seconds']:.1f} s, "
            f"{rows / data['seconds']:,.0f} rows/s, peak RSS {data['peak_mb']:.0f} MB; {' '.join(output)}"
        )
    return {"rows": rows, "runs": runs}


def markdown(results: list[dict[str, Any]]) -> str:
    version = results[0]["runs"][0]["db_version"].split(" on ")[0]
    lines = [
        "## Import of 100,000 invoices",
        "",
        f"`bench/import_invoices.py` on {version}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; `import_records invoices FILE --user bench` in a fresh process "
        "(DEBUG off), wall time of the command and peak resident memory of the process.",
        "",
        "| rows | file | run | exit | seconds | rows/s | peak RSS |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for run in result["runs"]:
            lines.append(
                f"| {run['rows']:,} | {run['file_mb']:.1f} MB | {run['label']}: {' '.join(run['output'])} | "
                f"{run['exit']} | {run['seconds']:.1f} | {run['rows'] / run['seconds']:,.0f} | "
                f"{run['peak_mb']:.0f} MB |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="a smaller file, to compare memory peaks")
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return
    with tempfile.TemporaryDirectory(prefix="si-import-bench-") as workdir:
        results = [
            measure(rows, options.database, Path(workdir)) for rows in (options.small, options.rows) if rows
        ]
    print()
    print(markdown(results))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
