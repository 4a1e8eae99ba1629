"""Admin imports run as jobs outside the request: progress, pages, one confirmation, dead workers."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funding.models import FundingSource
from smartiberica.kernel import import_jobs
from smartiberica.kernel.import_admin import UPLOAD_DIR
from smartiberica.kernel.models import ImportJob
from tests.imports.test_admin import SOURCES, _named, url

pytestmark = pytest.mark.django_db


def sources_file(rows: int) -> bytes:
    lines = ["code,name,kind", *(f"s{i},Source {i},grant" for i in range(rows))]
    return ("\n".join(lines) + "\n").encode()


def queued_job(user: Any, content: bytes, *, dry_run: bool = True, name: str = "file.csv") -> ImportJob:
    token = uuid.uuid4().hex
    UPLOAD_DIR.mkdir(mode=0o700, exist_ok=True)
    (UPLOAD_DIR / token).write_bytes(content)
    return ImportJob.objects.create(
        kind="funding-sources",
        user=user,
        token=token,
        file_name=name,
        dry_run=dry_run,
        total_rows=import_jobs.estimate_rows(UPLOAD_DIR / token),
    )


def job_url(job: ImportJob) -> str:
    return reverse("admin:funding_fundingsource_import_job", args=[job.pk])


def test_the_runner_previews_a_file_and_stores_its_counts_without_writing(staff_user: Any) -> None:
    job = queued_job(staff_user, SOURCES.encode())
    assert job.total_rows == 2
    import_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.DONE
    assert job.rows_read == 2
    assert job.result is not None
    result = import_jobs.StoredResult(job.result)
    assert result.ok and (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert FundingSource.objects.count() == 0
    assert (UPLOAD_DIR / job.token).is_file()  # kept for the confirmation


def test_the_runner_reports_progress_every_thousand_rows(staff_user: Any, monkeypatch: Any) -> None:
    job = queued_job(staff_user, sources_file(2_500))
    seen: list[int] = []
    write_text = import_jobs.Path.write_text

    def spy(path: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        if path.name.endswith(".progress"):
            seen.append(int(text))
        return write_text(path, text, *args, **kwargs)

    monkeypatch.setattr(import_jobs.Path, "write_text", spy)
    import_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert seen == [1_000, 2_000]
    assert job.rows_read == 2_500 and job.total_rows == 2_500
    assert not import_jobs.progress_path(job.token).exists()


def test_a_job_already_started_is_not_run_again(staff_user: Any) -> None:
    job = queued_job(staff_user, SOURCES.encode(), dry_run=False)
    import_jobs.run_job(job.pk)
    import_jobs.run_job(job.pk)
    assert FundingSource.objects.count() == 2
    assert FundingSource.history.filter(code="fiare").count() == 1


def test_an_upload_is_confirmed_once_only(staff_user: Any) -> None:
    job = queued_job(staff_user, SOURCES.encode(), dry_run=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportJob.objects.create(kind=job.kind, user=staff_user, token=job.token, dry_run=False)


def test_a_second_confirmation_of_the_same_preview_is_refused(staff_client: Client) -> None:
    page = staff_client.post(
        url("funding-sources", "import"),
        {"import_file": io.BytesIO(SOURCES.encode()) | _named("s.csv")},
        follow=True,
    )
    preview = page.context["job"]
    first = staff_client.post(url("funding-sources", "process_import"), {"job": preview.pk})
    assert first.status_code == 302
    second = staff_client.post(url("funding-sources", "process_import"), {"job": preview.pk})
    assert "already been confirmed" in second.content.decode()
    assert ImportJob.objects.filter(token=preview.token, dry_run=False).count() == 1
    assert FundingSource.objects.count() == 2
    # The preview's page now links to the import instead of offering the button again.
    again = staff_client.get(job_url(preview)).content.decode()
    assert "Confirm the import" not in again and "data-confirmed" in again


def test_a_queued_job_page_shows_a_progress_bar_and_refreshes_itself(
    staff_client: Client, staff_user: Any
) -> None:
    job = queued_job(staff_user, sources_file(10))
    html = staff_client.get(job_url(job)).content.decode()
    assert 'data-job-state="queued"' in html
    assert '<progress id="import-progress" max="10" value="0">' in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<script>" not in html


def test_a_running_job_page_shows_the_rows_read_so_far(staff_client: Client, staff_user: Any) -> None:
    job = queued_job(staff_user, sources_file(3_000))
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.RUNNING)
    import_jobs.progress_path(job.token).write_text("2000")
    try:
        html = staff_client.get(job_url(job)).content.decode()
    finally:
        import_jobs.progress_path(job.token).unlink()
    assert 'data-job-state="running"' in html
    assert 'max="3000" value="2000"' in html
    assert 'http-equiv="refresh"' in html


def test_a_done_preview_page_shows_the_preview_and_the_confirm_button(
    staff_client: Client, staff_user: Any
) -> None:
    job = queued_job(staff_user, SOURCES.encode())
    import_jobs.run_job(job.pk)
    html = staff_client.get(job_url(job)).content.decode()
    assert 'data-outcome="preview"' in html and "Confirm the import" in html
    assert 'http-equiv="refresh"' not in html


def test_a_failed_job_page_says_so_and_offers_the_upload_again(staff_client: Client, staff_user: Any) -> None:
    job = queued_job(staff_user, SOURCES.encode())
    (UPLOAD_DIR / job.token).unlink()
    import_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.FAILED
    html = staff_client.get(job_url(job)).content.decode()
    assert 'data-job-state="failed"' in html and "no longer available" in html
    assert 'name="import_file"' in html


def test_a_job_left_running_by_a_dead_worker_shows_as_failed(staff_client: Client, staff_user: Any) -> None:
    job = queued_job(staff_user, SOURCES.encode())
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.RUNNING, updated=timezone.now() - timedelta(minutes=11)
    )
    html = staff_client.get(job_url(job)).content.decode()
    assert 'data-job-state="failed"' in html and "server was restarted" in html
    assert 'http-equiv="refresh"' not in html


def test_the_import_page_lists_the_users_recent_jobs_and_no_one_elses(
    staff_client: Client, staff_user: Any, make_user: Any
) -> None:
    mine = queued_job(staff_user, SOURCES.encode(), name="mine.csv")
    other = queued_job(make_user("other", is_superuser=True), SOURCES.encode(), name="theirs.csv")
    html = staff_client.get(url("funding-sources", "import")).content.decode()
    assert job_url(mine) in html and "mine.csv" in html
    assert "theirs.csv" not in html
    assert staff_client.get(job_url(other)).status_code == 404


def test_outside_the_tests_the_job_runs_in_a_thread_once_the_request_commits(
    settings: Any, staff_user: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_JOBS_INLINE = False
    threads: list[dict[str, Any]] = []

    class Thread:
        def __init__(self, **kwargs: Any) -> None:
            threads.append(kwargs)

        def start(self) -> None:
            import_jobs.run_job(
                *threads[-1]["args"]
            )  # what the thread would do, minus closing the connection

    monkeypatch.setattr(import_jobs.threading, "Thread", Thread)
    job = queued_job(staff_user, SOURCES.encode())
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.start(job)
        assert threads == []  # nothing runs before the commit
    assert threads[0]["daemon"] is True
    assert ImportJob.objects.get(pk=job.pk).state == ImportJob.DONE
