from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "mutualaid.channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        from mutualaid.channels import receivers  # noqa: F401 - connects the member/group event hooks
