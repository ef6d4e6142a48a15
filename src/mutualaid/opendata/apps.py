from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp


class OpenDataConfig(MutualaidApp):
    name = "mutualaid.opendata"
    label = "opendata"
    verbose_name = _("Open data")
    group_urls = "mutualaid.opendata.urls"
    group_url_prefix = "open-data/"
    site_urls = "mutualaid.opendata.urls_site"
    api_router = "mutualaid.opendata.api.router"
    personal_data = "mutualaid.opendata.export.personal_data"

    def ready(self) -> None:
        super().ready()
        from mutualaid.opendata import cache

        cache.connect()
