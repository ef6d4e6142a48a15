"""Coordinators see what arrived by SMS, answer through the group's number, reveal a number on purpose."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.channels.models import IntakeRequest, OutboundMessage
from mutualaid.core.models import SensitiveRead
from tests.channels.conftest import post_twilio, sms_request
from tests.helpers import assert_query_count

PHONE = "+17185550160"


def _need(client: Any) -> IntakeRequest:
    for word in ("NEED", "1", "Wingate", "1", "Diapers size 4"):
        post_twilio(client, PHONE, word)
    return IntakeRequest.objects.get()


def test_intake_page_shows_requests_and_audits_the_read(
    ada: Any, client: Any, client_for: Any, twilio: Any
) -> None:
    need = _need(client)
    page = client_for(ada).get(reverse("channels_intake", kwargs={"slug": "crown"}))
    html = page.content.decode()
    assert need.code in html and "Diapers size 4" in html and "Wingate" in html
    assert reverse("exchange_post", kwargs={"slug": "crown", "post_id": need.post_id}) in html
    assert PHONE not in html and "555-0160" not in html
    read = SensitiveRead.objects.get()
    assert (read.reader, read.subject_type, read.subject_id, read.fields) == (
        ada,
        "exchange.post",
        need.post_id,
        "private_note",
    )


def test_intake_page_query_count_does_not_grow_with_requests(
    ada: Any, client: Any, client_for: Any, twilio: Any
) -> None:

    from mutualaid.channels.models import Contact

    contact = Contact.objects.create(group=twilio.group, phone=PHONE, phone_index="x")
    coordinator = client_for(ada)
    url = reverse("channels_intake", kwargs={"slug": "crown"})
    coordinator.get(url)  # first visit of the day records last-seen; measure the steady state
    # The same number with one request and with eleven.
    for batch in (1, 10):
        for _n in range(batch):
            sms_request(twilio.group, contact)
        with assert_query_count(7):
            assert coordinator.get(url).status_code == 200


def test_reply_by_text_goes_through_the_groups_number(
    ada: Any, client: Any, client_for: Any, twilio: Any
) -> None:
    need = _need(client)
    url = reverse("channels_intake_reply", kwargs={"slug": "crown", "request_id": need.pk})
    response = client_for(ada).post(url, {"text": "We can bring them tomorrow at 10."})
    assert response.status_code == 302
    relay = OutboundMessage.objects.get(kind="relay")
    assert (
        relay.recipient == PHONE
        and relay.body == "Crown Heights Mutual Aid: We can bring them tomorrow at 10."
    )


def test_no_reply_to_someone_who_said_stop(ada: Any, client: Any, client_for: Any, twilio: Any) -> None:
    need = _need(client)
    post_twilio(client, PHONE, "STOP")
    url = reverse("channels_intake_reply", kwargs={"slug": "crown", "request_id": need.pk})
    response = client_for(ada).post(url, {"text": "Hello?"}, follow=True)
    assert "This person replied STOP; no more messages can be sent to them." in response.content.decode()
    assert not OutboundMessage.objects.filter(kind="relay").exists()


def test_showing_the_number_is_deliberate_and_audited(
    ada: Any, client: Any, client_for: Any, twilio: Any
) -> None:
    need = _need(client)
    url = reverse("channels_intake_number", kwargs={"slug": "crown", "request_id": need.pk})
    assert client_for(ada).get(url).status_code == 405
    response = client_for(ada).post(url)
    assert PHONE in response.content.decode()
    read = SensitiveRead.objects.get(subject_type="channels.contact")
    assert read.reader == ada and read.fields == "phone"


def test_close_and_other_groups_cannot_reach_it(
    ada: Any, dee: Any, client: Any, client_for: Any, twilio: Any
) -> None:
    need = _need(client)
    other = reverse("channels_intake_close", kwargs={"slug": "bush", "request_id": need.pk})
    assert client_for(dee).post(other).status_code == 404
    url = reverse("channels_intake_close", kwargs={"slug": "crown", "request_id": need.pk})
    assert client_for(ada).post(url).status_code == 302
    need.post.refresh_from_db()
    assert need.post.status == "withdrawn" and need.post.closed_at is not None
    assert need.post.events.last().actor == ada  # the coordinator who closed it, in the post's history
    assert (
        client_for(ada)
        .get(reverse("channels_intake", kwargs={"slug": "crown"}))
        .content.decode()
        .count(need.code)
        == 0
    )


def test_api_lists_sms_requests_for_coordinators(ada: Any, client: Any, api_for: Any, twilio: Any) -> None:
    need = _need(client)
    response = api_for(ada).get("/api/v1/groups/crown/sms-requests")
    [row] = response.json()
    assert (
        row["id"],
        row["post_id"],
        row["code"],
        row["kind"],
        row["category"],
        row["urgency"],
        row["status"],
    ) == (need.pk, need.post_id, need.code, "need", "food", "today", "open")
    assert row["area"] == "" and row["details"] == "Area: Wingate\nDiapers size 4"
    assert "phone" not in row
    assert (
        SensitiveRead.objects.filter(
            reader=ada, subject_type="exchange.post", subject_id=need.post_id
        ).count()
        == 1
    )


def test_empty_reply_is_refused_with_a_clear_message(
    ada: Any, client: Any, client_for: Any, twilio: Any
) -> None:
    need = _need(client)
    url = reverse("channels_intake_reply", kwargs={"slug": "crown", "request_id": need.pk})
    response = client_for(ada).post(url, {"text": "   "}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("channels_intake", kwargs={"slug": "crown"})
    assert "Write the message to send." in response.content.decode()
    assert not OutboundMessage.objects.filter(kind="relay").exists()


def test_closing_says_so(ada: Any, client: Any, client_for: Any, twilio: Any) -> None:
    need = _need(client)
    url = reverse("channels_intake_close", kwargs={"slug": "crown", "request_id": need.pk})
    response = client_for(ada).post(url, follow=True)
    assert f"Request {need.code} was closed." in response.content.decode()
