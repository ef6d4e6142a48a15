from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_five_minutes


class InsightsConfig(MutualaidApp):
    name = "mutualaid.insights"
    label = "insights"
    verbose_name = _("Insights")
    group_urls = "mutualaid.insights.urls"
    group_url_prefix = "insights/"
    api_router = "mutualaid.insights.api.router"
    personal_data = "mutualaid.insights.export.personal_data"
    # The dashboard reads summary tables; this keeps them up to date from a high-water mark.
    periodic = (Periodic("insights.figures", "mutualaid.insights.tasks.refresh_figures", every_five_minutes),)
