"""SMS needs and offers live on the board: one post per request, held for the texter found by blind index."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mutualaid.channels import checkins
from mutualaid.channels.models import IntakeRequest, OutboundMessage
from mutualaid.core.encryption import blind_index
from mutualaid.exchange import services as exchange
from mutualaid.exchange.models import Contact as BoardContact
from mutualaid.exchange.models import Post, PostEvent
from tests.channels.conftest import post_twilio

PHONE = "+17185550155"
NEED = ("NEED", "1", "11216", "2", "Groceries for the week")


def _text(client: Any, *words: str) -> str:
    for word in words:
        assert post_twilio(client, PHONE, word).status_code == 200
    last = OutboundMessage.objects.order_by("-pk").first()
    assert last is not None and last.body is not None
    return last.body


def _raw(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def test_sms_need_is_on_the_board_for_members_web_and_api(
    ben: Any, client: Any, client_for: Any, api_for: Any, twilio: Any
) -> None:
    _text(client, *NEED)
    need = IntakeRequest.objects.select_related("post").get()
    page = client_for(ben).get(reverse("exchange_board", kwargs={"slug": "crown"})).content.decode()
    assert "Food, by text message" in page and reverse("exchange_post", args=["crown", need.post_id]) in page
    assert "Groceries for the week" not in page  # the texter's words are a sealed note for coordinators
    results = api_for(ben).get("/api/v1/groups/crown/posts?kind=need").json()["results"]
    [row] = [r for r in results if r["id"] == need.post_id]
    assert (
        row["status"],
        row["category"],
        row["urgency"],
        row["area"],
        row["for_neighbour"],
        row["posted_by"],
    ) == ("open", "food", "week", "11216", True, "")
    assert row["details"] == "" and (row["expires_at"] is not None)


def test_the_number_is_sealed_once_and_the_texter_found_again_by_blind_index(
    ada: Any, client: Any, twilio: Any
) -> None:
    _text(client, *NEED)
    _text(client, "OFFER", "2", "11216", "NO")
    assert Post.objects.count() == 2 and BoardContact.objects.count() == 1
    person = BoardContact.objects.get()
    assert (
        person.phone_index == blind_index(PHONE, purpose="phone")
        and person.phone == ""
        and person.source == "sms"
    )
    assert set(Post.objects.values_list("contact", flat=True)) == {person.pk}
    digits = PHONE.lstrip("+")
    for table in ("channels_contact", "exchange_contact", "exchange_post", "channels_intakerequest"):
        assert digits not in repr(_raw(f"SELECT * FROM {table}"))  # noqa: S608 (fixed table names)
        assert "Groceries" not in repr(_raw(f"SELECT * FROM {table}"))  # noqa: S608


def test_a_neighbour_taken_in_by_a_coordinator_is_the_same_person_by_sms(
    ada: Any, client: Any, crown: Any, twilio: Any
) -> None:
    taken_in = exchange.post_create(
        group=crown,
        author=ada,
        data=exchange.PostInput(
            kind="need",
            category="food",
            title="Groceries",
            on_behalf=exchange.ContactInput(name="Rosa", phone="+1 (718) 555-0155"),
        ),
    )
    _text(client, *NEED)
    sms_post = IntakeRequest.objects.get().post
    assert sms_post.contact_id == taken_in.contact_id and BoardContact.objects.count() == 1
    # STATUS lists both of the neighbour's open posts, with their board status.
    exchange.claim_create(post=sms_post, claimant=ada)
    status = _text(client, "STATUS").splitlines()
    code = IntakeRequest.objects.get().code
    assert status == [
        "Your requests and offers:",
        f"{code}: Need, Food, Claimed",
        f"#{taken_in.pk}: Need, Food, Open",
    ]


def test_a_gateway_retry_creates_no_second_post(client: Any, twilio: Any) -> None:
    for word in NEED[:-1]:
        post_twilio(client, PHONE, word)
    assert post_twilio(client, PHONE, NEED[-1], sid="SM-final").status_code == 200
    assert post_twilio(client, PHONE, NEED[-1], sid="SM-final").status_code == 200  # the gateway retries
    assert Post.objects.count() == 1 and IntakeRequest.objects.count() == 1
    assert len([m for m in OutboundMessage.objects.all() if m.body.startswith("Thank you.")]) == 1


def test_yes_renews_and_no_withdraws_the_board_post_in_its_history(client: Any, twilio: Any) -> None:
    _text(client, *NEED)
    need = IntakeRequest.objects.get()
    Post.objects.filter(pk=need.post_id).update(expires_at=timezone.now() + timedelta(days=2))
    assert checkins.checkins_send() == 1
    assert _text(client, "YES") == f"Thanks. Your request {need.code} stays open."
    post = Post.objects.get()
    assert post.status == "open" and post.expires_at > timezone.now() + timedelta(days=29)
    Post.objects.filter(pk=need.post_id).update(expires_at=timezone.now() + timedelta(days=2))
    assert checkins.checkins_send() == 1
    assert _text(client, "NO") == f"We closed your request {need.code}. Reply NEED any time you need help."
    post.refresh_from_db()
    assert (post.status, post.closed_at is not None) == ("withdrawn", True)
    assert list(PostEvent.objects.filter(post=post).values_list("action", "to_status")) == [
        ("post", "open"),
        ("renew", "open"),
        ("withdraw", "withdrawn"),
    ]
    assert _text(client, "STATUS").startswith("You have no open requests or offers.")


def test_the_boards_expiry_decides_and_a_late_yes_reopens(client: Any, twilio: Any) -> None:
    _text(client, *NEED)
    need = IntakeRequest.objects.get()
    Post.objects.filter(pk=need.post_id).update(expires_at=timezone.now() + timedelta(days=1))
    assert checkins.checkins_send() == 1
    later = timezone.now() + timedelta(days=2)
    assert exchange.posts_expire(now=later) == (0, 1)  # no answer: exchange expires it, as any need
    assert checkins.checkins_send() == 0  # nothing more to ask about an expired need
    assert Post.objects.get().status == "expired"
    _text(client, "YES")
    post = Post.objects.get()
    assert post.status == "open" and post.closed_at is None and post.events.last().action == "renew"


def test_yes_after_a_coordinator_closed_it_says_so(
    ada: Any, client: Any, client_for: Any, twilio: Any
) -> None:
    _text(client, *NEED)
    need = IntakeRequest.objects.get()
    Post.objects.filter(pk=need.post_id).update(expires_at=timezone.now() + timedelta(days=2))
    assert checkins.checkins_send() == 1
    client_for(ada).post(reverse("channels_intake_close", kwargs={"slug": "crown", "request_id": need.pk}))
    assert (
        _text(client, "YES")
        == f"Your request {need.code} was already closed. Reply NEED any time you need help."
    )
    assert Post.objects.get().status == "withdrawn"
