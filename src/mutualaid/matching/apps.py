from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "mutualaid.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from mutualaid.channels.jobs import Periodic, every_day, register_periodic

        register_periodic(
            Periodic("matching.rounds", "mutualaid.matching.tasks.run_scheduled_rounds", every_day)
        )
