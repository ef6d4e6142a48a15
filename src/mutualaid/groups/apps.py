from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp


class GroupsConfig(MutualaidApp):
    name = "mutualaid.groups"
    label = "groups"
    verbose_name = _("Groups")
    site_urls = "mutualaid.groups.urls"
    group_urls = "mutualaid.groups.urls_group"
    api_router = "mutualaid.groups.api.router"
    demo_loader = "mutualaid.groups.demo.load"
    notice_kinds = "mutualaid.groups.notices.NOTICE_KINDS"

    def ready(self) -> None:
        from mutualaid.core.panic import database_wiped
        from mutualaid.groups.middleware import reset_on_wipe

        database_wiped.connect(reset_on_wipe, dispatch_uid="groups.reset_setup_on_wipe")
