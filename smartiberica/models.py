from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """No table: a hook for the permission that opens the board's pages."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("Can view the yearly dashboards and exports"))]

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
