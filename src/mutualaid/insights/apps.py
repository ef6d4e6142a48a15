from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp


class InsightsConfig(MutualaidApp):
    name = "mutualaid.insights"
    label = "insights"
    verbose_name = _("Insights")
    group_urls = "mutualaid.insights.urls"
    group_url_prefix = "insights/"
    api_router = "mutualaid.insights.api.router"
