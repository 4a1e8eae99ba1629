from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    """What both apps use, importing no app. Its label stays `smartiberica`: the migrations,
    permissions and tables of its models (import jobs, the demo marker) were created under it."""

    name = "smartiberica.kernel"
    label = "smartiberica"
    verbose_name = _("SmartIberica Funding")

    def ready(self) -> None:
        from smartiberica.kernel.roles import sync_role_permissions_after_migrate

        # Sent once per app by every `migrate`; listening only for our own app,
        # which is installed last, means every domain permission exists by then.
        post_migrate.connect(sync_role_permissions_after_migrate, sender=self)
