# ruff: noqa: E501  (SQL and Markdown table lines read better unwrapped)
"""`make bench`: the board pages, the API, the export and the admin list against the SQL floor.

    python bench/run.py                 # PostgreSQL 1,000,000 invoices, then SQLite 100,000
    python bench/run.py --only sqlite   # one backend
    python bench/run.py --quick         # fewer repetitions

Each backend runs in its own process (Django settings are per process) on its own database:
PostgreSQL `si_bench_pg` (BENCH_PG_URL), SQLite `var/bench/bench.sqlite3`. Data is generated
once with `generate_data --seed 1` and reused while the database holds the expected number of
invoices. Every target is requested in-process with Django's test client as a logged-in
superuser (DEBUG settings of .env, no cache); the floor is the same aggregates as one
hand-written SQL statement. The results are printed and written to docs/benchmarks.md between
the bench markers (other sections of that file are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
BACKENDS = {
    "postgresql": (
        os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/si_bench_pg"),
        1_000_000,
    ),
    "sqlite": (f"sqlite:///{OUT / 'bench.sqlite3'}", 100_000),
}
YEARS = 10
SEED = 1


# --- Child: one backend ----------------------------------------------------------------------------


def _timed(fn: Any, repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "runs": len(ordered)}


def floors(vendor: str, year: int, first_year: int) -> dict[str, tuple[str, list[Any]]]:
    """One hand-written SQL statement per target: the aggregates its page needs."""
    pg = vendor == "postgresql"
    y = (
        (lambda c: f"CAST(EXTRACT(YEAR FROM {c}) AS integer)")
        if pg
        else (lambda c: f"CAST(substr({c},1,4) AS integer)")
    )
    m = (
        (lambda c: f"CAST(EXTRACT(MONTH FROM {c}) AS integer)")
        if pg
        else (lambda c: f"CAST(substr({c},6,2) AS integer)")
    )

    def invoices(lo: str, hi: str) -> str:
        where = f"status = 'issued' AND issue_date BETWEEN '{lo}' AND '{hi}'"
        if pg:  # one scan, three groupings
            return (
                f"SELECT 'inv', {y('issue_date')}, {m('issue_date')}, service_line_id, client_id, SUM(net_amount) "
                f"FROM services_invoice WHERE {where} GROUP BY GROUPING SETS "
                f"(({y('issue_date')}, {m('issue_date')}), ({y('issue_date')}, service_line_id), "
                f"({y('issue_date')}, client_id))"
            )
        return " UNION ALL ".join(
            f"SELECT 'inv', {y('issue_date')}, {a}, {b}, {c}, SUM(net_amount) FROM services_invoice WHERE {where} "
            f"GROUP BY {y('issue_date')}, {g}"
            for a, b, c, g in (
                (m("issue_date"), "NULL", "NULL", m("issue_date")),
                ("NULL", "service_line_id", "NULL", "service_line_id"),
                ("NULL", "NULL", "client_id", "client_id"),
            )
        )

    def funding(lo: str, hi: str) -> str:
        return (
            f" UNION ALL SELECT 'exp', {y('date')}, NULL, category_id, NULL, SUM(amount) FROM funding_expense "
            f"WHERE date BETWEEN '{lo}' AND '{hi}' GROUP BY {y('date')}, category_id"
            f" UNION ALL SELECT 'rec', {y('date')}, NULL, source_id, NULL, SUM(amount) FROM funding_fundingreceipt "
            f"WHERE date <= '{hi}' GROUP BY {y('date')}, source_id"
            f" UNION ALL SELECT 'loan', {y('date')}, NULL, NULL, NULL, SUM(principal + interest) "
            f"FROM funding_loanrepayment WHERE date <= '{hi}' GROUP BY {y('date')}"
            f" UNION ALL SELECT 'turn', {y('month')}, NULL, NULL, NULL, SUM(turnover) FROM services_memberturnover "
            f"WHERE month BETWEEN '{lo}' AND '{hi}' GROUP BY {y('month')}"
        )

    one = invoices(f"{year}-01-01", f"{year}-12-31") + funding(f"{year}-01-01", f"{year}-12-31")
    upto = invoices(f"{first_year}-01-01", f"{year}-12-31") + funding(f"{first_year}-01-01", f"{year}-12-31")
    last = year + 1
    every = invoices(f"{first_year}-01-01", f"{last}-12-31") + funding(f"{first_year}-01-01", f"{last}-12-31")
    page = (
        "SELECT i.id, i.number, i.issue_date, i.status, i.net_amount, i.vat_amount, i.gross_amount, c.name, s.code, "
        "(SELECT SUM(p.amount) FROM services_payment p WHERE p.invoice_id = i.id), "
        "(SELECT SUM(r.gross_amount) FROM services_invoice r WHERE r.corrects_id = i.id AND r.status = 'issued') "
        "FROM services_invoice i JOIN services_client c ON c.id = i.client_id "
        "JOIN services_serviceline s ON s.id = i.service_line_id {where} ORDER BY i.issue_date DESC, i.id DESC LIMIT 50"
    )
    return {
        "year page": (upto, []),
        "JSON API": (one, []),
        "multi-year page": (every, []),
        "XLSX export": (one, []),
        "admin list": (page.format(where=""), []),
        "admin list, year": (
            page.format(where=f"WHERE i.issue_date BETWEEN '{year}-01-01' AND '{year}-12-31'"),
            [],
        ),
        "admin list, search": (page.format(where=f"WHERE i.number LIKE 'F{year}-1234%'"), []),
    }


def _prepared_data(url: str, invoices: int) -> float | None:
    """Migrate, generate the data when the database is empty (its rate in invoices/s, else None),
    and bring the database to a steady state."""
    from django.core.management import call_command
    from django.db import connection

    from services.models import Invoice

    call_command("migrate", verbosity=0)
    present = Invoice.objects.count()
    generation = None
    if present != invoices:
        if present:
            raise SystemExit(f"{url} holds {present} invoices, not {invoices}: drop it to regenerate.")
        started = time.perf_counter()
        call_command("generate_data", invoices=invoices, years=YEARS, seed=SEED)
        generation = invoices / (time.perf_counter() - started)
    # A steady state, as autovacuum leaves it: statistics and the visibility map (index-only scans).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return generation


def _measured(
    client: Client, targets: dict[str, str], sql: dict[str, tuple[str, list[Any]]], vendor: str, repeat: int
) -> dict[str, Any]:
    """Each target's timings in the app and on its SQL floor, with its number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results: dict[str, Any] = {}
    for name, path in targets.items():

        def get(path: str = path) -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        connection.queries_log.clear()  # a full log (9,000 entries) would hide the new ones
        with CaptureQueriesContext(connection) as queries:
            get()
        app = _stats(_timed(get, repeat))
        statement, params = sql[name]

        def floor(statement: str = statement, params: list[Any] = params) -> None:
            with connection.cursor() as cursor:
                cursor.execute(statement, params or None)  # no params: a LIKE's % is no placeholder
                cursor.fetchall()

        low = _stats(_timed(floor, repeat))
        results[name] = {
            "path": path,
            "app": app,
            "floor": low,
            "queries": len(queries),
            "counts": sum("COUNT(" in q["sql"].upper() for q in queries.captured_queries),
        }
        print(
            f"  {vendor:10} {name:20} app {app['median']:8.1f} ms  floor {low['median']:8.1f} ms", flush=True
        )
    return results


