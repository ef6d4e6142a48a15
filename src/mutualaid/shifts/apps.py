from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_day, every_five_minutes


class ShiftsConfig(MutualaidApp):
    name = "mutualaid.shifts"
    label = "shifts"
    verbose_name = _("Shifts")
    group_urls = "mutualaid.shifts.urls"
    group_url_prefix = "shifts/"
    site_urls = "mutualaid.shifts.urls_site"
    api_router = "mutualaid.shifts.api.router"
    personal_data = "mutualaid.shifts.export.personal_data"
    demo_loader = "mutualaid.shifts.demo.load"
    notice_kinds = "mutualaid.shifts.notices.NOTICE_KINDS"
    periodic = (
        Periodic("shifts.materialise", "mutualaid.shifts.tasks.materialise_occurrences", every_day),
        Periodic("shifts.staffing", "mutualaid.shifts.tasks.check_staffing", every_five_minutes),
        # Distribution days: reminders, and no-show release with the next person in line told.
        Periodic("shifts.slots", "mutualaid.shifts.tasks.run_distribution_days", every_five_minutes),
    )
