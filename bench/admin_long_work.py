"""Benchmark (not a test): the long requests of the admin against the gunicorn worker timeout.

    .venv/bin/python bench/admin_long_work.py                         # both backends, 10,000 and 100,000 rows
    .venv/bin/python bench/admin_long_work.py --only sqlite --rows 20000 --small 0

For each backend (PostgreSQL `si_admin_long_work` from BENCH_ADMIN_PG_URL, SQLite
`var/bench/admin_long_work.sqlite3`) and each size, the database is dropped, created and migrated,
the invoice CSV of bench/import_invoices.py is generated, and a fresh process (DEBUG off) times,
through Django's test client as a user of the Staff group:

1. the import preview (POST of the file to the invoice import: everything checked, rolled back);
2. the confirmation (the same file imported for real);
3. the staff export of the invoice list, CSV then XLSX, of every invoice now stored (the whole
   response read, as a browser downloading it would).

Each time is compared with gunicorn's worker timeout (gunicorn.conf.py, 60 s unless
GUNICORN_TIMEOUT). Results are printed as Markdown for docs/benchmarks.md ("Long admin requests").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_invoices import fresh_database, generate  # noqa: E402

BACKENDS = {
    "postgresql": os.environ.get(
        "BENCH_ADMIN_PG_URL", "postgres://postgres@127.0.0.1:5432/si_admin_long_work"
    ),
    "sqlite": f"sqlite:///{ROOT / 'var' / 'bench' / 'admin_long_work.sqlite3'}",
}


def worker_timeout() -> int:
    namespace: dict[str, Any] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)
    return int(namespace["timeout"])


# --- Child: one backend, one file ---------------------------------------------------------------------


def child(file: str, *, exports_only: bool = False) -> None:
    import resource

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from smartiberica.kernel.roles import STAFF

    user, created = User.objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    if created:
        user.groups.add(Group.objects.get(name=STAFF))
    client = Client()
    client.force_login(user)
    steps: list[dict[str, Any]] = []

    def timed(label: str, send: Any) -> Any:
        started = time.perf_counter()
        response = send()
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seconds = time.perf_counter() - started
        steps.append(
            {
                "step": label,
                "status": response.status_code,
                "seconds": seconds,
                "bytes": len(body),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
        print(
            f"  {label}: {response.status_code}, {seconds:.1f} s, {len(body) / 1e6:.1f} MB", file=sys.stderr
        )
        return response, body

    base = "/admin/services/invoice/"
    # Plain static names: the hashed ones need a collectstatic run, irrelevant here.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        outcome = None
        if not exports_only:
            outcome = _import(timed, client, base, file)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM services_invoice")
            invoices = cursor.fetchone()[0]
        timed("export CSV", lambda: client.post(base + "export/", {"format": "0", "resource": "0"}))
        timed("export XLSX", lambda: client.post(base + "export/", {"format": "1", "resource": "0"}))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = f"{connection.vendor} {cursor.fetchone()[0].split(' on ')[0]}"
    print(json.dumps({"steps": steps, "previewed": outcome, "invoices": invoices, "db_version": version}))


def _import(timed: Any, client: Any, base: str, file: str) -> bool:
    """Preview then confirm the file; whether the preview offered the confirmation."""
    with open(file, "rb") as handle:
        _preview, body = timed(
            "import preview", lambda: client.post(base + "import/", {"import_file": handle})
        )
    found = re.search(rb'name="token" value="([0-9a-f]{32})"', body)
    token = found.group(1).decode() if found else ""
    timed(
        "import confirm",
        lambda: client.post(base + "process_import/", {"token": token, "file_name": "invoices.csv"}),
    )
    return b'data-outcome="preview"' in body


# --- Parent --------------------------------------------------------------------------------------------


def measure(backend: str, rows: int, workdir: Path, *, exports_only: bool = False) -> dict[str, Any]:
    url = BACKENDS[backend]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "smartiberica.settings",
        "DJANGO_ENV_FILE": "/nonexistent",
    }
    path = workdir / f"invoices-{rows}.csv"
    if exports_only:  # the data a previous run imported is exported again
        path.write_text("")
    elif not path.exists():
        generate(path, rows)
    if exports_only:
        pass
    elif backend == "postgresql":
        fresh_database(url, env)
    else:
        database = Path(url.removeprefix("sqlite:///"))
        database.parent.mkdir(parents=True, exist_ok=True)
        for leftover in database.parent.glob(database.name + "*"):
            leftover.unlink()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    print(f"{backend}, {rows:,} rows:", file=sys.stderr)
    process = subprocess.run(
        [sys.executable, __file__, "--child", str(path), *(["--exports-only"] if exports_only else [])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    if process.returncode != 0:
        sys.exit(f"the child failed:\n{process.stdout}")
    data = json.loads(process.stdout.strip().splitlines()[-1])
    data.update(backend=backend, rows=rows, file_mb=path.stat().st_size / 1e6)
    return data


def markdown(results: list[dict[str, Any]], timeout: int) -> str:
    versions = ", ".join(sorted({r["db_version"] for r in results}))
    lines = [
        f"`bench/admin_long_work.py` on {versions}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; Django test client in one process, DEBUG off, a Staff user; "
        f"gunicorn worker timeout {timeout} s. Time = the whole response, read to its last byte.",
        "",
        "| backend | file rows | step | status | seconds | of the timeout | response | peak RSS |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for step in result["steps"]:
            label = step["step"]
            if label.startswith("export"):
                label += f" of {result['invoices']:,} invoices"
            lines.append(
                f"| {result['backend']} | {result['rows']:,} | {label} | {step['status']} | "
                f"{step['seconds']:.1f} | {step['seconds'] / timeout:.0%} | {step['bytes'] / 1e6:.1f} MB | "
                f"{step['peak_mb']:.0f} MB |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--only", choices=sorted(BACKENDS))
    parser.add_argument(
        "--exports-only", action="store_true", help="time the exports of the data already imported"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child, exports_only=options.exports_only)
        return
    backends = [options.only] if options.only else ["postgresql", "sqlite"]
    results = []
    with tempfile.TemporaryDirectory(prefix="si-admin-bench-") as workdir:
        for backend in backends:
            for rows in (options.small, options.rows):
                if rows:
                    results.append(measure(backend, rows, Path(workdir), exports_only=options.exports_only))
    print()
    print(markdown(results, worker_timeout()))


if __name__ == "__main__":
    main()
