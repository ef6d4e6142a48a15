from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_day, every_five_minutes


class FederationConfig(MutualaidApp):
    name = "mutualaid.federation"
    label = "federation"
    verbose_name = _("Federation")
    site_urls = "mutualaid.federation.urls"
    periodic = (
        # Deliveries wake the worker themselves; this catches any retry whose wake-up was lost.
        Periodic("federation.deliver", "mutualaid.federation.tasks.deliver", every_five_minutes),
        Periodic("federation.purge", "mutualaid.federation.tasks.purge", every_day),
    )

    def ready(self) -> None:
        from mutualaid.core.publishing import register, register_events
        from mutualaid.federation.services import publish_announcement, publish_event

        register(publish_announcement)
        register_events(publish_event)
