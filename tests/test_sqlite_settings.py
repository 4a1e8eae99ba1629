"""SQLite, the embedded default, lets readers in while a long import writes."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.test_settings import manage

PRAGMAS = (
    "NAMES = ('journal_mode', 'synchronous', 'busy_timeout'); "
    "from django.db import connection; c = connection.cursor(); "
    "print(*(c.execute(f'PRAGMA {p}').fetchone()[0] for p in NAMES))"
)


def test_a_sqlite_file_database_runs_in_wal_mode_with_a_busy_timeout(
    tmp_path: pytest.TempPathFactory,
) -> None:
    result = manage(
        "shell", "-v", "0", "-c", PRAGMAS, DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"
    )
    assert result.returncode == 0, result.stderr
    # WAL; synchronous NORMAL is 1; 20 s.
    assert result.stdout.split() == ["wal", "1", "20000"]


@pytest.mark.sqlite
@pytest.mark.django_db
def test_sqlite_write_transactions_take_the_write_lock_up_front() -> None:
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
