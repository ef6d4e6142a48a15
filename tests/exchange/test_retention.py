"""Closed work on the board is purged after the retention period; anonymous counts are kept (THREATS.md 4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from mutualaid.core.models import PurgeTally
from mutualaid.core.retention import purge_expired
from mutualaid.exchange import services
from mutualaid.exchange.models import Claim, Contact, ImportDraft, Message, Post, PostEvent
from tests.helpers import make_post


def test_closed_posts_and_their_personal_data_go_after_the_period(
    ada: Any, ben: Any, fay: Any, crown: Any, settings: Any
) -> None:
    settings.MUTUALAID_RETENTION_DAYS = 30
    done = make_post(
        crown, ben, address="12 Secret St", on_behalf=services.ContactInput(name="Rosa", phone="3475550199")
    )
    claim = services.claim_create(post=done, claimant=fay)
    services.claim_decide(claim=claim, actor=ben, accept=True)
    services.message_send(claim=claim, author=fay, body="on my way")
    services.post_act(post=done, actor=fay, action="fulfil")
    still_open = make_post(crown, ben, title="still open")
    ended = services.claim_create(post=still_open, claimant=fay)
    services.message_send(claim=ended, author=fay, body="sorry, cannot")
    services.post_act(post=still_open, actor=fay, action="release")
    ImportDraft.objects.create(group=crown, created_by=ada, filename="x.csv", content="eA==")

    early = purge_expired(now=timezone.now() + timedelta(days=29))
    assert (early["closed needs and offers"], early["abandoned spreadsheet uploads"]) == (0, 1)
    later = timezone.now() + timedelta(days=31)
    Contact.objects.update(created_on=(later - timedelta(days=40)).date())
    Claim.objects.update(created_at=later - timedelta(days=40))
    result = purge_expired(now=later)
    assert result["closed needs and offers"] == 1
    assert result["contacts of purged posts"] == 1
    assert result["conversations of ended claims"] == 1
    assert list(Post.objects.values_list("title", flat=True)) == ["still open"]
    assert not Contact.objects.exists() and not Message.objects.exists() and not ImportDraft.objects.exists()
    assert not PostEvent.objects.filter(post_id=done.pk).exists()
    tally = PurgeTally.objects.get(rule="closed needs and offers")
    assert (tally.group_id, tally.label, tally.count) == (crown.pk, "need:food:fulfilled", 1)