def _plans_and_version(sql: dict[str, tuple[str, list[Any]]]) -> tuple[dict[str, str], str]:
    """The PostgreSQL plans of the slowest floors, and the database's version."""
    from django.db import connection

    plans = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in ("year page", "admin list, year", "admin list, search"):
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql[name][0], None)
                plans[name] = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        db_version = cursor.fetchone()[0]
    return plans, db_version


def child(vendor: str, repeat: int) -> None:
    url, invoices = BACKENDS[vendor]
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartiberica.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import tracemalloc

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from smartiberica.kernel.dates import current_year

    generation = _prepared_data(url, invoices)
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    year = current_year() - 1  # the last complete year
    first_year = current_year() - YEARS + 1
    targets = {
        "year page": f"/years/{year}/",
        "JSON API": f"/api/years/{year}/",
        "multi-year page": "/years/",
        "XLSX export": f"/years/{year}/export.xlsx",
        "admin list": "/admin/services/invoice/",
        "admin list, year": f"/admin/services/invoice/?issue_date_year={year}",
        "admin list, search": f"/admin/services/invoice/?q=F{year}-1234",
    }
    sql = floors(connection.vendor, year, first_year)
    results = _measured(client, targets, sql, vendor, repeat)
    tracemalloc.start()
    client.get(targets["XLSX export"])
    xlsx_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    plans, db_version = _plans_and_version(sql)
    (OUT / f"results-{vendor}.json").write_text(
        json.dumps(
            {
                "vendor": vendor,
                "invoices": invoices,
                "year": year,
                "generation_rate": generation,
                "xlsx_peak_bytes": xlsx_peak,
                "db_version": db_version,
                "results": results,
                "plans": plans,
            },
            indent=2,
        )
    )


# --- Parent: run the backends, write the report ---------------------------------------------------------


def machine() -> list[str]:
    import django

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
        ram = f"{int(mem.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    return [
        f"- Machine: {os.cpu_count()} cores, {ram} RAM, {cpu}",
        f"- Python {platform.python_version()}, Django {django.get_version()}",
    ]


