from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp


class HubsConfig(MutualaidApp):
    name = "mutualaid.hubs"
    label = "hubs"
    verbose_name = _("Hubs")
    group_urls = "mutualaid.hubs.urls"
    group_url_prefix = "hubs/"
    site_urls = "mutualaid.hubs.urls_site"
    api_router = "mutualaid.hubs.api.router"
    personal_data = "mutualaid.hubs.export.personal_data"
    demo_loader = "mutualaid.hubs.demo.load"
    notice_kinds = "mutualaid.hubs.notices.NOTICE_KINDS"
    public_links = (("hubs_find", _("Find a community fridge or pantry")),)
