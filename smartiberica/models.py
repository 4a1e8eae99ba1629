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
