"""THREATS.md property 15: reads of someone else's sensitive fields are audited (who, what, when; no IP),
shown to the group's coordinators, and the audit log itself expires."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mutualaid.core.audit import record_read
from mutualaid.core.models import SensitiveRead
from mutualaid.core.tasks import purge_expired
from tests.core.timetravel import move_time_forward
from tests.helpers import assert_query_count, without_random


@pytest.fixture
def eve_asks(eve: Any, crown: Any) -> Any:
    from mutualaid.members import services

    return services.join_request_create(group=crown, user=eve, message="I need a ride to the clinic")


def test_one_read_makes_one_audit_row(ada: Any, eve_asks: Any, client_for: Any, crown: Any) -> None:
    response = client_for(ada).get(
        reverse("members", kwargs={"slug": crown.slug}), HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert "I need a ride to the clinic" in response.content.decode()
    read = SensitiveRead.objects.get()
    assert (read.reader, read.subject_type, read.subject_id, read.fields, read.group_id) == (
        ada,
        "members.joinrequest",
        eve_asks.pk,
        "message",
        crown.pk,
    )
    # Who, what, when — and nothing about where from.
    columns = {f.column for f in SensitiveRead._meta.concrete_fields}
    assert columns == {"id", "reader_id", "group_id", "subject_type", "subject_id", "fields", "at"}
    assert "203.0.113.9" not in str(SensitiveRead.objects.values().get())


def test_reading_your_own_data_is_not_audited(eve: Any, eve_asks: Any) -> None:
    record_read(reader=eve, subject=eve_asks, fields=["message"])
    record_read(reader=eve, subject=eve, fields=["email", "phone"])
    assert SensitiveRead.objects.count() == 0


def test_coordinators_see_the_reads_of_their_group(
    ada: Any, ben: Any, eve_asks: Any, client_for: Any, crown: Any, dee: Any, bush: Any
) -> None:
    record_read(reader=ben, subject=eve_asks, fields=["message"], group_id=crown.pk)
    record_read(reader=dee, subject=ben, fields=["phone"], group_id=bush.pk)
    page = client_for(ada).get(reverse("audit_log", kwargs={"slug": crown.slug})).content.decode()
    assert "<td>Ben</td><td>join request</td><td>Eve</td><td>message</td>" in page
    assert "Dee" not in without_random(page)  # another group's reads stay in that group
    assert "Entries are deleted after 90 days." in page


def test_audit_page_queries_do_not_grow_with_entries(
    ada: Any, ben: Any, eve_asks: Any, client_for: Any, crown: Any
) -> None:
    client = client_for(ada)
    url = reverse("audit_log", kwargs={"slug": crown.slug})
    for _ in range(30):
        record_read(reader=ben, subject=eve_asks, fields=["message"], group_id=crown.pk)
        record_read(reader=ben, subject=ada, fields=["email"], group_id=crown.pk)
    client.get(url)
    # The _whose() of a join request fetches its user: one query per distinct subject, not per row.
    with assert_query_count(9):
        assert client.get(url).status_code == 200


def test_the_audit_log_expires(
    ben: Any, eve_asks: Any, crown: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MUTUALAID_AUDIT_RETENTION_DAYS = 90
    record_read(reader=ben, subject=eve_asks, fields=["message"], group_id=crown.pk)
    move_time_forward(monkeypatch, days=89)
    assert purge_expired.call()["audit log of sensitive reads"] == 0
    assert SensitiveRead.objects.count() == 1
    move_time_forward(monkeypatch, days=2)
    assert purge_expired.call()["audit log of sensitive reads"] == 1
    assert SensitiveRead.objects.count() == 0
