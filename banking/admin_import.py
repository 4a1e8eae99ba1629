"""The admin's import of a bank statement file: upload, preview, confirm.

The same import as `manage.py import_statement` (`banking.actions.statement_import`): the upload is
read by the kernel's statement reader and imported on a dry run, whose writes are rolled back, so
the preview shows what the confirmation will do: each statement's account (new or known), dates,
balances, number of lines and first lines, or the sentence that refuses the file. Between the
preview and the confirmation the uploaded bytes wait in the kernel's upload folder under a random
token that only the uploader's session knows; the confirmation reads them again and imports for
real, all or nothing. A statement file is small next to a spreadsheet of invoices (a year of a busy
account is a few megabytes), so both steps run in the request, unlike the tabular imports' jobs.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from banking.actions import ImportOutcome, StatementOutcome, statement_import
from smartiberica.kernel.import_admin import ERR_NO_FILE, TOKEN, UPLOAD_DIR, UPLOAD_TTL_SECONDS, upload_path
from smartiberica.kernel.import_jobs import ERR_UPLOAD_EXPIRED
from smartiberica.kernel.statements import StatementFileError, StatementLine, read_statement_file
from smartiberica.kernel.tabular import ERR_TOO_LARGE

IMPORT_PERMISSION = "banking.add_bankstatement"
PREVIEW_LINES = 5  # the first lines of each statement shown in the preview
SESSION_KEY = "banking_statement_uploads"  # token -> file name, the uploads this session may confirm
TEMPLATE = "admin/banking/bankstatement/import.html"

ERR_REFUSED = _("%(file)s was refused, nothing was written: %(reason)s")


def may_import(request: HttpRequest) -> bool:
    return request.user.has_perm(IMPORT_PERMISSION)


@dataclass(frozen=True)
class StatementPreview:
    """One statement of the uploaded file as the preview shows it."""

    outcome: StatementOutcome
    first_lines: tuple[StatementLine, ...]
    more_lines: int


def previews(outcome: ImportOutcome) -> list[StatementPreview]:
    return [
        StatementPreview(
            outcome=done,
            first_lines=done.statement.lines[:PREVIEW_LINES],
            more_lines=max(0, len(done.statement.lines) - PREVIEW_LINES),
        )
        for done in outcome.statements
    ]


def _render(model_admin: ModelAdmin[Any], request: HttpRequest, **extra: Any) -> TemplateResponse:
    request.current_app = model_admin.admin_site.name
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": gettext("Import a bank statement"),
        "max_megabytes": f"{settings.IMPORT_LIMITS['MAX_UPLOAD_BYTES'] / 1_000_000:g}",
        **extra,
    }
    return TemplateResponse(request, TEMPLATE, context)


def _import_url(model_admin: ModelAdmin[Any]) -> str:
    opts = model_admin.opts
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_import", current_app=model_admin.admin_site.name
    )


def _refuse(request: HttpRequest, file_name: str, error: StatementFileError | ValidationError) -> None:
    reason = error.message if isinstance(error, StatementFileError) else " ".join(error.messages)
    messages.error(request, ERR_REFUSED % {"file": file_name, "reason": reason})


# --- The uploads waiting for their confirmation -------------------------------------------------------


def _remove_stale_uploads() -> None:
    # The kernel's tabular imports clear the same folder; a statement previewed and never confirmed
    # must not wait for one of them.
    cutoff = time.time() - UPLOAD_TTL_SECONDS
    for stored in UPLOAD_DIR.glob("*"):
        with contextlib.suppress(OSError):
            if TOKEN.match(stored.name) and stored.stat().st_mtime < cutoff:
                stored.unlink()


def _keep(request: HttpRequest, data: bytes, file_name: str) -> str:
    UPLOAD_DIR.mkdir(mode=0o700, exist_ok=True)
    _remove_stale_uploads()
    token = uuid.uuid4().hex
    upload_path(token).write_bytes(data)
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), token: file_name}
    return token


def _take(request: HttpRequest, token: str) -> tuple[str, bytes] | None:
    """The file name and bytes of an upload of this session, forgotten once taken; None if gone."""
    uploads: dict[str, str] = request.session.get(SESSION_KEY, {})
    if token not in uploads:
        return None
    file_name = uploads.pop(token)
    request.session[SESSION_KEY] = uploads
    try:
        path = upload_path(token)
        data = path.read_bytes()
    except OSError:
        return None
    path.unlink(missing_ok=True)
    return file_name, data


# --- The views ----------------------------------------------------------------------------------------


def import_view(model_admin: ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: the file read and imported on a dry run, shown as a preview."""
    if not may_import(request):
        raise PermissionDenied
    if request.method != "POST":
        return _render(model_admin, request)
    upload = request.FILES.get("statement_file")
    if upload is None:
        messages.error(request, ERR_NO_FILE)
        return _render(model_admin, request)
    file_name = upload.name or ""
    limit = settings.IMPORT_LIMITS["MAX_UPLOAD_BYTES"]
    if upload.size is not None and upload.size > limit:  # refused before it is read
        messages.error(request, ERR_TOO_LARGE % {"limit": f"{limit / 1_000_000:g}"})
        return _render(model_admin, request)
    data = b"".join(upload.chunks())
    try:
        outcome = statement_import(
            parsed=read_statement_file(data), file_name=file_name, user=request.user, dry_run=True
        )
    except (StatementFileError, ValidationError) as error:
        _refuse(request, file_name, error)
        return _render(model_admin, request)
    token = _keep(request, data, file_name)
    return _render(
        model_admin, request, outcome=outcome, previews=previews(outcome), token=token, file_name=file_name
    )


def confirm_view(model_admin: ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    """POST: import the previewed file for real, all or nothing, once."""
    if not may_import(request):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseRedirect(_import_url(model_admin))
    taken = _take(request, str(request.POST.get("token", "")))
    if taken is None:
        messages.error(request, ERR_UPLOAD_EXPIRED)
        return HttpResponseRedirect(_import_url(model_admin))
    file_name, data = taken
    try:
        outcome = statement_import(parsed=read_statement_file(data), file_name=file_name, user=request.user)
    except (StatementFileError, ValidationError) as error:
        # The database moved since the preview (another import of the same account).
        _refuse(request, file_name, error)
        return HttpResponseRedirect(_import_url(model_admin))
    for sentence in summary(file_name, outcome):
        messages.success(request, sentence)
    opts = model_admin.opts
    return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


def summary(file_name: str, outcome: ImportOutcome) -> list[str]:
    """What an import did, in a sentence or three."""
    written = sum(1 for s in outcome.statements if not s.already_imported)
    skipped = len(outcome.statements) - written
    new_accounts = sum(1 for s in outcome.statements if s.new_account)
    if not written:
        return [
            gettext("Nothing new in %(file)s: every statement in it had been imported before.")
            % {"file": file_name}
        ]
    sentences = [
        ngettext(
            "%(file)s imported: %(count)d statement with %(lines)d bank lines.",
            "%(file)s imported: %(count)d statements with %(lines)d bank lines.",
            written,
        )
        % {"file": file_name, "count": written, "lines": outcome.lines_imported}
    ]
    if skipped:
        sentences.append(
            ngettext(
                "%(count)d statement had been imported before: it was left as it was.",
                "%(count)d statements had been imported before: they were left as they were.",
                skipped,
            )
            % {"count": skipped}
        )
    if new_accounts:
        sentences.append(
            ngettext(
                "%(count)d new bank account was created from the file: you may rename it.",
                "%(count)d new bank accounts were created from the file: you may rename them.",
                new_accounts,
            )
            % {"count": new_accounts}
        )
    return sentences
