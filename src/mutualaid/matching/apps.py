from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_day


class MatchingConfig(MutualaidApp):
    name = "mutualaid.matching"
    label = "matching"
    verbose_name = _("Matching")
    group_urls = "mutualaid.matching.urls"
    group_url_prefix = "matching/"
    api_router = "mutualaid.matching.api.router"
    personal_data = "mutualaid.matching.export.personal_data"
    demo_loader = "mutualaid.matching.demo.load"
    notice_kinds = "mutualaid.matching.notices.NOTICE_KINDS"
    periodic = (Periodic("matching.rounds", "mutualaid.matching.tasks.run_scheduled_rounds", every_day),)
