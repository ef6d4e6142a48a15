"""Messages a dead worker left "sending", the ids gateways give, and the older Android send format."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mutualaid.channels import outbox
from mutualaid.channels.models import Contact, OutboundMessage
from tests.channels.conftest import run_jobs

PHONE = "+17185550142"
LATER = timedelta(minutes=11)  # past MUTUALAID_SENDING_TIMEOUT_SECONDS (600 s)


def _queue(gateway: Any, body: str = "Crown: distribution moved to 5 pm") -> OutboundMessage:
    contact = Contact.objects.filter(group=gateway.group).first() or Contact.objects.create(
        group=gateway.group, phone=PHONE, phone_index="reaper"
    )
    return outbox.sms_queue(gateway=gateway, contact=contact, body=body, kind="broadcast")


def _killed_mid_send(message: OutboundMessage, where: str = "mutualaid.channels.gateways.send") -> None:
    """The worker process dies (SIGKILL, host lost) while talking to the gateway: nothing after runs."""
    with mock.patch(where, side_effect=KeyboardInterrupt), pytest.raises(KeyboardInterrupt):
        outbox.outbound_deliver(message_id=message.pk)
    assert OutboundMessage.objects.get(pk=message.pk).status == "sending"


def test_message_left_sending_without_a_gateway_id_is_queued_again_and_sent_once(
    twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    message = _queue(twilio)
    _killed_mid_send(message)
    assert outbox.outbound_reap() == {"sent": 0, "requeued": 0, "failed": 0}  # still within the timeout
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbound_reap(now=timezone.now() + LATER) == {"sent": 0, "requeued": 1, "failed": 0}
    assert OutboundMessage.objects.get(pk=message.pk).status == "queued"
    run_jobs()
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and message.sending_since is None
    assert len(http_server.requests) == 1
    assert message.gateway_message_id == "SM1"  # Twilio's sid, from its answer


def test_message_the_gateway_took_before_the_worker_died_is_marked_sent_not_sent_again(
    android: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    http_server.answer = lambda path, body: (
        202,
        json.dumps({"id": json.loads(body)["id"], "state": "Pending"}).encode(),
    )
    message = _queue(android)
    # The phone took it and answered with its id; the worker died before it could write "sent".
    _killed_mid_send(message, where="mutualaid.channels.outbox._finish")
    assert len(http_server.requests) == 1
    assert OutboundMessage.objects.get(pk=message.pk).gateway_message_id == f"mutualaid-{message.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbound_reap(now=timezone.now() + LATER) == {"sent": 1, "requeued": 0, "failed": 0}
    run_jobs()
    message.refresh_from_db()
    assert message.status == "sent" and message.sent_at is not None
    assert len(http_server.requests) == 1  # never handed to the gateway a second time


def test_message_left_sending_after_its_last_attempt_is_marked_failed(
    settings: Any, twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MUTUALAID_JOB_ATTEMPTS = 1
    message = _queue(twilio)
    _killed_mid_send(message)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbound_reap(now=timezone.now() + LATER) == {"sent": 0, "requeued": 0, "failed": 1}
    run_jobs()
    assert OutboundMessage.objects.get(pk=message.pk).status == "failed"
    assert not http_server.requests


def test_reaping_twice_settles_a_message_once(twilio: Any, django_capture_on_commit_callbacks: Any) -> None:
    message = _queue(twilio)
    _killed_mid_send(message)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox.outbound_reap(now=timezone.now() + LATER)
        assert outbox.outbound_reap(now=timezone.now() + LATER) == {"sent": 0, "requeued": 0, "failed": 0}
    assert len(callbacks) == 1
    assert (
        DBTaskResult.objects.filter(args_kwargs__args=[message.pk], status="READY").count() == 1
    )  # one requeue


def test_sending_row_from_before_the_reaper_existed_is_reaped_by_its_age(twilio: Any) -> None:
    message = _queue(twilio)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, sending_since=None, created_at=timezone.now() - timedelta(hours=2)
    )
    assert outbox.outbound_reap()["requeued"] == 1


def test_the_reaper_runs_as_a_periodic_job(twilio: Any, settings: Any) -> None:
    from mutualaid.core.jobs import schedule_due

    message = _queue(twilio)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, sending_since=timezone.now() - timedelta(hours=1)
    )
    noon = timezone.now().replace(hour=12, minute=2, second=0, microsecond=0)
    assert "channels.reap" in schedule_due(noon)
    assert "channels.reap" not in schedule_due(noon + timedelta(minutes=2))  # same five-minute slot
    assert "channels.reap" in schedule_due(noon + timedelta(minutes=3))
    run_jobs()
    assert OutboundMessage.objects.get(pk=message.pk).status in ("queued", "sent")


def test_email_keeps_one_message_id_across_attempts(
    ben: Any, crown: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ben.email = "ben@example.org"
    ben.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.email_queue(user=ben, kind="reminder", subject="Reminder", body="Distribution at 5")
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, sending_since=timezone.now() - LATER
    )
    with django_capture_on_commit_callbacks(execute=True):
        outbox.outbound_reap()
    run_jobs()
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"].startswith(f"<outbound.{message.pk}.")
    assert sent.extra_headers["Message-ID"].endswith("@localhost>")


# Android: ids and the older send format ----------------------------------------------------------


def test_android_send_carries_our_id_and_keeps_the_phones(
    android: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    http_server.answer = lambda path, body: (202, b'{"id": "phone-given-id", "state": "Pending"}')
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(android)
    run_jobs()
    [sent] = http_server.requests
    payload = json.loads(sent["body"])
    assert payload == {
        "id": f"mutualaid-{message.pk}",
        "textMessage": {"text": "Crown: distribution moved to 5 pm"},
        "phoneNumbers": [PHONE],
        "withDeliveryReport": True,
    }
    assert OutboundMessage.objects.get(pk=message.pk).gateway_message_id == "phone-given-id"


@pytest.mark.parametrize("status", [400, 500])
def test_older_android_app_gets_the_older_send_format(
    android: Any, http_server: Any, status: int, django_capture_on_commit_callbacks: Any
) -> None:
    # Before `textMessage` the app only read a top-level `message`, and refused requests without one.
    def older_app(path: str, body: bytes) -> tuple[int, bytes]:
        request = json.loads(body)
        if "message" not in request:
            return status, b'{"message": "message is empty"}'
        return 202, json.dumps({"id": request["id"], "state": "Pending"}).encode()

    http_server.answer = older_app
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(android)
    run_jobs()
    [sent] = http_server.requests
    assert sent["path"] == "/message"
    assert json.loads(sent["body"]) == {
        "id": f"mutualaid-{message.pk}",
        "message": "Crown: distribution moved to 5 pm",
        "phoneNumbers": [PHONE],
        "withDeliveryReport": True,
    }
    assert len(http_server.refused) == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


def test_android_unauthorised_is_not_retried_in_the_older_format(
    android: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    http_server.answer = lambda path, body: (401, b'{"message": "Unauthorized"}')
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(android)
    run_jobs()
    assert len(http_server.refused) == 1
    assert OutboundMessage.objects.get(pk=message.pk).status == "queued"  # retried later with backoff
    assert "the gateway answered HTTP 401" in DBTaskResult.objects.get(status="FAILED").traceback


def test_generic_send_carries_our_id(
    generic: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(generic)
    run_jobs()
    [sent] = http_server.requests
    assert json.loads(sent["body"]) == {
        "id": f"mutualaid-{message.pk}",
        "to": PHONE,
        "text": "Crown: distribution moved to 5 pm",
    }
    assert OutboundMessage.objects.get(pk=message.pk).gateway_message_id == f"mutualaid-{message.pk}"
