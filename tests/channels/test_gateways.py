"""Inbound webhooks of each gateway: recorded payloads, valid and invalid signatures, retries."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest

from mutualaid.channels.gateways import _url_variants, twilio_signature
from mutualaid.channels.models import Contact, InboundMessage, OutboundMessage
from tests.channels.conftest import (
    GENERIC_SECRET,
    android_event,
    post_android,
    post_twilio,
    twilio_payload,
    twilio_sign,
    webhook_url,
)

PHONE = "+17185550123"


def test_twilio_signature_matches_twilios_published_example() -> None:
    # The example in Twilio's security documentation, with its published result.
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+12349013030"],
        "Digits": ["1234"],
        "From": ["+12349013030"],
        "To": ["+18005551212"],
    }
    assert (
        twilio_signature("https://mycompany.com/myapp.php?foo=1&bar=2", params, "12345")
        == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )


def test_url_variants_cover_the_default_port_both_ways() -> None:
    assert _url_variants("https://aid.example.org/x/") == [
        "https://aid.example.org/x/",
        "https://aid.example.org:443/x/",
    ]
    assert _url_variants("https://aid.example.org:443/x/")[1] == "https://aid.example.org/x/"


def test_twilio_valid_signature_creates_contact_and_queues_reply(client: Any, twilio: Any) -> None:
    response = post_twilio(client, PHONE, "HELP")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    assert b"<Response></Response>" in response.content
    contact = Contact.objects.get()
    assert contact.phone == "+17185550123" and contact.group == twilio.group
    reply = OutboundMessage.objects.get()
    assert reply.kind == "reply" and reply.recipient == PHONE and reply.gateway == twilio
    assert "Reply 1 or NEED to ask for help" in reply.body


def test_twilio_bad_signature_is_refused_and_changes_nothing(client: Any, twilio: Any) -> None:
    response = post_twilio(client, PHONE, "HELP", token="not-the-token")
    assert response.status_code == 403
    assert not Contact.objects.exists() and not InboundMessage.objects.exists()


def test_twilio_tampered_body_is_refused(client: Any, twilio: Any) -> None:
    params = twilio_payload(PHONE, "HELP")
    signature = twilio_sign("http://testserver" + webhook_url("twilio"), params)
    params["Body"] = "STOP"
    response = client.post(
        webhook_url("twilio"),
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403


def test_twilio_missing_signature_is_refused(client: Any, twilio: Any) -> None:
    response = client.post(webhook_url("twilio"), twilio_payload(PHONE, "HELP"))
    assert response.status_code == 403


def test_twilio_retry_of_the_same_message_sid_changes_nothing(client: Any, twilio: Any) -> None:
    assert post_twilio(client, PHONE, "NEED", sid="SM" + "1" * 32).status_code == 200
    assert post_twilio(client, PHONE, "NEED", sid="SM" + "1" * 32).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert OutboundMessage.objects.count() == 1
    assert Contact.objects.get().step == "need:category"


def test_twilio_behind_a_proxy_validates_against_the_public_url(
    client: Any, twilio: Any, settings: Any
) -> None:
    settings.MUTUALAID_PUBLIC_URL = "https://aid.example.org"
    params = twilio_payload(PHONE, "HELP")
    url = webhook_url("twilio")
    signature = twilio_sign("https://aid.example.org" + url, params)
    response = client.post(
        url,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 200
    # Signed for the internal address instead: refused.
    signature = twilio_sign("http://testserver" + url, params)
    response = client.post(
        url,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403


def test_android_received_event_is_handled(client: Any, android: Any) -> None:
    response = post_android(client, android_event(PHONE, "NECESITO"))
    assert response.status_code == 200
    contact = Contact.objects.get()
    assert contact.language == "es" and contact.step == "need:category"
    assert "¿Qué necesita?" in OutboundMessage.objects.get().body


@pytest.mark.parametrize("event", ["sms:sent", "sms:delivered", "sms:failed", "system:ping"])
def test_android_other_events_are_acknowledged_and_ignored(client: Any, android: Any, event: str) -> None:
    response = post_android(client, android_event(PHONE, "HELP", event=event))
    assert response.status_code == 200
    assert not Contact.objects.exists() and not OutboundMessage.objects.exists()


def test_android_bad_signature_is_refused(client: Any, android: Any) -> None:
    response = post_android(client, android_event(PHONE, "HELP"), key="wrong-key")
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_android_stale_timestamp_is_refused_even_when_signed(client: Any, android: Any) -> None:
    response = post_android(client, android_event(PHONE, "HELP"), timestamp=int(time.time()) - 3600)
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_android_signature_covers_the_timestamp(client: Any, android: Any) -> None:
    body = android_event(PHONE, "HELP")
    old = str(int(time.time()) - 10)
    from tests.channels.conftest import android_sign

    response = client.post(
        webhook_url("android"),
        body,
        content_type="application/json",
        headers={"X-Signature": android_sign(body, old), "X-Timestamp": str(int(time.time()))},
    )
    assert response.status_code == 403


def test_android_retry_is_idempotent_but_same_id_with_new_content_is_not_a_retry(
    client: Any, android: Any
) -> None:
    assert post_android(client, android_event(PHONE, "HELP", message_id="m1")).status_code == 200
    assert post_android(client, android_event(PHONE, "HELP", message_id="m1")).status_code == 200
    assert OutboundMessage.objects.count() == 1
    # messageId alone is not unique in the app: another text under the same id is a new message.
    assert post_android(client, android_event(PHONE, "STATUS", message_id="m1")).status_code == 200
    assert OutboundMessage.objects.count() == 2


def test_generic_webhook_with_shared_secret(client: Any, generic: Any) -> None:
    data = {"from": PHONE, "text": "OFFER", "date": "2026-11-25T10:00:00Z", "id": "g-1"}
    response = client.post(webhook_url("generic"), data, headers={"X-Webhook-Secret": GENERIC_SECRET})
    assert response.status_code == 200
    assert Contact.objects.get().step == "offer:category"
    again = client.post(
        webhook_url("generic"),
        json.dumps(data),
        content_type="application/json",
        headers={"Authorization": f"Bearer {GENERIC_SECRET}"},
    )
    assert again.status_code == 200
    assert OutboundMessage.objects.count() == 1


def test_generic_webhook_wrong_secret(client: Any, generic: Any) -> None:
    response = client.post(
        webhook_url("generic"), {"from": PHONE, "text": "HELP"}, headers={"X-Webhook-Secret": "nope"}
    )
    assert response.status_code == 403
    assert client.post(webhook_url("generic"), {"from": PHONE, "text": "HELP"}).status_code == 403


def test_unknown_group_or_unconfigured_gateway_is_404(client: Any, twilio: Any, bush: Any) -> None:
    assert client.post(webhook_url("twilio", "bush"), {}).status_code == 404
    assert client.post(webhook_url("android"), b"{}", content_type="application/json").status_code == 404
    assert client.post(webhook_url("carrier-pigeon"), {}).status_code == 404


def test_number_is_stored_encrypted_and_found_by_blind_index(client: Any, twilio: Any) -> None:
    from django.db import connection

    post_twilio(client, "+1 (718) 555-0123", "HELP")
    post_twilio(client, "+17185550123", "STATUS")
    assert Contact.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_index FROM channels_contact")
        raw_phone, index = cursor.fetchone()
        cursor.execute("SELECT recipient, body FROM channels_outboundmessage")
        rows = cursor.fetchall()
    # The whole number, not a fragment: "555" turns up by chance in a hex blind index about once in 70 runs.
    assert "7185550123" not in raw_phone and "7185550123" not in index
    assert all("7185550123" not in r[0] and "Reply 1 or NEED" not in r[1] for r in rows)
