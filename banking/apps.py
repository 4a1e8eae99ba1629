from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankingConfig(AppConfig):
    name = "banking"
    verbose_name = _("Bank accounts and cash")

    def ready(self) -> None:
        # The records' admin pages (services, funding) show their bank line through the kernel.
        from banking.lines import line_of_record
        from smartiberica.kernel.record_links import register_bank_line_finder

        register_bank_line_finder(line_of_record)
