from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "mutualaid.exchange"
    label = "exchange"
    verbose_name = _("Needs and offers")

    def ready(self) -> None:
        # Expiry reminders and expiry run daily on the worker's periodic schedule (channels.jobs).
        if apps.is_installed("mutualaid.channels"):
            from mutualaid.channels.jobs import Periodic, every_day, register_periodic

            register_periodic(Periodic("exchange.expire", "mutualaid.exchange.tasks.expire_needs", every_day))
