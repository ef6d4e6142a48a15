from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "mutualaid.funds"
    label = "funds"
    verbose_name = _("Funds")

    def ready(self) -> None:
        from mutualaid.channels.jobs import Periodic, every_day, register_periodic

        register_periodic(Periodic("funds.purge", "mutualaid.funds.tasks.purge_settled_requests", every_day))
        register_periodic(Periodic("funds.pledges", "mutualaid.funds.tasks.remind_due_pledges", every_day))
