from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_hour


class LendingConfig(MutualaidApp):
    name = "mutualaid.lending"
    label = "lending"
    verbose_name = _("Lending library")
    group_urls = "mutualaid.lending.urls"
    group_url_prefix = "lending/"
    api_router = "mutualaid.lending.api.router"
    personal_data = "mutualaid.lending.export.personal_data"
    demo_loader = "mutualaid.lending.demo.load"
    notice_kinds = "mutualaid.lending.notices.NOTICE_KINDS"
    # Reminders before and after a due date; each loan is told at most once of each.
    periodic = (Periodic("lending.reminders", "mutualaid.lending.tasks.send_reminders", every_hour),)
