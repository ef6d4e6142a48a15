from django.utils.translation import gettext_lazy as _

from mutualaid.core.registry import MutualaidApp, Periodic, every_day


class ExchangeConfig(MutualaidApp):
    name = "mutualaid.exchange"
    label = "exchange"
    verbose_name = _("Needs and offers")
    group_urls = "mutualaid.exchange.urls"
    group_url_prefix = "board/"
    api_router = "mutualaid.exchange.api.router"
    demo_loader = "mutualaid.exchange.demo.load"
    notice_kinds = "mutualaid.exchange.notices.NOTICE_KINDS"
    personal_data = "mutualaid.exchange.export.personal_data"
    # Expiry reminders and expiry run daily.
    periodic = (Periodic("exchange.expire", "mutualaid.exchange.tasks.expire_needs", every_day),)

    def ready(self) -> None:
        super().ready()
        # Keeps each post's search tokens in step with its sealed texts.
        from mutualaid.core.keys import register_key_user
        from mutualaid.exchange import search

        register_key_user("exchange_posttoken", usage=search.key_usage, rekey=search.retokenise)
