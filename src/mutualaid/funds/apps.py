from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_day


class FundsConfig(MutualaidApp):
    name = "mutualaid.funds"
    label = "funds"
    verbose_name = _("Funds")
    group_urls = "mutualaid.funds.urls"
    group_url_prefix = "funds/"
    api_router = "mutualaid.funds.api.router"
    personal_data = "mutualaid.funds.export.personal_data"
    demo_loader = "mutualaid.funds.demo.load"
    notice_kinds = "mutualaid.funds.notices.NOTICE_KINDS"
    periodic = (
        Periodic("funds.purge", "mutualaid.funds.tasks.purge_settled_requests", every_day),
        Periodic("funds.pledges", "mutualaid.funds.tasks.remind_due_pledges", every_day),
    )
