"""Notifications and broadcasts in a real browser at phone width."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.totp import secret_of


def test_member_chooses_a_daily_digest_from_the_profile(
    page: Any, go: Any, log_in: Any, shot: Any, ben: Any
) -> None:
    from mutualaid.channels.models import NotificationPreference

    log_in("ben", PASSWORD)
    go("/me/")
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    page.get_by_label("E-mail notifications").select_option("digest")
    page.get_by_label("Announcements from my groups").check()
    shot("notification-preferences")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification preferences were saved.")).to_be_visible()
    preference = NotificationPreference.objects.get(user=ben)
    assert (preference.email, preference.sms, preference.broadcasts) == ("digest", "never", True)


def test_coordinator_previews_then_sends_a_broadcast(
    page: Any, go: Any, log_in: Any, shot: Any, ada: Any, ben: Any
) -> None:
    from mutualaid.channels.models import Broadcast, Contact, NotificationPreference, OutboundMessage
    from mutualaid.channels.services import gateway_save
    from mutualaid.members.services import profile_update

    profile_update(user=ben, display_name="Ben", language="en", email="ben@example.org", phone="")
    NotificationPreference.objects.create(user=ben, broadcasts=True)
    gateway = gateway_save(
        group=ada.memberships.get().group,
        kind="android",
        enabled=True,
        secret="k",
        api_url="http://127.0.0.1:9",
    )
    Contact.objects.create(
        group=gateway.group, phone="+17185550123", phone_index="b", gateway=gateway, broadcasts=True
    )
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/broadcasts/")
    expect(page.get_by_text("by e-mail: 1")).to_be_visible()
    expect(page.get_by_text("by text message: 1")).to_be_visible()
    page.get_by_label("Message").fill("Distribution moved to 5 pm")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Check the message, then send it.")).to_be_visible()
    assert not Broadcast.objects.exists()
    shot("broadcast-preview")
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("Queued 1 e-mails and 1 text messages.")).to_be_visible()
    expect(page.get_by_role("cell", name="Distribution moved to 5 pm")).to_be_visible()
    assert OutboundMessage.objects.filter(kind="broadcast").count() == 2


def test_coordinator_finds_an_sms_need_on_the_board_and_closes_it(
    page: Any, go: Any, log_in: Any, shot: Any, ada: Any
) -> None:
    from django.urls import reverse

    from mutualaid.channels import board
    from mutualaid.channels.models import Contact
    from mutualaid.exchange.models import Post

    group = ada.memberships.get().group
    contact = Contact.objects.create(group=group, phone="+17185550124", phone_index="browser")
    need = board.create_from_sms(
        group=group,
        contact=contact,
        kind="need",
        category="food",
        area_text="",
        urgency="today",
        details="Diapers size 4",
        language="en",
    )
    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go(reverse("channels_intake", kwargs={"slug": group.slug}))
    expect(page.get_by_text("Diapers size 4")).to_be_visible()
    shot("sms-intake-on-the-board")
    page.get_by_role("link", name=f"{need.code} · Need · Food").click()
    expect(page.get_by_role("heading", name="Food, by text message")).to_be_visible()
    go(reverse("channels_intake", kwargs={"slug": group.slug}))
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_text(f"Request {need.code} was closed.")).to_be_visible()
    assert Post.objects.get(pk=need.post_id).status == "withdrawn"
