from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_five_minutes, every_hour


class PeersConfig(MutualaidApp):
    name = "mutualaid.peers"
    label = "peers"
    verbose_name = _("Peer installs")
    group_urls = "mutualaid.peers.urls"
    group_url_prefix = "referrals/"
    site_urls = "mutualaid.peers.urls_site"
    api_router = "mutualaid.peers.api.router"
    personal_data = "mutualaid.peers.export.personal_data"
    notice_kinds = "mutualaid.peers.notices.NOTICE_KINDS"
    periodic = (
        # Messages wake the worker themselves; this catches any retry whose wake-up was lost.
        Periodic("peers.deliver", "mutualaid.peers.tasks.deliver", every_five_minutes),
        Periodic("peers.directory", "mutualaid.peers.tasks.refresh_directory", every_hour),
        Periodic("peers.expire", "mutualaid.peers.tasks.expire_referrals", every_hour),
    )
