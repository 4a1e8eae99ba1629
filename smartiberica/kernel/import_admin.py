"""Imports and exports of records in the admin, on top of django-import-export.

Exports are django-import-export's (CSV and XLSX, the changelist's filters apply), with one
`RecordsResource` per kind whose columns are exactly those of the import (public contract 2), so
an exported file re-imports as it is, unchanged.

Imports keep django-import-export's buttons, URLs and permission hooks but replace its two-step
workflow by ours (`RecordsImportMixin.import_action` / `process_import`): the upload is checked by
the same importer as `manage.py import_records`, inside a transaction that is always rolled back,
and the preview shows the new, changed and refused rows; nothing is written until the user
confirms, and the confirmation runs the importer again, all or nothing. django-import-export's own
workflow imports row by row through its `Resource.import_row`, with its own parsing and messages:
it cannot give the contract's dialects, row numbers and all-or-nothing semantics. The resources
delegate `import_data` to the importer too, so even a programmatic import through them applies
the same rules.

Only staff (the users who may add and change a kind of record) see the import and export
buttons; board members, who may only view, get neither.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, ClassVar

import tablib
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from import_export.results import Error, Result, RowResult
from import_export.signals import post_export

from smartiberica.kernel import import_jobs
from smartiberica.kernel.export_streaming import csv_response, iter_by_key_chunks, xlsx_response
from smartiberica.kernel.import_jobs import ERR_UPLOAD_EXPIRED, PREVIEW_ROWS
from smartiberica.kernel.importing import CREATED, UNCHANGED, UPDATED, Importer, ImportResult, run_import
from smartiberica.kernel.models import ImportJob
from smartiberica.kernel.spreadsheet_safety import escape_csv_text, xlsx_cell
from smartiberica.kernel.tabular import ERR_TOO_LARGE, UnreadableFile

UPLOAD_DIR = Path(tempfile.gettempdir()) / "smartiberica-imports"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
UPLOAD_TTL_SECONDS = 24 * 3600  # previews never confirmed are removed after a day

ERR_NO_FILE = _("Choose a file to import.")
ERR_ALREADY_CONFIRMED = _("This file has already been confirmed: it is imported once only.")
RECENT_JOBS = 10  # the user's jobs listed on the import page


# --- Resources: the export columns are the import columns -------------------------------------------


class RecordsResource(resources.ModelResource):
    """A kind's export; `import_data` runs the kind's importer (all or nothing, same messages)."""

    importer_class: ClassVar[type[Importer]]

    def import_data(
        self, dataset: Any, dry_run: bool = False, raise_errors: bool = False, **kwargs: Any
    ) -> Result:
        user = kwargs.get("user")
        data = dataset.export("csv").encode("utf-8")
        outcome = run_import(self.importer_class(user=user), data, dry_run=dry_run, keep_reports=len(dataset))
        if raise_errors and not outcome.ok:
            raise ValidationError(outcome.error_lines())
        return as_import_export_result(outcome)

    def iter_queryset(self, queryset: Any) -> Any:
        # django-import-export pages with OFFSET, re-sorting the whole list for every page.
        if isinstance(queryset, QuerySet):
            return iter_by_key_chunks(queryset)
        return super().iter_queryset(queryset)


_IMPORT_TYPES = {
    CREATED: RowResult.IMPORT_TYPE_NEW,
    UPDATED: RowResult.IMPORT_TYPE_UPDATE,
    UNCHANGED: RowResult.IMPORT_TYPE_SKIP,
}


def as_import_export_result(outcome: ImportResult) -> Result:
    """Our outcome in django-import-export's terms (rows new / update / skip / invalid)."""
    result = Result()
    result.add_dataset_headers(outcome.columns)
    if outcome.unreadable is not None:
        result.append_base_error(Error(UnreadableFile(outcome.unreadable)))
        return result
    for error in outcome.errors:
        result.append_invalid_row(error.row, {}, ValidationError({error.column: [error.message]}))
    for report in outcome.reports:
        row = RowResult()
        row.import_type = _IMPORT_TYPES[report.outcome]
        row.diff = [report.values.get(c, "") for c in outcome.columns]
        result.append_row_result(row)
        result.increment_row_result_total(row)
    return result


