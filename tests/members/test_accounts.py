"""Accounts: pseudonymous, unique usernames whatever the case, contact details encrypted, deletable."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mutualaid.core.encryption import blind_index
from mutualaid.members import services
from mutualaid.members.models import Membership, User
from tests.conftest import PASSWORD, make_user


def test_usernames_are_unique_case_insensitively(ben: Any) -> None:
    with pytest.raises(ValidationError, match="That username is taken."):
        make_user("BeN")


def test_oversize_and_malformed_input_is_refused(db: Any) -> None:
    with pytest.raises(ValidationError, match="Use 2 to 40 letters"):
        make_user("x" * 41)
    with pytest.raises(ValidationError, match="Use at most 60 characters."):
        services.user_create(username="longname", password=PASSWORD, display_name="n" * 61)
    with pytest.raises(ValidationError, match="Enter a phone number of 7 to 15 digits."):
        services.user_create(username="phoney", password=PASSWORD, display_name="P", phone="12")
    assert not User.objects.exists()


def test_contact_details_are_encrypted_in_the_database_and_found_by_blind_index(db: Any) -> None:
    user = make_user("marta", email="Marta@Example.org", phone="(347) 555-0101")
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, phone FROM members_user WHERE id = %s", [user.pk])
        email, phone = cursor.fetchone()
    assert "example.org" not in email.lower() and "5550101" not in phone
    fresh = User.objects.get(pk=user.pk)
    assert fresh.email == "marta@example.org" and fresh.phone == "3475550101"
    assert User.objects.get(phone_index=blind_index("3475550101", purpose="phone")) == user


def test_profile_page_updates_and_sets_language(ben: Any, client_for: Any) -> None:
    client = client_for(ben)
    response = client.post(
        "/me/", {"display_name": "Benito", "language": "es", "email": "", "phone": "+34 600 000 000"}
    )
    assert response.status_code == 302
    ben.refresh_from_db()
    assert ben.display_name == "Benito" and ben.language == "es" and ben.phone == "+34600000000"
    assert "Perfil" in client.get("/me/").content.decode()


def test_deleting_an_account_removes_personal_data(ben: Any, crown: Any, client_for: Any) -> None:
    services.profile_update(
        user=ben, display_name="Ben", language="en", email="ben@example.org", phone="3475550111"
    )
    client = client_for(ben)
    response = client.post("/me/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    ben.refresh_from_db()
    assert ben.username.startswith("deleted-") and ben.display_name == "Former member"
    assert ben.email == "" and ben.phone == "" and ben.phone_index == ""
    assert not ben.is_active and not ben.has_usable_password()
    assert not Membership.objects.filter(user=ben).exists()


def test_delete_needs_the_right_password(ben: Any, client_for: Any) -> None:
    response = client_for(ben).post("/me/delete/", {"password": "wrong", "confirm": "on"})
    assert "That password is not right." in response.content.decode()
    ben.refresh_from_db()
    assert ben.is_active


def test_last_seen_is_a_day_and_no_login_time_is_kept(ben: Any, client_for: Any) -> None:
    client_for(ben).get("/")
    ben.refresh_from_db()
    assert ben.last_seen is not None and not hasattr(ben.last_seen, "hour")
    assert "last_login" not in {f.name for f in User._meta.get_fields()}


def test_deleting_an_account_drops_what_other_apps_hold_for_the_member_and_keeps_their_posts(
    ben: Any, ada: Any, crown: Any, client_for: Any
) -> None:
    from mutualaid.channels.models import DigestItem, NotificationPreference, OutboundMessage
    from mutualaid.exchange.models import Post
    from tests.helpers import make_post

    services.profile_update(user=ben, display_name="Ben", language="en", email="ben@example.org", phone="")
    post = make_post(crown, ben)
    NotificationPreference.objects.create(user=ben, email="digest")
    DigestItem.objects.create(user=ben, channel="email", kind="claim", text="Someone offered to help")
    for status in ("queued", "failed", "sent"):
        OutboundMessage.objects.create(
            channel="email",
            kind="claim",
            user=ben,
            recipient="ben@example.org",
            subject="Hi",
            body="Someone offered to help",
            status=status,
        )
    to_ada = OutboundMessage.objects.create(
        channel="email",
        kind="claim",
        user=ada,
        recipient="ada@example.org",
        subject="Hi",
        body="A note",
        status="queued",
    )
    assert client_for(ben).post("/me/delete/", {"password": PASSWORD, "confirm": "on"}).status_code == 302
    assert list(OutboundMessage.objects.filter(user=ben).values_list("status", flat=True)) == ["sent"]
    assert not DigestItem.objects.filter(user=ben).exists()
    assert not NotificationPreference.objects.filter(user=ben).exists()
    assert OutboundMessage.objects.filter(pk=to_ada.pk).exists()  # nobody else's
    kept = Post.objects.get(pk=post.pk)  # what they posted stays, under no name of theirs
    assert kept.author_id == ben.pk and str(kept.author) == "Former member"
