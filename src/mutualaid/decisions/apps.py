from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_five_minutes


class DecisionsConfig(MutualaidApp):
    name = "mutualaid.decisions"
    label = "decisions"
    verbose_name = _("Decisions")
    group_urls = "mutualaid.decisions.urls"
    group_url_prefix = "decisions/"
    api_router = "mutualaid.decisions.api.router"
    personal_data = "mutualaid.decisions.export.personal_data"
    notice_kinds = "mutualaid.decisions.notices.NOTICE_KINDS"
    demo_loader = "mutualaid.decisions.demo.load"
    periodic = (
        Periodic("decisions.close", "mutualaid.decisions.tasks.close_due", every_five_minutes),
        Periodic("decisions.remind", "mutualaid.decisions.tasks.remind_due", every_five_minutes),
    )

    def ready(self) -> None:
        from mutualaid.core import decision_gates
        from mutualaid.decisions.effects import gate

        decision_gates.register(gate)
