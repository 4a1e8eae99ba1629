from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """No table: a hook for the permission that opens the board's pages."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can view the yearly dashboards and exports")),
            ("approve_year", _("Can approve (close) a finished year")),
            ("edit_scenarios", _("Can create and edit projection scenarios")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class DemoDataset(models.Model):
    """Present while the demo story is loaded, so that every page can say so."""

    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    story_until = models.DateField(_("story told up to"))

    class Meta:
        verbose_name = _("demo dataset")
        verbose_name_plural = _("demo datasets")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} ({self.story_until:%Y-%m-%d})"


class ImportJob(models.Model):
    """One preview (dry run) or confirmation of an admin import, run outside the web request.

    The admin stores the upload, creates the job and starts it once the request commits
    (`smartiberica.kernel.import_jobs`); the job page shows its progress and, when done, its result.
    """

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, _("queued")), (RUNNING, _("running")), (DONE, _("done")), (FAILED, _("failed"))]

    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.CharField(_("file token"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    dry_run = models.BooleanField(_("preview"), default=True)
    state = models.CharField(_("state"), max_length=10, choices=STATES, default=QUEUED)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    total_rows = models.PositiveIntegerField(_("rows in the file (estimated)"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created", "-pk"]
        constraints = [
            # An upload is confirmed once: a second confirmation cannot create a second job.
            models.UniqueConstraint(
                fields=["token"], condition=models.Q(dry_run=False), name="import_job_one_confirmation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.state})"


class ClosedYear(models.Model):
    """A year the board approved: every write dated in it is refused (`kernel.closed_years`).

    Only the lock lives here, where both apps can read it; the approvals, their notes and the
    frozen figures are the board's (`smartiberica.board.models.YearApproval`). On PostgreSQL the
    apps' tables also carry triggers that read this table, so raw SQL cannot slip past the lock.
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("closed year")
        verbose_name_plural = _("closed years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
