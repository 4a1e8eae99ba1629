"""Load test on loopback: gunicorn (2 sync workers) serving the dashboard and the invoice
changelist to concurrent logged-in users for 60 seconds, measured with wrk.

    .venv/bin/python bench/load_test.py [--seconds 60] [--connections 8]

It builds a production-configured PostgreSQL database with the demo story
(`si_loadtest`), starts gunicorn on 127.0.0.1, runs wrk with a board and a staff
session alternating between the two pages, stops everything, and writes the
result into docs/benchmarks.md between the load-test markers. Traffic goes to
127.0.0.1 only, and every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
START, END = "<!-- loadtest:start -->", "<!-- loadtest:end -->"
LUA = """
-- Alternate the board's dashboard and the staff's invoice changelist; count what is not a 200
-- (a redirect to the login page would be fast and meaningless).
local threads = {{}}
setup = function(thread) table.insert(threads, thread) end
local n = 0
not_ok = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("GET", "{dashboard}", {{["Cookie"] = "sessionid={board}; django_language=es"}})
  end
  local cookie = "sessionid={staff}; django_language=es"
  return wrk.format("GET", "/admin/services/invoice/", {{["Cookie"] = cookie}})
end
response = function(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_ok") end
  io.write(string.format("p95 latency: %.2fms\\n", latency:percentile(95) / 1000))
  io.write(string.format("not 200: %d\\n", total))
end
"""


def run(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def session_for(username: str, env: dict[str, str]) -> str:
    code = (
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        f"u = get_user_model().objects.get(username='{username}');"
        "s = SessionStore(); s[SESSION_KEY] = str(u.pk);"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    return run(PYTHON, "manage.py", "shell", "-c", code, env=env).strip().splitlines()[-1]


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on {url}")


def preflight(port: int, checks: list[tuple[str, str]]) -> None:
    """Every measured page must answer 200 to its session: a redirect to the login page would be
    fast and meaningless."""
    for path, session in checks:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}; django_language=es"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200:
            raise SystemExit(
                f"{path} answered {response.status} {response.getheader('Location')}: {body[:300]!r}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/si_loadtest")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    static_root = tempfile.mkdtemp(prefix="si-static-")
    env = {
        **os.environ,
        "DJANGO_ENV_FILE": os.devnull,
        "DATABASE_URL": options.database,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-test-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS redirect nor secure-only cookies here.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DJANGO_STATIC_ROOT": static_root,
    }
    db_name = options.database.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db_name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db_name], check=True)
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", env=env)
    run(PYTHON, "manage.py", "load_demo", "--force", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=env)
    board, staff = session_for("board", env), session_for("staff", env)
    year = run(
        PYTHON,
        "manage.py",
        "shell",
        "-c",
        "from smartiberica.board.dashboard import latest_year; print(latest_year())",
        env=env,
    )
    dashboard = f"/years/{year.strip().splitlines()[-1]}/"

    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{options.port}",
            "--access-logfile",
            "/dev/null",
            "smartiberica.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{options.port}/healthz")
        preflight(options.port, [(dashboard, board), ("/admin/services/invoice/", staff)])
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA.format(dashboard=dashboard, board=board, staff=staff))
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{options.connections}",
                f"-d{options.seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{options.port}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=options.seconds + 60,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(output)
    if "not 200: 0" not in output:
        raise SystemExit("Some responses were not 200 (or the wrk script did not run): see above.")
    report(output, options, dashboard)


def _latency(output: str, percentile: str) -> str:
    match = re.search(rf"^\s+{percentile}%\s+(\S+)", output, re.MULTILINE)
    return match.group(1) if match else "?"


def report(output: str, options: argparse.Namespace, dashboard: str) -> None:
    rps = re.search(r"Requests/sec:\s+(\S+)", output)
    total = re.search(r"(\d+) requests in", output)
    socket = re.search(r"Socket errors: (.+)", output)
    p95 = re.search(r"p95 latency: (\S+)", output)
    not_ok = re.search(r"not 200: (\d+)", output)
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    lines = [
        START,
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {pg}. Command: `make loadtest` (bench/load_test.py).",
        "",
        f"gunicorn, 2 sync workers, demo data on PostgreSQL; wrk with {options.connections} connections "
        f"for {options.seconds} s on the same machine, alternating the board's dashboard ({dashboard}) "
        "and the staff's invoice changelist, each request with a logged-in session.",
        "",
        "| requests | requests/s | p50 | p95 | p99 | responses not 200 | socket errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| {total.group(1) if total else '?'} | {rps.group(1) if rps else '?'} | {_latency(output, '50')} "
        f"| {p95.group(1) if p95 else '?'} | {_latency(output, '99')} | {not_ok.group(1) if not_ok else '?'} "
        f"| {socket.group(1) if socket else 'none'} |",
        "",
        "The load generator shares the two cores with gunicorn and PostgreSQL.",
        END,
    ]
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = "\n".join(lines)
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n## Load test (gunicorn on loopback)\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
