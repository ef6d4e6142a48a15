"""Data migration 0003: requests taken in by SMS before the board existed move onto it, and back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mutualaid.core.encryption import blind_index

BEFORE = [("channels", "0001_sms_email_notifications_broadcasts")]
AFTER = [("channels", "0004_intake_request_fields_moved_to_post")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_requests_move_to_the_board_and_back() -> None:
    old = _migrate(BEFORE)
    group = old.get_model("groups", "Group").objects.create(name="Old Town", slug="old-town")
    index = blind_index("+17185550123", purpose="phone")
    texter = old.get_model("channels", "Contact").objects.create(
        group=group, phone="+17185550123", phone_index=index
    )
    requests = old.get_model("channels", "IntakeRequest").objects
    week_ago = timezone.now() - timedelta(days=7)
    open_need = requests.create(
        group=group,
        contact=texter,
        kind="need",
        category="food",
        area="Canary Corner",
        urgency="anytime",
        details="Two bags",
        code="ABCDE",
        created_at=week_ago,
        last_activity_at=week_ago,
    )
    closed_offer = requests.create(
        group=group,
        contact=texter,
        kind="offer",
        category="transport",
        area="11216",
        urgency="week",
        details="",
        code="FGHJK",
        status="closed",
        closed_at=week_ago,
    )
    try:
        new = _migrate(AFTER)
        Post = new.get_model("exchange", "Post")
        need = Post.objects.get(sms_intake__code="ABCDE")
        assert (need.kind, need.category, need.urgency, need.status, need.author_id) == (
            "need",
            "food",
            "flexible",
            "open",
            None,
        )
        assert (need.area, need.private_note) == (
            "",
            "Area: Canary Corner\nTwo bags",
        )  # nothing sealed comes out
        assert need.created_at == week_ago and need.expires_at > timezone.now()
        offer = Post.objects.get(sms_intake__code="FGHJK")
        assert (offer.status, offer.closed_at, offer.expires_at) == (
            "withdrawn",
            closed_offer.closed_at,
            None,
        )
        person = new.get_model("exchange", "Contact").objects.get()
        assert person.phone_index == index and need.contact_id == offer.contact_id == person.pk
        assert new.get_model("channels", "Contact").objects.get().person_id == person.pk
        assert list(
            new.get_model("exchange", "PostEvent").objects.filter(post=offer).values_list("action", flat=True)
        ) == ["post", "withdraw"]

        back = _migrate(BEFORE)
        restored = back.get_model("channels", "IntakeRequest").objects.get(pk=open_need.pk)
        assert (
            restored.kind,
            restored.category,
            restored.urgency,
            restored.area,
            restored.details,
            restored.status,
        ) == ("need", "food", "anytime", "Canary Corner", "Two bags", "open")
        assert back.get_model("channels", "IntakeRequest").objects.get(pk=closed_offer.pk).status == "closed"
        from mutualaid.exchange.models import Contact, Post  # the exchange app is not rolled back

        assert not Post.objects.exists() and not Contact.objects.exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