def report(data: list[dict[str, Any]]) -> str:
    lines = [START, "", "## Measured (`make bench`)", ""]
    lines += machine()
    for d in data:
        rate = (
            f", generated at {d['generation_rate']:,.0f} invoices/s"
            if d["generation_rate"]
            else " (data reused)"
        )
        lines.append(
            f"- {d['vendor']}: {d['db_version'].split(' on ')[0]}; {d['invoices']:,} invoices over {YEARS} years{rate}"
        )
    lines += [
        "",
        "Median and p95 of repeated in-process requests (Django test client, logged-in superuser, no cache) "
        "and of the floor: the same aggregates as one hand-written SQL statement. Goal column: dashboard and "
        "API ≤ 2 × floor + 20 ms, multi-year ≤ 3 × floor, admin list median < 100 ms with ≤ 1 COUNT.",
        "",
        "| backend | target | app median (ms) | app p95 (ms) | floor median (ms) | floor p95 (ms) | app / floor | queries | COUNTs | goal |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for d in data:
        for name, r in d["results"].items():
            app, low = r["app"]["median"], r["floor"]["median"]
            if name == "XLSX export":
                ok = None  # its goal is constant memory, see below the table
            elif name in ("year page", "JSON API"):
                ok = app <= 2 * low + 20
            elif name == "multi-year page":
                ok = app <= 3 * low
            else:
                ok = r["counts"] <= 1 and (app < 100 or d["vendor"] != "postgresql")
            lines.append(
                f"| {d['vendor']} {d['invoices']:,} | {name} | {app:.1f} | {r['app']['p95']:.1f} | {low:.1f} | "
                f"{r['floor']['p95']:.1f} | {app / low:.1f} | {r['queries']} | {r['counts']} | {'—' if ok is None else 'met' if ok else 'NOT met'} |"
            )
    lines.append("")
    for d in data:
        lines.append(
            f"- XLSX export of {d['year']} ({d['vendor']}): peak Python allocation {d['xlsx_peak_bytes'] / 1e6:.1f} MB "
            "(the export holds the year's aggregates, one row per client at most, not the invoices)."
        )
    lines += [
        "",
        "Indexes (from the EXPLAIN ANALYZE plans below; no new index was needed, the existing ones serve):",
        "",
        "- `services_invoice_status_date` (status, issue_date): the year ranges of issued invoices (API, "
        "year page) and the MIN/MAX that replace `SELECT DISTINCT date_trunc` in `years_with_data()`;",
        "- `services_invoice_date_idx` (issue_date, id): the admin list's ORDER BY -issue_date, -id with LIMIT "
        "(no sort of the table) and its year filter;",
        "- the unique index on number and Django's `…_like` (varchar_pattern_ops) index on PostgreSQL: the "
        "search by number prefix (a range scan; on SQLite a BINARY range on the unique index);",
        "- `services_payment_date_idx`, the `date` indexes of expenses, receipts and repayments: cash basis, "
        "funding sums and their MIN/MAX;",
        "- the foreign-key indexes on payment.invoice_id and invoice.corrects_id: the two correlated subqueries "
        "(paid, credited) of the admin list, 50 probes per page.",
        "",
        "Whole-history pages (year page with its trend charts, multi-year page) aggregate every invoice: on "
        "PostgreSQL they are sequential scans for the app and the floor alike; the app makes three grouped "
        "passes (by month, by service line, by client per year) where the floor makes one with GROUPING SETS.",
    ]
    for d in data:
        for name, plan in d.get("plans", {}).items():
            lines += [
                "",
                f"<details><summary>EXPLAIN ANALYZE of the {name} floor ({d['vendor']})</summary>",
                "",
                "```",
                plan,
                "```",
                "</details>",
            ]
    lines += ["", END]
    return "\n".join(lines)


def write_doc(block: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=sorted(BACKENDS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", choices=sorted(BACKENDS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    repeat = 5 if args.quick else 15
    if args.child:
        child(args.child, repeat)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    order = [args.only] if args.only else ["postgresql", "sqlite"]
    for vendor in order:
        print(f"{vendor}: {BACKENDS[vendor][1]:,} invoices", flush=True)
        flags = ["--quick"] if args.quick else []
        subprocess.run([sys.executable, __file__, "--child", vendor, *flags], check=True, cwd=ROOT)
    data = [
        json.loads((OUT / f"results-{v}.json").read_text())
        for v in ["postgresql", "sqlite"]
        if (OUT / f"results-{v}.json").exists()
    ]
    block = report(data)
    write_doc(block)
    print(block)


if __name__ == "__main__":
    main()
