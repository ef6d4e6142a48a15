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
    # Who, what, when, on which page of the site — and nothing about where the reader was.
    columns = {f.column for f in SensitiveRead._meta.concrete_fields}
    assert columns == {"id", "reader_id", "group_id", "subject_type", "subject_id", "fields", "at", "via"}
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
    assert "<td>Ben</td><td>a request to join</td><td>Eve</td><td>message</td><td>on its page</td>" in page
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


def test_the_log_names_what_was_read_in_the_reader_language_and_the_phone_bank_sheet(
    ada: Any, ben: Any, client_for: Any, crown: Any
) -> None:
    """Note 6: the log said "post" and "contact" (the code's names, in English on a Spanish page) and did not
    say a read came from the phone-bank sheet; the sheet gave no post number to find the need on the board."""
    from mutualaid.exchange.models import Contact, Post

    contact = Contact.objects.create(group=crown, name="Rosa Díaz", phone="+17185550123", phone_index="x")
    need = Post.objects.create(group=crown, kind="need", category="food", title="Groceries", contact=contact)
    post = Post.objects.create(group=crown, kind="need", category="food", title="Ride", author=ben)
    record_read(reader=ada, subject=post, fields=["contact"], group_id=crown.pk)
    sheet = client_for(ada).post(reverse("insights_phone_bank", args=["crown"]), {"exact": "on"})
    link = reverse("exchange_post", args=["crown", need.pk])
    assert f'<a href="{link}">#{need.pk}</a>' in sheet.content.decode()
    page = client_for(ada).get(reverse("audit_log", kwargs={"slug": crown.slug})).content.decode()
    assert "<td>a neighbour without an account</td><td>—</td><td>name, phone number</td>" in page
    assert "<td>the phone-bank sheet</td>" in page
    assert "<td>a post on the board</td><td>Ben</td><td>contact details</td><td>on its page</td>" in page
    ada.language = "es"
    ada.save(update_fields=["language"])
    page = client_for(ada).get(reverse("audit_log", kwargs={"slug": crown.slug})).content.decode()
    assert "<td>post</td>" not in page and "<td>contact</td>" not in page
    assert "<td>una publicación del tablero</td>" in page and "<td>la hoja para llamadas</td>" in page
