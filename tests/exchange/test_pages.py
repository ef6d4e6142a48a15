"""The board's pages stay within the weight budget and work without JavaScript (plain links and forms)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.urls import reverse

from mutualaid.exchange import services
from tests.helpers import make_post


def test_pages_stay_under_30_kb_gzip(client_for: Any, ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    for i in range(25):
        make_post(
            crown,
            fay,
            title=f"A long enough title for post number {i}",
            details="details " * 40,
            languages=["en", "es"],
            area="11216",
        )
    post = make_post(crown, ben)
    claim = services.claim_create(post=post, claimant=fay)
    for i in range(30):
        services.message_send(claim=claim, author=fay if i % 2 else ben, body=f"message {i} " * 10)
    assets = sum(
        len(gzip.compress(Path(finders.find(p)).read_bytes())) for p in ("core/site.css", "core/enhance.js")
    )
    pages = [
        reverse("exchange_board", args=[crown.slug]),
        reverse("exchange_post_new", args=[crown.slug]),
        reverse("exchange_post", args=[crown.slug, post.pk]),
        reverse("exchange_triage", args=[crown.slug]),
        reverse("exchange_conversation", args=[crown.slug, post.pk, claim.pk]),
        reverse("exchange_import", args=[crown.slug]),
        reverse("exchange_export", args=[crown.slug]),
    ]
    client = client_for(ada)
    services.conversation_invite_coordinators(claim=claim, actor=ben)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        total = len(gzip.compress(response.content)) + assets
        assert total <= 30 * 1024, f"{path}: {total} bytes gzip"


def test_board_filters_work_as_a_plain_get_form(client_for: Any, ben: Any, crown: Any) -> None:
    make_post(crown, ben, title="Baby formula")
    page = (
        client_for(ben).get(reverse("exchange_board", args=[crown.slug]), {"q": "formula"}).content.decode()
    )
    assert '<form method="get"' in page and "Baby formula" in page


def test_htmx_requests_get_only_the_results(client_for: Any, ben: Any, crown: Any) -> None:
    make_post(crown, ben, title="Baby formula")
    page = (
        client_for(ben)
        .get(reverse("exchange_board", args=[crown.slug]), headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "Baby formula" in page and "<html" not in page
