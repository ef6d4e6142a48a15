from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_hour


class HousingConfig(MutualaidApp):
    name = "mutualaid.housing"
    label = "housing"
    verbose_name = _("Housing offers")
    group_urls = "mutualaid.housing.urls"
    group_url_prefix = "housing/"
    api_router = "mutualaid.housing.api.router"
    personal_data = "mutualaid.housing.export.personal_data"
    demo_loader = "mutualaid.housing.demo.load"
    notice_kinds = "mutualaid.housing.notices.NOTICE_KINDS"
    periodic = (Periodic("housing.checkins", "mutualaid.housing.tasks.remind_checkins", every_hour),)
