"""The outbound queue: delivery through each gateway's API, retries with backoff, rate limits, scheduling."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mutualaid.channels import outbox
from mutualaid.channels.models import Contact, OutboundMessage
from mutualaid.core.jobs import backoff, schedule_due
from mutualaid.core.models import PeriodicRun
from tests.channels.conftest import android_event, post_android, post_twilio, run_jobs

PHONE = "+17185550142"


def test_twilio_reply_is_sent_through_the_rest_api(
    client: Any, twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post_twilio(client, PHONE, "HELP")
    run_jobs()
    [sent] = http_server.requests
    assert sent["path"] == "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
    assert (
        sent["headers"]["Authorization"]
        == "Basic " + base64.b64encode(b"AC0123456789abcdef:twilio-auth-token-42").decode()
    )
    form = parse_qs(sent["body"].decode())
    assert form["To"] == [PHONE] and form["From"] == ["+17185550100"]
    assert form["Body"][0].startswith("Crown Heights Mutual Aid, a mutual aid network.")
    message = OutboundMessage.objects.get()
    assert message.status == "sent" and message.attempts == 1


def test_android_reply_is_sent_to_the_phone(
    client: Any, android: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post_android(client, android_event(PHONE, "AYUDA"))
    run_jobs()
    [sent] = http_server.requests
    assert sent["path"] == "/message"
    payload = json.loads(sent["body"])
    assert payload["phoneNumbers"] == [PHONE]
    assert payload["textMessage"]["text"].startswith("Crown Heights Mutual Aid, una red de ayuda mutua.")
    assert sent["headers"]["Authorization"] == "Basic " + base64.b64encode(b"sms:phone-pass").decode()


def test_gateway_failure_retries_with_backoff_then_succeeds(
    client: Any, twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    http_server.fail_next = 1
    with django_capture_on_commit_callbacks(execute=True):
        post_twilio(client, PHONE, "HELP")
    run_jobs()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "SendError: the gateway answered HTTP 503" in failed.traceback
    assert PHONE not in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs == {"args": [OutboundMessage.objects.get().pk], "kwargs": {"attempt": 2}}
    assert OutboundMessage.objects.get().status == "queued"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # time passes
    run_jobs()
    assert OutboundMessage.objects.get().status == "sent"
    assert len(http_server.requests) == 1
    assert OutboundMessage.objects.get().attempts == 2


def test_gives_up_after_the_last_attempt(
    settings: Any, twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MUTUALAID_JOB_ATTEMPTS = 2
    http_server.fail_next = 5
    contact = Contact.objects.create(group=twilio.group, phone=PHONE, phone_index="x")
    with django_capture_on_commit_callbacks(execute=True):
        outbox.sms_queue(gateway=twilio, contact=contact, body="hi", kind="reply")
    run_jobs()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_jobs()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert OutboundMessage.objects.get().status == "failed"


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 120, 480, 1920]
    assert backoff(20) == timedelta(hours=6)


def test_rate_limit_defers_instead_of_failing(
    twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    twilio.rate_per_minute = 2
    twilio.save()
    contact = Contact.objects.create(group=twilio.group, phone=PHONE, phone_index="x")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            outbox.sms_queue(gateway=twilio, contact=contact, body=f"message {n}", kind="reply")
    run_jobs()
    assert len(http_server.requests) == 2
    deferred = DBTaskResult.objects.get(status="READY")
    assert 25 <= (deferred.run_after - timezone.now()).total_seconds() <= 31
    assert not DBTaskResult.objects.filter(status="FAILED").exists()
    assert OutboundMessage.objects.filter(status="queued", attempts=0).count() == 1


def test_opted_out_contact_gets_no_broadcast_or_checkin(
    twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    contact = Contact.objects.create(group=twilio.group, phone=PHONE, phone_index="x", opted_out=True)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.sms_queue(gateway=twilio, contact=contact, body="news", kind="broadcast")
    run_jobs()
    assert not http_server.requests
    assert OutboundMessage.objects.get().status == "skipped"


def test_periodic_jobs_are_scheduled_once_per_slot(settings: Any) -> None:
    settings.MUTUALAID_DIGEST_HOUR = 0
    # Noon, so "an hour later" stays in the same day whenever the suite runs (CI once ran at 23:xx).
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    # Other apps register their own periodic jobs (register_periodic); only channels' are named here.
    first = schedule_due(now)
    assert {n for n in first if n.startswith("channels.")} == {
        "channels.checkins",
        "channels.digests",
        "channels.purge",
        "channels.reap",
    }
    assert "core.purge" in first
    assert schedule_due(now) == []  # a second worker, same slot: nothing
    assert DBTaskResult.objects.count() == len(first)
    later = schedule_due(now + timedelta(hours=1))
    assert [n for n in later if n.startswith("channels.")] == ["channels.checkins", "channels.reap"]
    assert PeriodicRun.objects.count() == len(first) + len(later)
    run_jobs()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == len(first) + len(later)


def test_jobs_command_lists_failures(
    client: Any, twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    http_server.fail_next = 1
    with django_capture_on_commit_callbacks(execute=True):
        post_twilio(client, PHONE, "HELP")
    run_jobs()
    out = StringIO()
    call_command("jobs", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("FAILED     deliver_outbound")
    assert "attempt 1" in line and "SendError: the gateway answered HTTP 503" in line
