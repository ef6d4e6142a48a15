from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp


class MembersConfig(MutualaidApp):
    name = "mutualaid.members"
    label = "members"
    verbose_name = _("Members")
    site_urls = "mutualaid.members.urls"
    api_router = "mutualaid.members.api.router"
    notice_kinds = "mutualaid.members.notices.NOTICE_KINDS"
    personal_data = "mutualaid.members.export.personal_data"

    def ready(self) -> None:
        super().ready()
        from mutualaid.core.errors import register_api_language
        from mutualaid.members.http import token_holder_language

        # Unknown /api/ addresses answer in the token holder's language, as the API's own answers do.
        register_api_language(token_holder_language)