# --- Export formats: text a spreadsheet would run is written as inert text --------------------------


class SafeCSV(CSV):
    """CSV whose text cells starting with =, +, -, @, tab or CR get a leading apostrophe."""

    def export_data(self, dataset: Any, **kwargs: Any) -> Any:
        safe = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            safe.append([escape_csv_text(value) for value in row])
        return super().export_data(safe, **kwargs)


class SafeXLSX(XLSX):
    """XLSX whose text cells are always string cells, never formulas; written streaming."""

    def export_data(self, dataset: Any, **kwargs: Any) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(dataset.title or "Sheet"))
        header = []
        for name in dataset.headers or []:
            cell = xlsx_cell(sheet, name)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in dataset:
            sheet.append([xlsx_cell(sheet, value) for value in row])
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


# --- The admin ---------------------------------------------------------------------------------------


def _remove_stale_uploads() -> None:
    cutoff = time.time() - UPLOAD_TTL_SECONDS
    for stored in UPLOAD_DIR.glob("*"):
        with contextlib.suppress(OSError):
            if TOKEN.match(stored.name.removesuffix(".progress")) and stored.stat().st_mtime < cutoff:
                stored.unlink()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _signed_in_user(request: HttpRequest) -> User:
    # The admin lets only signed-in staff reach these views; this tells the type checker so.
    if isinstance(request.user, AnonymousUser):
        raise PermissionDenied
    return request.user


def upload_path(token: str) -> Path:
    if not TOKEN.match(token or ""):
        raise FileNotFoundError(token)
    return UPLOAD_DIR / token


