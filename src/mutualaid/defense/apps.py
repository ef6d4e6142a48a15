from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_five_minutes


class DefenseConfig(MutualaidApp):
    name = "mutualaid.defense"
    label = "defense"
    verbose_name = _("Rapid-response alerts")
    group_urls = "mutualaid.defense.urls"
    group_url_prefix = "alerts/"
    site_urls = "mutualaid.defense.urls_site"
    api_router = "mutualaid.defense.api.router"
    personal_data = "mutualaid.defense.export.personal_data"
    demo_loader = "mutualaid.defense.demo.load"
    notice_kinds = "mutualaid.defense.notices.NOTICE_KINDS"
    periodic = (Periodic("defense.expire", "mutualaid.defense.tasks.expire_alerts", every_five_minutes),)
