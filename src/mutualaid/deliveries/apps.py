from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp


class DeliveriesConfig(MutualaidApp):
    name = "mutualaid.deliveries"
    label = "deliveries"
    verbose_name = _("Deliveries")
    group_urls = "mutualaid.deliveries.urls"
    group_url_prefix = "deliveries/"
    api_router = "mutualaid.deliveries.api.router"
    personal_data = "mutualaid.deliveries.export.personal_data"
    demo_loader = "mutualaid.deliveries.demo.load"
    notice_kinds = "mutualaid.deliveries.notices.NOTICE_KINDS"
