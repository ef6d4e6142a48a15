from django.apps import AppConfig


class WiringConfig(AppConfig):
    """The wiring: settings, root URLs, the API and the commands that start processes (serve, worker,
    demo). It imports the apps; no app imports it (checked by lint-imports)."""

    name = "mutualaid.config"
    label = "wiring"
    verbose_name = "Wiring"
