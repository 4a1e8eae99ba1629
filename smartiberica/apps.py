from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SmartibericaConfig(AppConfig):
    name = "smartiberica"
    verbose_name = _("SmartIberica Funding")

    def ready(self) -> None:
        from smartiberica.roles import sync_role_permissions_after_migrate

        # Sent once per app by every `migrate`; listening only for our own app,
        # which is installed last, means every domain permission exists by then.
        post_migrate.connect(sync_role_permissions_after_migrate, sender=self)
