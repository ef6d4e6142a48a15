from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_day, every_hour


class CoreConfig(MutualaidApp):
    name = "mutualaid.core"
    label = "core"
    verbose_name = _("Core")
    personal_data = "mutualaid.core.personal_data.personal_data"
    # Every app's retention rules (<app>/retention.py), run once a day.
    periodic = (
        Periodic("core.purge", "mutualaid.core.tasks.purge_expired", every_day),
        # Old bytes of deleted and edited rows out of the database's files (core.forget), hourly too.
        Periodic("core.forget", "mutualaid.core.tasks.forget_deleted", every_hour),
    )

    def ready(self) -> None:
        super().ready()
        # `mutualaid check`: the operator's production settings (registered as deployment checks).
        from mutualaid.core import checks  # noqa: F401
        from mutualaid.core.admin_site import harden

        harden()
        from mutualaid.core import csrf

        csrf.install()  # the CSRF secret in the session, or in a cookie for visitors without one
        from mutualaid.core import forget

        forget.connect()
