from datetime import datetime

from mutualaid.core.registry import MutualaidApp, Periodic, every_day, every_five_minutes, every_hour


def _daily_at_digest_hour(now: datetime) -> str | None:
    from mutualaid.channels.jobs import daily_at_digest_hour

    return daily_at_digest_hour(now)


class ChannelsConfig(MutualaidApp):
    name = "mutualaid.channels"
    label = "channels"
    verbose_name = "Channels"
    site_urls = "mutualaid.channels.urls"
    api_router = "mutualaid.channels.api.router"
    personal_data = "mutualaid.channels.export.personal_data"
    demo_loader = "mutualaid.channels.demo.load"
    periodic = (
        Periodic("channels.checkins", "mutualaid.channels.tasks.send_checkins", every_hour),
        Periodic("channels.digests", "mutualaid.channels.tasks.send_digests", _daily_at_digest_hour),
        Periodic("channels.purge", "mutualaid.channels.tasks.purge_channels", every_day),
        # Messages a dead worker left "sending" are settled within minutes (services.outbound_reap).
        Periodic("channels.reap", "mutualaid.channels.tasks.reap_outbound", every_five_minutes),
    )

    def ready(self) -> None:
        from mutualaid.channels.notifications import email_sender, notice_sender, sms_sender, texter_sender
        from mutualaid.core.notify import register_sender

        register_sender("email", email_sender)
        register_sender("sms", sms_sender)
        register_sender("texter", texter_sender)
        register_sender("notice", notice_sender)

        from django.db.models.signals import post_save

        from mutualaid.channels.relay import on_message_saved

        # A member's message in the conversation of a post taken in by SMS goes out to the neighbour.
        post_save.connect(on_message_saved, sender="exchange.Message", dispatch_uid="channels.relay")

        from mutualaid.channels.slots import text_neighbour
        from mutualaid.shifts.distribution import register_texter

        register_texter(text_neighbour)
        from mutualaid.channels.services import on_way_consent, text_post_neighbour
        from mutualaid.deliveries.texting import register_consent_reader, register_neighbour_texter

        # "Your driver is on the way" to a neighbour without an account who agreed to it (asked at intake).
        register_neighbour_texter(text_post_neighbour)
        register_consent_reader(on_way_consent)
        from mutualaid.channels import bulk
        from mutualaid.core.notify import register_bulk_sender

        register_bulk_sender(bulk.send, bulk.progress)
        from mutualaid.channels.flyers import texting_for
        from mutualaid.insights.flyers import register_texting

        register_texting(texting_for)
        from mutualaid.channels.services import texter_number
        from mutualaid.insights.phonebank import register_texter as register_phonebank_texter

        # The phone-bank sheet, when a coordinator prints numbers: the number a neighbour texted from.
        register_phonebank_texter(texter_number)
