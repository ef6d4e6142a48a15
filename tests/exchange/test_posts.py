"""Posting needs and offers: validation, coarse locations, encrypted addresses, intake, expiry, flooding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mutualaid.core.models import SensitiveRead
from mutualaid.exchange import services
from mutualaid.exchange.models import Contact, Post, PostEvent
from tests.helpers import make_post


def test_member_posts_a_need_from_the_page(client_for: Any, ben: Any, crown: Any) -> None:
    response = client_for(ben).post(
        reverse("exchange_post_new", args=[crown.slug]),
        {
            "kind": "need",
            "category": "food",
            "title": "2 bags of groceries",
            "details": "Vegetarian",
            "quantity": "2",
            "unit": "bags",
            "urgency": "today",
            "languages": ["en", "es"],
            "area": "11216",
            "visibility": "group",
            "address": "123 Example St, apt 4",
        },
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange_post", args=[crown.slug, post.pk])
    assert (post.kind, post.quantity, post.unit, post.urgency, post.languages) == (
        "need",
        2,
        "bags",
        "today",
        ["en", "es"],
    )
    assert post.cell and post.lat is not None
    assert post.expires_at is not None and post.expires_at > timezone.now() + timedelta(days=29)
    assert PostEvent.objects.filter(post=post, action="post").count() == 1


def test_the_exact_address_is_encrypted_in_the_database(ben: Any, crown: Any) -> None:
    post = make_post(crown, ben, address="742 Evergreen Terrace")
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM exchange_post WHERE id = %s", [post.pk])
        stored = cursor.fetchone()[0]
    assert "Evergreen" not in stored
    assert Post.objects.get(pk=post.pk).address == "742 Evergreen Terrace"


def test_a_map_point_is_stored_only_as_its_coarse_cell(ben: Any, crown: Any) -> None:
    post = make_post(crown, ben, lat=40.671234, lon=-73.944321)
    assert (post.lat, post.lon) != (40.671234, -73.944321)
    assert abs(post.lat - 40.6712) < 0.01
    assert post.area.count(".") == 2 and len(post.area.split(",")[0].split(".")[1]) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("category", "weapons", "Choose a category from the list."),
        ("title", "", "Give a short title."),
        ("title", "x" * 121, "The title can have at most 120 characters."),
        ("details", "x" * 2001, "The details can have at most 2000 characters."),
        ("quantity", 0, "The quantity must be a whole number from 1 to 1000."),
        ("quantity", 5000, "The quantity must be a whole number from 1 to 1000."),
        ("urgency", "yesterday", "Choose today, this week or flexible."),
        ("languages", ["klingon"], "Choose languages from the list."),
        ("area", "x" * 101, "Give the area in at most 100 characters."),
    ],
)
def test_bad_input_is_refused_with_clear_messages(
    ben: Any, crown: Any, field: str, value: Any, message: str
) -> None:
    data = {"kind": "need", "category": "food", "title": "Rice", field: value}
    with pytest.raises(ValidationError) as exc:
        services.post_create(group=crown, author=ben, data=services.PostInput(**data))
    assert exc.value.message_dict[field] == [message]
    assert not Post.objects.exists()


def test_a_window_must_end_after_it_starts(ben: Any, crown: Any) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        make_post(crown, ben, window_start=now, window_end=now - timedelta(hours=1))
    assert exc.value.message_dict["window_end"] == ["The end of the time window must be after its start."]


def test_html_is_stored_as_text_and_shown_escaped(client_for: Any, ben: Any, crown: Any) -> None:
    post = make_post(crown, ben, title="<script>alert(1)</script>", details="<b>bold</b>")
    assert post.title == "<script>alert(1)</script>"
    page = client_for(ben).get(reverse("exchange_post", args=[crown.slug, post.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    board = client_for(ben).get(reverse("exchange_board", args=[crown.slug])).content.decode()
    assert "<script>alert(1)" not in board


def test_intake_keeps_the_neighbours_contact_private(
    client_for: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    post = make_post(
        crown, ben, on_behalf=services.ContactInput(name="Doña Rosa", phone="347 555 0199", note="no stairs")
    )
    contact = Contact.objects.get()
    assert (
        contact.phone == "+13475550199" and contact.source == "intake"
    )  # one form for a North American number
    fay_page = client_for(fay).get(reverse("exchange_post", args=[crown.slug, post.pk])).content.decode()
    assert "Doña Rosa" not in fay_page and "3475550199" not in fay_page and "for a neighbour" in fay_page
    ada_page = client_for(ada).get(reverse("exchange_post", args=[crown.slug, post.pk])).content.decode()
    assert "Doña Rosa" in ada_page and "3475550199" in ada_page
    assert SensitiveRead.objects.filter(reader=ada, subject_id=post.pk, fields="contact").count() == 1


def test_address_shown_only_to_the_accepted_helper(
    client_for: Any, ben: Any, fay: Any, cy: Any, crown: Any
) -> None:
    post = make_post(crown, ben, address="742 Evergreen Terrace")
    url = reverse("exchange_post", args=[crown.slug, post.pk])
    assert "Evergreen" not in client_for(fay).get(url).content.decode()
    claim = services.claim_create(post=post, claimant=fay)
    assert "Evergreen" not in client_for(fay).get(url).content.decode()
    services.claim_decide(claim=claim, actor=ben, accept=True)
    assert "Evergreen" in client_for(fay).get(url).content.decode()
    assert SensitiveRead.objects.filter(reader=fay, subject_id=post.pk, fields="address").count() == 1


def test_coordinators_only_posts_are_hidden_from_members(
    client_for: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    post = make_post(crown, fay, title="Quiet need", visibility="coordinators")
    assert client_for(ben).get(reverse("exchange_post", args=[crown.slug, post.pk])).status_code == 404
    assert (
        "Quiet need" not in client_for(ben).get(reverse("exchange_board", args=[crown.slug])).content.decode()
    )
    assert "Quiet need" in client_for(ada).get(reverse("exchange_board", args=[crown.slug])).content.decode()
    assert "Quiet need" in client_for(fay).get(reverse("exchange_mine", args=[crown.slug])).content.decode()
    # whoever was assigned to it sees its page (exchange.access.has_claimed), in any state of the claim
    from mutualaid.exchange.models import Claim

    Claim.objects.create(post=post, claimant=ben, state=Claim.State.RELEASED)
    assert client_for(ben).get(reverse("exchange_post", args=[crown.slug, post.pk])).status_code == 200


def test_needs_are_reminded_then_expire_and_can_be_renewed(ben: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    offer = make_post(crown, ben, kind="offer", title="Soup")
    reminded, expired = services.posts_expire(now=post.expires_at - timedelta(days=1))
    assert (reminded, expired) == (1, 0)
    post.refresh_from_db()
    assert post.reminded_at is not None and post.status == "open"
    assert services.posts_expire(now=post.expires_at + timedelta(seconds=1)) == (0, 1)
    post.refresh_from_db()
    offer.refresh_from_db()
    assert post.status == "expired" and post.closed_at is not None and offer.status == "open"
    services.post_act(post=post, actor=ben, action="renew")
    post.refresh_from_db()
    assert post.status == "open" and post.closed_at is None and post.reminded_at is None
    assert post.expires_at > timezone.now() + timedelta(days=29)


@pytest.mark.usefixtures("one_rate_window")
def test_posting_flood_answers_429(client_for: Any, ben: Any, crown: Any) -> None:
    for i in range(services.FLOOD_POSTS_PER_HOUR):
        make_post(crown, ben, title=f"post {i}")
    response = client_for(ben).post(
        reverse("exchange_post_new", args=[crown.slug]),
        {
            "kind": "need",
            "category": "food",
            "title": "one more",
            "quantity": "1",
            "urgency": "today",
            "visibility": "group",
        },
    )
    assert response.status_code == 429
    assert Post.objects.count() == services.FLOOD_POSTS_PER_HOUR


def test_outsiders_cannot_post(cy: Any, crown: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_post(crown, cy)


def test_expiry_period_is_configurable(ben: Any, crown: Any, settings: Any) -> None:
    settings.MUTUALAID_NEED_EXPIRY_DAYS = 7
    post = make_post(crown, ben)
    assert timedelta(days=6) < post.expires_at - timezone.now() <= timedelta(days=7)
    assert make_post(crown, ben, kind="offer", title="Soup").expires_at is None
