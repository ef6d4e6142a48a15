"""Several workers share the queue on PostgreSQL and never run a job twice (row locks, SKIP LOCKED)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tests.races import errors, race, require_postgresql

pytestmark = pytest.mark.postgres_only


def _in_threads(count: int, target: Any) -> list[Any]:
    """`target(n)` for n in range(count), all at once; any exception fails the test."""
    results = race([lambda n=n: target(n) for n in range(count)])
    assert not errors(results), errors(results)
    return results


def test_two_workers_run_each_job_exactly_once(transactional_db: Any, twilio: Any, http_server: Any) -> None:
    require_postgresql()
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    from mutualaid.channels import tasks
    from mutualaid.channels.models import Contact, OutboundMessage

    twilio.rate_per_minute = 600
    twilio.save()
    contact = Contact.objects.create(group=twilio.group, phone="+17185550100", phone_index="x")
    ids = [
        OutboundMessage.objects.create(
            channel="sms",
            kind="broadcast",
            group=twilio.group,
            gateway=twilio,
            contact=contact,
            recipient="+17185550100",
            body=f"message {n}",
        ).pk
        for n in range(60)
    ]
    for pk in ids:
        tasks.deliver_outbound.enqueue(pk)

    def work(n: int) -> None:
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"worker-{n}",
            excluded_queue_names=[],
        ).run()

    _in_threads(2, work)
    bodies = Counter(r["body"] for r in http_server.requests)
    assert len(bodies) == 60 and set(bodies.values()) == {1}, "a message was sent twice or not at all"
    results = list(DBTaskResult.objects.all())
    assert len(results) == 60 and {r.status for r in results} == {"SUCCESSFUL"}
    assert all(len(r.worker_ids) == 1 for r in results)
    per_worker = Counter(r.worker_ids[0] for r in results)
    assert set(per_worker) == {"worker-0", "worker-1"}, f"one worker did everything: {per_worker}"
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_the_same_message_claimed_by_two_workers_is_sent_once(
    transactional_db: Any, twilio: Any, http_server: Any
) -> None:
    require_postgresql()
    from mutualaid.channels import outbox
    from mutualaid.channels.models import OutboundMessage

    message = OutboundMessage.objects.create(
        channel="sms", kind="reply", group=twilio.group, gateway=twilio, recipient="+17185550100", body="once"
    )
    outcomes = _in_threads(4, lambda n: outbox.outbound_deliver(message_id=message.pk).outcome)
    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(http_server.requests) == 1


def test_two_workers_schedule_a_periodic_slot_once(transactional_db: Any) -> None:
    require_postgresql()
    from django_tasks_db.models import DBTaskResult

    from mutualaid.core.jobs import schedule_due

    now = timezone.now()
    scheduled = _in_threads(4, lambda n: schedule_due(now))
    names = [name for batch in scheduled for name in batch]
    assert len(names) == len(set(names))
    assert DBTaskResult.objects.count() == len(names)


def test_duplicate_webhook_deliveries_racing_create_one_contact(transactional_db: Any, twilio: Any) -> None:
    require_postgresql()
    from mutualaid.channels import gateways, inbound
    from mutualaid.channels.models import Contact, InboundMessage, OutboundMessage

    sms = gateways.InboundSms(
        phone="+17185550111", text="HELP", dedupe_source="twilio\x00SMrace\x00+17185550111\x00HELP"
    )
    handled = _in_threads(4, lambda n: inbound.inbound_receive(gateway=twilio, sms=sms))
    assert sorted(handled) == [False, False, False, True]
    assert (
        Contact.objects.count() == 1
        and InboundMessage.objects.count() == 1
        and OutboundMessage.objects.count() == 1
    )


def test_two_worker_processes_share_the_queue(transactional_db: Any, twilio: Any, http_server: Any) -> None:
    """`mutualaid worker` as two real processes (as on two hosts) against the same PostgreSQL."""
    require_postgresql()
    import os
    import subprocess
    import sys

    from django_tasks_db.models import DBTaskResult

    from mutualaid.channels import tasks
    from mutualaid.channels.models import OutboundMessage

    twilio.rate_per_minute = 600
    twilio.save()
    http_server.delay = 0.02  # a gateway that takes a moment, so the two workers overlap
    ids = [
        OutboundMessage.objects.create(
            channel="sms",
            kind="broadcast",
            group=twilio.group,
            gateway=twilio,
            recipient="+17185550100",
            body=f"message {n}",
        ).pk
        for n in range(80)
    ]
    for pk in ids:
        tasks.deliver_outbound.enqueue(pk)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MUTUALAID_TWILIO_API_URL": http_server.url,
        "DJANGO_SETTINGS_MODULE": "mutualaid.config.settings",
    }
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "worker",
                "--batch",
                "--no-schedule",
                "--worker-id",
                f"host-{n}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(2)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()[-2000:]
    bodies = Counter(r["body"] for r in http_server.requests)
    assert len(bodies) == 80 and set(bodies.values()) == {1}
    results = list(DBTaskResult.objects.all())
    assert {r.status for r in results} == {"SUCCESSFUL"} and all(len(r.worker_ids) == 1 for r in results)
    assert {r.worker_ids[0] for r in results} == {"host-0", "host-1"}
