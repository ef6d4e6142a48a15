"""What real gateways send besides a plain text: Twilio status callbacks and MMS, the Android app's
older and newer payload shapes, batches, MMS and delivery events, generic status callbacks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mutualaid.channels import outbox
from mutualaid.channels.models import Contact, InboundMessage, OutboundMessage
from tests.channels.conftest import (
    GENERIC_SECRET,
    android_event,
    post_android,
    post_twilio,
    twilio_payload,
    webhook_url,
)

PHONE = "+17185550123"
OUR_NUMBER = "+17185550100"


def _sent(gateway: Any, gateway_id: str) -> OutboundMessage:
    contact = Contact.objects.filter(phone_index="variants").first() or Contact.objects.create(
        group=gateway.group, phone=PHONE, phone_index="variants"
    )
    message = outbox.sms_queue(gateway=gateway, contact=contact, body="Crown: hello", kind="broadcast")
    OutboundMessage.objects.filter(pk=message.pk).update(status="sent", gateway_message_id=gateway_id)
    return message


# Twilio ------------------------------------------------------------------------------------------


def _twilio_status(sid: str, status: str, **extra: str) -> dict[str, str]:
    # The fields of Twilio's message status callback: no Body, and `From` is the group's own number.
    return {
        "SmsSid": sid,
        "SmsStatus": status,
        "MessageStatus": status,
        "To": PHONE,
        "MessagingServiceSid": "MG0123",
        "MessageSid": sid,
        "AccountSid": "AC0123456789abcdef",
        "From": OUR_NUMBER,
        "ApiVersion": "2010-04-01",
        **extra,
    }


@pytest.mark.parametrize("status", ["queued", "sent", "delivered", "read"])
def test_twilio_status_callback_is_not_taken_for_a_text_from_our_own_number(
    client: Any, twilio: Any, status: str
) -> None:
    response = post_twilio(client, "", "", params=_twilio_status("SM" + "7" * 32, status))
    assert response.status_code == 200
    assert b"<Response></Response>" in response.content
    assert (
        not Contact.objects.exists()
        and not OutboundMessage.objects.exists()
        and not InboundMessage.objects.exists()
    )


def test_twilio_undelivered_callback_marks_our_message_failed(client: Any, twilio: Any) -> None:
    ours = _sent(twilio, "SM" + "8" * 32)
    other = _sent(twilio, "SM" + "9" * 32)
    response = post_twilio(
        client, "", "", params=_twilio_status("SM" + "8" * 32, "undelivered", ErrorCode="30003")
    )
    assert response.status_code == 200
    assert OutboundMessage.objects.get(pk=ours.pk).status == "failed"
    assert OutboundMessage.objects.get(pk=other.pk).status == "sent"
    assert Contact.objects.count() == 1  # no contact made for the group's own number


def test_twilio_signed_status_callback_with_a_bad_signature_changes_nothing(client: Any, twilio: Any) -> None:
    ours = _sent(twilio, "SM" + "8" * 32)
    response = post_twilio(client, "", "", params=_twilio_status("SM" + "8" * 32, "failed"), token="wrong")
    assert response.status_code == 403
    assert OutboundMessage.objects.get(pk=ours.pk).status == "sent"


def _mms(body: str, media: int = 1) -> dict[str, str]:
    params = twilio_payload(PHONE, body, sid="MM" + "1" * 32)
    params["NumMedia"] = str(media)
    for i in range(media):
        params[f"MediaContentType{i}"] = "image/jpeg"
        params[f"MediaUrl{i}"] = (
            f"https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef/Messages/MM{'1' * 32}/Media/ME{i}"
        )
    return params


def test_twilio_picture_without_words_is_answered_and_the_question_repeated(client: Any, twilio: Any) -> None:
    post_twilio(client, PHONE, "NEED")
    response = post_twilio(client, PHONE, "", params=_mms(""))
    assert response.status_code == 200
    contact = Contact.objects.get()
    assert contact.step == "need:category"  # the picture was not taken as an answer
    reply = OutboundMessage.objects.order_by("-pk").first()
    assert reply is not None and reply.body.startswith(
        "We cannot open pictures or attachments. Please answer in words. What do you need? Reply with a number:"
    )


def test_twilio_picture_in_spanish_is_answered_in_spanish(client: Any, twilio: Any) -> None:
    post_twilio(client, PHONE, "NECESITO")
    post_twilio(client, PHONE, "", params=_mms("", media=2))
    reply = OutboundMessage.objects.order_by("-pk").first()
    assert reply is not None and reply.body.startswith(
        "No podemos abrir fotos ni archivos adjuntos. Por favor, responda con palabras."
    )


def test_twilio_mms_with_words_is_read_as_text(client: Any, twilio: Any) -> None:
    assert post_twilio(client, PHONE, "", params=_mms("NEED")).status_code == 200
    assert Contact.objects.get().step == "need:category"


def test_twilio_extra_and_repeated_fields_are_signed_and_accepted(client: Any, twilio: Any) -> None:
    params = twilio_payload(PHONE, "HELP")
    params.update(
        {"FromCity": "BROOKLYN", "AddOns": json.dumps({"status": "successful"}), "NumSegments": "2"}
    )
    assert post_twilio(client, PHONE, "", params=params).status_code == 200
    assert "Reply 1 or NEED to ask for help" in OutboundMessage.objects.get().body


# SMS Gateway for Android -------------------------------------------------------------------------


def _android(event: str, payload: dict[str, Any], **outer: Any) -> bytes:
    return json.dumps({"event": event, "payload": payload, **outer}).encode()


def test_android_sample_payload_from_the_gateway_docs(client: Any, android: Any) -> None:
    # The exact shape in shared/samples/sms.md.
    body = (
        b'{"deviceId": "ffffffffceb0b1db0000018e937c815b", "event": "sms:received", "id": "Ey6ECgOkVVFjz3CL48B8C", '
        b'"webhookId": "LreFUt-Z3sSq0JufY9uWB", "payload": {"messageId": "abc123", "message": "NEED", '
        b'"phoneNumber": "+17185550123", "simNumber": 1, "receivedAt": "2026-11-25T10:00:00.000+00:00"}}'
    )
    assert post_android(client, body).status_code == 200
    assert Contact.objects.get().step == "need:category"


def test_android_older_payload_without_message_id_sim_or_device(client: Any, android: Any) -> None:
    # Early app versions: no messageId, simNumber or deviceId, and a national number without "+".
    body = _android(
        "sms:received",
        {"message": "HELP", "phoneNumber": "7185550123", "receivedAt": "2026-11-25T10:00:00.000-05:00"},
        id="abc",
        webhookId="w1",
    )
    assert post_android(client, body).status_code == 200
    assert post_android(client, body).status_code == 200  # the app's retry
    contact = Contact.objects.get()
    assert contact.phone == "7185550123"
    [reply] = OutboundMessage.objects.all()
    assert reply.recipient == "7185550123"  # answered on the number the phone knows


def test_android_null_sim_number_is_fine(client: Any, android: Any) -> None:
    body = _android(
        "sms:received",
        {
            "messageId": "m9",
            "message": "HELP",
            "phoneNumber": PHONE,
            "simNumber": None,
            "receivedAt": "2026-11-25T10:00:00.000+00:00",
        },
    )
    assert post_android(client, body).status_code == 200
    assert OutboundMessage.objects.count() == 1


def test_android_newer_payload_uses_the_sender_not_our_own_number(client: Any, android: Any) -> None:
    body = _android(
        "sms:received",
        {
            "messageId": "m1",
            "message": "HELP",
            "sender": PHONE,
            "recipient": OUR_NUMBER,
            "phoneNumber": PHONE,
            "simNumber": 1,
            "receivedAt": "2026-11-25T10:00:00.000+00:00",
        },
    )
    assert post_android(client, body).status_code == 200
    assert Contact.objects.get().phone == PHONE


def test_android_batch_of_received_texts(client: Any, android: Any) -> None:
    messages = [
        {
            "messageId": "b1",
            "message": "HELP",
            "phoneNumber": PHONE,
            "simNumber": 1,
            "receivedAt": "2026-11-25T10:00:00.000+00:00",
        },
        {
            "messageId": "b2",
            "message": "AYUDA",
            "phoneNumber": "+17185550999",
            "simNumber": 1,
            "receivedAt": "2026-11-25T10:00:05.000+00:00",
        },
        "not a message",
    ]
    body = _android("sms:batch:received", {"messages": messages})
    assert post_android(client, body).status_code == 200
    assert Contact.objects.count() == 2
    assert {c.language for c in Contact.objects.all()} == {"en", "es"}
    assert OutboundMessage.objects.count() == 2
    assert post_android(client, body).status_code == 200  # retried batch: nothing new
    assert OutboundMessage.objects.count() == 2


def test_android_mms_notice_is_answered_in_words(client: Any, android: Any) -> None:
    body = _android(
        "mms:received",
        {
            "messageId": "mm1",
            "phoneNumber": PHONE,
            "simNumber": 1,
            "transactionId": "T1",
            "subject": None,
            "attachmentCount": 1,
            "size": 40000,
            "receivedAt": "2026-11-25T10:00:00.000+00:00",
        },
    )
    assert post_android(client, body).status_code == 200
    assert OutboundMessage.objects.get().body.startswith("We cannot open pictures or attachments.")


def test_android_downloaded_mms_with_text_is_read(client: Any, android: Any) -> None:
    body = _android(
        "mms:downloaded",
        {
            "messageId": "mm2",
            "sender": PHONE,
            "recipient": OUR_NUMBER,
            "simNumber": 1,
            "body": "OFFER",
            "subject": None,
            "attachments": [
                {"partId": 1, "contentType": "text/plain", "name": None, "size": 5, "data": None}
            ],
            "receivedAt": "2026-11-25T10:00:00.000+00:00",
        },
    )
    assert post_android(client, body).status_code == 200
    assert Contact.objects.get().step == "offer:category"


def test_android_failed_report_marks_our_message_failed_and_delivered_leaves_it(
    client: Any, android: Any
) -> None:
    failed, delivered = _sent(android, "mutualaid-1001"), None
    contact = Contact.objects.get()
    delivered = outbox.sms_queue(gateway=android, contact=contact, body="x", kind="broadcast")
    OutboundMessage.objects.filter(pk=delivered.pk).update(status="sent", gateway_message_id="mutualaid-1002")
    post_android(
        client,
        _android(
            "sms:failed",
            {
                "messageId": "mutualaid-1001",
                "phoneNumber": PHONE,
                "simNumber": None,
                "failedAt": "2026-11-25T10:00:00.000+00:00",
                "reason": "RESULT_ERROR_NO_SERVICE",
            },
        ),
    )
    post_android(
        client,
        _android(
            "sms:delivered",
            {
                "messageId": "mutualaid-1002",
                "phoneNumber": PHONE,
                "simNumber": 1,
                "deliveredAt": "2026-11-25T10:00:00.000+00:00",
            },
        ),
    )
    assert OutboundMessage.objects.get(pk=failed.pk).status == "failed"
    assert OutboundMessage.objects.get(pk=delivered.pk).status == "sent"
    assert Contact.objects.count() == 1 and not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    "event", ["sms:sent", "sms:data-received", "app:started", "sms:cancelled", "something:new"]
)
def test_android_events_that_carry_no_text_are_acknowledged(client: Any, android: Any, event: str) -> None:
    body = _android(event, {"messageId": "m1", "phoneNumber": PHONE, "data": "SGVsbG8=", "simNumber": 1})
    assert post_android(client, body).status_code == 200
    assert not Contact.objects.exists() and not OutboundMessage.objects.exists()


def test_android_ping_and_malformed_bodies_are_acknowledged(client: Any, android: Any) -> None:
    for body in (
        android_event(PHONE, "", event="system:ping"),
        b"[]",
        b"not json",
        b'{"event": "sms:received", "payload": []}',
    ):
        assert post_android(client, body).status_code == 200
    assert not Contact.objects.exists()


# Generic -----------------------------------------------------------------------------------------


def test_generic_status_callback_marks_our_message_failed(client: Any, generic: Any) -> None:
    ours = _sent(generic, "mutualaid-77")
    response = client.post(
        webhook_url("generic"),
        {"id": "mutualaid-77", "status": "failed"},
        headers={"X-Webhook-Secret": GENERIC_SECRET},
    )
    assert response.status_code == 200
    assert OutboundMessage.objects.get(pk=ours.pk).status == "failed"


def test_generic_json_nulls_are_empty_not_the_word_none(client: Any, generic: Any) -> None:
    data = {"from": PHONE, "text": None, "id": None, "date": "2026-11-25T10:00:00Z", "extra": {"nested": 1}}
    response = client.post(
        webhook_url("generic"),
        json.dumps(data),
        content_type="application/json",
        headers={"X-Webhook-Secret": GENERIC_SECRET},
    )
    assert response.status_code == 200
    assert OutboundMessage.objects.get().body.startswith("Hello from Crown Heights Mutual Aid.")


def test_generic_query_string_form_with_sender_alias(client: Any, generic: Any) -> None:
    url = webhook_url("generic") + "?sender=%2B17185550123&text=NEED&date=2026-11-25T10:00:00Z"
    response = client.post(url, headers={"X-Webhook-Secret": GENERIC_SECRET})
    assert response.status_code == 200
    assert Contact.objects.get().step == "need:category"
