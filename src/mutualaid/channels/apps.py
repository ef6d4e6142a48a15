from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "mutualaid.channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        from mutualaid.channels import receivers  # noqa: F401 - connects the member/group event hooks
        from mutualaid.channels.jobs import Periodic, every_five_minutes, register_periodic

        # Messages a dead worker left "sending" are settled within minutes (services.outbound_reap).
        register_periodic(
            Periodic("channels.reap", "mutualaid.channels.tasks.reap_outbound", every_five_minutes)
        )