class RecordsImportExportMixin(ImportExportMixin):
    """Add to a ModelAdmin (before SimpleHistoryAdmin) with `importer_class` and `resource_classes`."""

    importer_class: ClassVar[type[Importer]]
    import_template_name = "admin/imports/import.html"
    export_formats: ClassVar[list[type]] = [SafeCSV, SafeXLSX]
    # Every column, always: a file with columns left out would not re-import.
    export_form_class = ExportForm

    # Permissions: staff only ---------------------------------------------------------------------------

    def _may_write(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}") and request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self._may_write(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self._may_write(request)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Keep the model's own changelist template (e.g. the filtered total) under the buttons.
        opts = self.opts
        self.ie_base_change_list_template = select_template(
            [
                f"admin/{opts.app_label}/{opts.model_name}/change_list.html",
                f"admin/{opts.app_label}/change_list.html",
                "admin/change_list.html",
            ]
        )
        return super().changelist_view(request, extra_context)

    def _do_file_export(
        self, file_format: Any, request: HttpRequest, queryset: Any, export_form: Any = None
    ) -> HttpResponseBase:
        """The export, streamed: the CSV row by row, the XLSX from a temporary file (export_streaming)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.choose_export_resource_class(export_form, request)(
            **self.get_export_resource_kwargs(request, export_form=export_form)
        )
        fields = self.get_export_resource_fields_from_form(export_form)
        # The list's filters and search, without its columns' annotations (the invoice list's
        # paid / credited / due subqueries): SQLite ran them per row on a scan, 51 s for 10,000.
        queryset = resource.filter_export(self.model._default_manager.filter(pk__in=queryset.values("pk")))
        binary = isinstance(file_format, XLSX)
        rows = (
            resource.export_resource(obj, selected_fields=fields, force_native_type=binary)
            for obj in resource.iter_queryset(queryset)
        )
        header = resource.get_export_headers(selected_fields=fields)
        filename = self.get_export_filename(request, queryset, file_format)
        post_export.send(sender=None, model=self.model)
        if binary:
            return xlsx_response(header, rows, filename=filename, title="Sheet")
        return csv_response(header, rows, filename=filename)

    # The import: upload, preview, confirm ----------------------------------------------------------

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        opts = self.opts
        importer = self.importer_class
        return {
            **self.admin_site.each_context(request),
            "title": gettext("Import %(records)s") % {"records": opts.verbose_name_plural},
            "opts": opts,
            "kind": importer.kind,
            "required_columns": importer.required,
            "optional_columns": importer.optional,
            "preview_rows": PREVIEW_ROWS,
            **extra,
        }

    def _render(self, request: HttpRequest, **extra: Any) -> TemplateResponse:
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], self._context(request, **extra))

    def get_urls(self) -> list[Any]:
        info = self._info()
        job = path(
            "import/job/<int:job_id>/",
            self.admin_site.admin_view(self.import_job_view),
            name=f"{info}_import_job",
        )
        return [job, *super().get_urls()]

    def _jobs(self, request: HttpRequest) -> QuerySet[ImportJob]:
        return ImportJob.objects.filter(kind=self.importer_class.kind, user=_signed_in_user(request))

    def _start(self, request: HttpRequest, job: ImportJob) -> HttpResponse:
        import_jobs.start(job)
        return HttpResponseRedirect(reverse(f"admin:{self._info()}_import_job", args=[job.pk]))

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """GET: the upload form. POST: store the file and start its preview (a job, nothing written)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        recent = self._jobs(request)[:RECENT_JOBS]
        if request.method != "POST":
            return self._render(request, recent_jobs=recent)
        upload = request.FILES.get("import_file")
        if upload is None:
            return self._render(request, form_error=ERR_NO_FILE, recent_jobs=recent)
        limit = settings.IMPORT_LIMITS["MAX_UPLOAD_BYTES"]
        if upload.size is not None and upload.size > limit:  # refused before it is stored
            return self._render(
                request, form_error=ERR_TOO_LARGE % {"limit": f"{limit / 1_000_000:g}"}, recent_jobs=recent
            )
        UPLOAD_DIR.mkdir(mode=0o700, exist_ok=True)
        _remove_stale_uploads()
        token = uuid.uuid4().hex
        stored_path = upload_path(token)
        with stored_path.open("wb") as stored:
            for chunk in upload.chunks():
                stored.write(chunk)
        job = ImportJob.objects.create(
            kind=self.importer_class.kind,
            user=_signed_in_user(request),
            token=token,
            file_name=upload.name or "",
            dry_run=True,
            total_rows=import_jobs.estimate_rows(stored_path),
        )
        return self._start(request, job)

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The confirmation of a finished preview: a second job imports the file for real, once."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse(f"admin:{self._info()}_import"))
        job_id = _int(request.POST.get("job"))
        preview = None if job_id is None else self._jobs(request).filter(pk=job_id, dry_run=True).first()
        if (
            preview is None
            or preview.state != ImportJob.DONE
            or not import_jobs.StoredResult(preview.result or {}).ok
        ):
            return self._render(request, form_error=ERR_UPLOAD_EXPIRED)
        if ImportJob.objects.filter(token=preview.token, dry_run=False).exists():
            return self._render(request, form_error=ERR_ALREADY_CONFIRMED)
        if not upload_path(preview.token).is_file():
            return self._render(request, form_error=ERR_UPLOAD_EXPIRED)
        try:
            with transaction.atomic():
                job = ImportJob.objects.create(
                    kind=preview.kind,
                    user=_signed_in_user(request),
                    token=preview.token,
                    file_name=preview.file_name,
                    dry_run=False,
                    total_rows=preview.rows_read or preview.total_rows,
                )
        except IntegrityError:  # confirmed twice at the same time: the other one runs
            return self._render(request, form_error=ERR_ALREADY_CONFIRMED)
        return self._start(request, job)

    def import_job_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """A job: its progress while it runs (the page reloads itself), then its preview or result."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(self._jobs(request), pk=job_id)
        state, message = import_jobs.shown_state(job)
        result = import_jobs.StoredResult(job.result) if state == ImportJob.DONE and job.result else None
        confirmed = (
            job.dry_run
            and result is not None
            and ImportJob.objects.filter(token=job.token, dry_run=False).first()
        )
        return self._render(
            request,
            job=job,
            job_state=state,
            job_message=message,
            job_rows_read=import_jobs.rows_read(job),
            result=result,
            file_name=job.file_name,
            preview=job.dry_run,
            confirmation=confirmed or None,
            show_result=result is not None and (job.dry_run or not result.ok),
            show_upload=state == ImportJob.FAILED or (result is not None and not result.ok),
            refresh=state in (ImportJob.QUEUED, ImportJob.RUNNING),
        )

    def _info(self) -> str:
        opts = self.opts
        return f"{opts.app_label}_{opts.model_name}"
