from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Revenue services")

    def ready(self) -> None:
        from services.importers import IMPORTERS
        from smartiberica.kernel.importing import register_importers

        register_importers(IMPORTERS)
