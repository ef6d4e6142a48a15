from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_day


class CoreConfig(MutualaidApp):
    name = "mutualaid.core"
    label = "core"
    verbose_name = _("Core")
    # Every app's retention rules (<app>/retention.py), run once a day.
    periodic = (Periodic("core.purge", "mutualaid.core.tasks.purge_expired", every_day),)

    def ready(self) -> None:
        super().ready()
        from mutualaid.core.admin_site import harden

        harden()
