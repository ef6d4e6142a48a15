"""The post page links a claim's conversation only for those who may open it (found by tests/test_demo_crawl.py:
coordinators saw a "Conversation" link that answered 404 until the two sides invited them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.exchange import services
from tests.helpers import make_post


def test_coordinator_gets_the_conversation_link_once_invited(
    client_for: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    post = make_post(crown, ben)
    claim = services.claim_create(post=post, claimant=fay)
    conversation = reverse("exchange_conversation", args=[crown.slug, post.pk, claim.pk])
    link = f'href="{conversation}"'
    page = reverse("exchange_post", args=[crown.slug, post.pk])
    coordinator = client_for(ada)

    assert link not in coordinator.get(page).content.decode()
    assert coordinator.get(conversation).status_code == 404
    assert link in client_for(ben).get(page).content.decode()
    assert client_for(ben).get(conversation).status_code == 200

    services.conversation_invite_coordinators(claim=claim, actor=ben)
    assert link in coordinator.get(page).content.decode()
    assert coordinator.get(conversation).status_code == 200
