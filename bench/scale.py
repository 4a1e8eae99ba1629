"""`make bench` (second part): the board's pages and the projection as history grows, 10 k to 10 M invoices.

    python bench/scale.py                        # PostgreSQL 10k, 100k, 1M, 10M; SQLite 100k
    python bench/scale.py --sizes 10k,1m         # some sizes only
    python bench/scale.py --only sqlite
    python bench/scale.py --runs 1               # one run of each size instead of three

Each (backend, size) runs in its own process on its own database, generated once with
`generate_data --years 10 --seed 1` (which rebuilds the rollups) and reused: PostgreSQL
`si_scale_<size>` (BENCH_SCALE_PG, a URL template with `{size}`), SQLite
`var/bench/scale-<size>.sqlite3`. The years before last are approved (closed) once, as a board
would have done, so a closed year is served from its snapshot and the open years from the
rollups. Each page is requested in-process with Django's test client as a logged-in superuser,
with the production settings (DEBUG off, whatever .env says): two warm-up rounds, then fifteen,
every page requested in turn in each round. The sizes are measured in turn three times over
(`--runs`) and each cell is the median of all their times: this VM's speed drifts by up to two
times within minutes, and one run per size put a slow minute on one size's whole column. The
table goes to docs/benchmarks.md between the scale markers. Disk: about 0.85 GB of PostgreSQL data per
million invoices (8.4 GB at 10 M).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- scale:start -->", "<!-- scale:end -->"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
PG_URL = os.environ.get("BENCH_SCALE_PG", "postgres://postgres@127.0.0.1:5432/si_scale_{size}")
YEARS, SEED, REPEAT, WARMUP, RUNS = 10, 1, 15, 2, 3


def _samples_ms(requests: dict[str, Any]) -> dict[str, list[float]]:
    """The times of each request, requested in turns: `WARMUP` rounds, then `REPEAT` timed rounds
    of every request one after the other. Taking turns spreads a slow second of the machine (this
    VM has them) over every request instead of one request's whole sample."""
    for _ in range(WARMUP):
        for fn in requests.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in requests}
    for _ in range(REPEAT):
        for name, fn in requests.items():
            started = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def _prepare(invoices: int) -> None:
    """Migrate, generate once, close the years before last, and leave statistics fresh."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from services.models import Invoice
    from smartiberica.board.closing import year_close
    from smartiberica.kernel.closed_years import closed_years
    from smartiberica.kernel.dates import current_year

    call_command("migrate", verbosity=0)
    present = Invoice.objects.count()
    if present == 0:
        call_command("generate_data", invoices=invoices, years=YEARS, seed=SEED, verbosity=0)
    elif present != invoices:
        raise SystemExit(f"the database holds {present} invoices, not {invoices}: drop it to regenerate.")
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    closed = closed_years()
    for year in range(current_year() - YEARS + 1, current_year() - 1):
        if year not in closed:
            year_close(year=year, user=user, note="bench")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _create_pg_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def child(vendor: str, size: str, run: int) -> None:
    invoices = SIZES[size]
    url = PG_URL.format(size=size) if vendor == "postgresql" else f"sqlite:///{OUT / f'scale-{size}.sqlite3'}"
    if vendor == "postgresql":
        _create_pg_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartiberica.settings")
    # The production settings `make serve` runs with, not the .env's development ones: DEBUG off
    # (templates parsed once and cached, no SQL kept per request), hashed static files.
    os.environ.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-not-secret",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(OUT / "static"),
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from smartiberica.kernel.dates import current_year

    started = time.perf_counter()
    _prepare(invoices)
    prepared = time.perf_counter() - started
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    closed, open_ = current_year() - 3, current_year()
    targets = {
        f"year page, closed year ({closed})": f"/years/{closed}/",
        "year page, closed year, cash": f"/years/{closed}/?basis=cash",
        f"year page, open year ({open_})": f"/years/{open_}/",
        "year page, open year, cash": f"/years/{open_}/?basis=cash",
        "multi-year page": "/years/",
        "multi-year page, cash": "/years/?basis=cash",
        "JSON API, open year": f"/api/years/{open_}/",
        "JSON API, open year, cash": f"/api/years/{open_}/?basis=cash",
        "projection API, open year": f"/api/years/{open_}/forecast/",
        "projection API, open year, cash": f"/api/years/{open_}/forecast/?basis=cash",
    }

    def get(path: str) -> Any:
        def request() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return request

    samples = _samples_ms({name: get(path) for name, path in targets.items()})
    for name, found in samples.items():
        print(f"  {vendor:10} {size:>4} {name:36} {statistics.median(found):8.1f} ms", flush=True)
    (OUT / f"scale-{vendor}-{size}-{run}.json").write_text(
        json.dumps({"vendor": vendor, "size": size, "prepared_s": prepared, "samples": samples}, indent=2)
    )


def combined(vendor: str, size: str, runs: int) -> dict[str, Any]:
    """The median of each request over the samples of every run of (vendor, size)."""
    found = [json.loads((OUT / f"scale-{vendor}-{size}-{run}.json").read_text()) for run in range(runs)]
    names = list(found[0]["samples"])
    results = {name: statistics.median([t for one in found for t in one["samples"][name]]) for name in names}
    return {"vendor": vendor, "size": size, "results": results}


def machine_speed() -> float:
    """Seconds a fixed Python loop (ten million additions) takes: this VM's speed drifts by up to
    two times within a session, so each table says how fast the machine was around its runs."""
    started = time.perf_counter()
    total = 0
    for n in range(10_000_000):
        total += n
    return time.perf_counter() - started


def report(runs: list[dict[str, Any]], passes: int, speeds: tuple[float, float] | None = None) -> str:
    names = list(runs[0]["results"]) if runs else []
    header = "| page | " + " | ".join(f"{r['vendor']} {r['size']}" for r in runs) + " |"
    lines = [header, "| --- |" + " ---: |" * len(runs)]
    for name in names:
        cells = " | ".join(f"{r['results'][name]:.1f} ms" for r in runs)
        lines.append(f"| {name} | {cells} |")
    by_size = {(r["vendor"], r["size"]): r for r in runs}
    one, ten = by_size.get(("postgresql", "1m")), by_size.get(("postgresql", "10m"))
    if one and ten:
        growth = {name: ten["results"][name] / one["results"][name] for name in names}
        lines += [
            "",
            "Growth from 1 M to 10 M on PostgreSQL (goal ≤ 1.5×): "
            + ", ".join(f"{name} {g:.2f}×" for name, g in growth.items())
            + ".",
        ]
    lines += [
        "",
        f"Medians of {REPEAT * passes} in-process requests ({passes} runs of every size in turn, each "
        f"{REPEAT} rounds after {WARMUP} warm-ups, the pages requested in turns), "
        "logged in as a superuser; "
        "closed years are served from their approved snapshot, open years from the rollups.",
    ]
    if speeds is not None:
        lines += [
            "",
            f"Machine speed: a fixed Python loop of ten million additions took {speeds[0]:.2f} s before "
            f"the runs and {speeds[1]:.2f} s after them (`machine_speed`).",
        ]
    return "\n".join(lines)


def write_doc(block: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    section = f"{START}\n## Pages as history grows (issue 17)\n\n{block}\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10k,100k,1m,10m")
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--child", nargs=3, metavar=("VENDOR", "SIZE", "RUN"))
    args = parser.parse_args()
    if args.child:
        vendor, size, run = args.child
        child(vendor, size, int(run))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    plan = [("postgresql", s) for s in args.sizes.split(",") if s in SIZES] + [("sqlite", "100k")]
    plan = [p for p in plan if args.only in (None, p[0])]
    before = machine_speed()
    # Every size in turn, `--runs` times over: the machine's slow minutes fall on every size
    # rather than on the one measured then.
    for run in range(args.runs):
        for vendor, size in plan:
            print(f"{vendor} {size} (run {run + 1} of {args.runs})", flush=True)
            subprocess.run([sys.executable, __file__, "--child", vendor, size, str(run)], check=True)
    runs = [combined(v, s, args.runs) for v, s in plan]
    block = report(runs, args.runs, (before, machine_speed()))
    print(block)
    write_doc(block)


if __name__ == "__main__":
    main()
