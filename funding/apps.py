from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding and costs")

    def ready(self) -> None:
        from funding.importers import IMPORTERS
        from smartiberica.kernel.importing import register_importers

        register_importers(IMPORTERS)
