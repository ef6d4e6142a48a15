"""Access rows for channels: SMS webhooks, notification preferences, unsubscribe and check-in links,
gateway settings, SMS intake and broadcasts."""

from __future__ import annotations

from tests.access import Route, World, crown_slug


def build(world: World) -> None:
    from mutualaid.channels import checkins, services
    from mutualaid.channels.models import Contact
    from mutualaid.channels.notifications import unsubscribe_token

    services.gateway_save(group=world.crown, kind="twilio", enabled=True, account="AC123", secret="tok")
    from tests.channels.conftest import member_request, sms_request

    request = member_request(world.users["ben"], world.crown)
    world.objects["checkin_token"] = checkins.checkin_token(request)
    world.objects["unsubscribe_token"] = unsubscribe_token(world.users["ben"])
    contact = Contact.objects.create(group=world.crown, phone="+17185550100", phone_index="matrix")
    world.objects["sms_request"] = sms_request(world.crown, contact)


def sms_request(w: World) -> dict[str, object]:
    return {"slug": w.crown.slug, "request_id": w.sms_request.pk}


COORDINATOR = "login 404 404 403 ok"

ROUTES = [
    # Gateways authenticate by signature, not session: unsigned requests are refused for everyone.
    Route(
        "channels_sms_webhook",
        "403 403 403 403 403",
        method="POST",
        kwargs=lambda w: {"kind": "twilio", "slug": w.crown.slug},
        data=lambda w: {"From": "+15550001111", "Body": "HELP"},
    ),
    Route("channels_preferences", "login ok ok ok ok"),
    # Every member has their own notices inbox; nobody can reach another's (there is no id in the URL).
    Route("channels_notices", "login ok ok ok ok"),
    Route("channels_notices_read", "login ok ok ok ok", method="POST"),
    Route(
        "channels_preferences",
        "login ok ok ok ok",
        method="POST",
        variant="save",
        data=lambda w: {"email": "digest", "sms": "never", "broadcasts": "on"},
    ),
    # The signed token is the authority (one click from an e-mail, no login).
    Route("channels_unsubscribe", "ok ok ok ok ok", kwargs=lambda w: {"token": w.unsubscribe_token}),
    Route("channels_checkin", "ok ok ok ok ok", kwargs=lambda w: {"token": w.checkin_token}),
    Route("channels_gateways", COORDINATOR, kwargs=crown_slug),
    Route(
        "channels_gateways",
        COORDINATOR,
        method="POST",
        variant="save",
        kwargs=crown_slug,
        data=lambda w: {
            "kind": "generic",
            "generic-enabled": "on",
            "generic-secret": "s3cret",
            "generic-rate_per_minute": "20",
        },
    ),
    Route("channels_intake", COORDINATOR, kwargs=crown_slug),
    Route(
        "channels_intake_reply",
        COORDINATOR,
        method="POST",
        kwargs=sms_request,
        data=lambda w: {"text": "Call you at 5"},
    ),
    Route("channels_intake_number", COORDINATOR, method="POST", kwargs=sms_request),
    Route("channels_intake_close", COORDINATOR, method="POST", kwargs=sms_request),
    Route("channels_broadcasts", COORDINATOR, kwargs=crown_slug),
    Route(
        "channels_broadcasts",
        COORDINATOR,
        method="POST",
        variant="send",
        kwargs=crown_slug,
        data=lambda w: {"text": "Distribution moved to 5 pm", "confirm": "yes"},
    ),
    Route("api:channels_preferences", "401 ok ok ok ok", api=True),
    Route(
        "api:channels_preferences_update",
        "401 ok ok ok ok",
        method="PUT",
        api=True,
        data=lambda w: {"email": "now", "sms": "never", "broadcasts": True},
    ),
    Route("api:notices_list", "401 ok ok ok ok", api=True),
    Route("api:notices_mark_read", "401 ok ok ok ok", method="POST", api=True, data=lambda w: {"ids": None}),
    Route("api:channels_intake_list", "401 404 404 403 ok", api=True, kwargs=crown_slug),
    Route("api:channels_broadcast_audience", "401 404 404 403 ok", api=True, kwargs=crown_slug),
    Route(
        "api:channels_broadcast_send",
        "401 404 404 403 ok",
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"text": "Distribution moved to 5 pm"},
    ),
]
