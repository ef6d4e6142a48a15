"""The board through /api/v1: the same rules as the pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.exchange.models import Claim, Post
from tests.helpers import make_post


def _json(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def test_post_claim_accept_converse_fulfil(api_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    ben_api, fay_api = api_for(ben), api_for(fay)
    created = _json(
        ben_api,
        reverse("api:exchange_post_create", args=[crown.slug]),
        {
            "kind": "need",
            "category": "childcare",
            "title": "4 hours of childcare",
            "quantity": 4,
            "unit": "hours",
            "urgency": "week",
            "languages": ["es"],
            "address": "12 Secret St",
        },
    )
    assert created.status_code == 201
    post_id = created.json()["id"]
    assert created.json()["status"] == "open" and "address" not in created.json()
    claim = _json(fay_api, reverse("api:exchange_claim_create", args=[crown.slug, post_id]), {})
    assert claim.status_code == 201
    claim_id = claim.json()["id"]
    detail = fay_api.get(reverse("api:exchange_post_detail", args=[crown.slug, post_id])).json()
    assert detail["status"] == "claimed" and detail["address"] is None
    decided = _json(
        ben_api,
        reverse("api:exchange_claim_decide", args=[crown.slug, post_id, claim_id]),
        {"decision": "accept"},
    )
    assert decided.json()["state"] == "accepted"
    detail = fay_api.get(reverse("api:exchange_post_detail", args=[crown.slug, post_id])).json()
    assert detail["address"] == "12 Secret St" and detail["allowed_actions"] == [
        "release",
        "fulfil",
        "withdraw",
    ]
    sent = _json(
        fay_api,
        reverse("api:exchange_message_send", args=[crown.slug, post_id, claim_id]),
        {"body": "Tuesday?"},
    )
    assert sent.status_code == 201
    assert [
        m["body"]
        for m in ben_api.get(reverse("api:exchange_messages", args=[crown.slug, post_id, claim_id])).json()
    ] == ["Tuesday?"]
    done = _json(ben_api, reverse("api:exchange_post_act", args=[crown.slug, post_id]), {"action": "fulfil"})
    assert done.json()["status"] == "fulfilled"
    history = ben_api.get(reverse("api:exchange_post_detail", args=[crown.slug, post_id])).json()["history"]
    assert [h["action"] for h in history] == ["post", "claim", "accept", "fulfil"]


def test_illegal_transition_answers_422_with_the_message(api_for: Any, ben: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    response = _json(
        api_for(ben), reverse("api:exchange_post_act", args=[crown.slug, post.pk]), {"action": "fulfil"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "__all__": ["Only a post in progress can be marked fulfilled; this one is open."]
    }


def test_invalid_post_answers_422_per_field(api_for: Any, ben: Any, crown: Any) -> None:
    response = _json(
        api_for(ben),
        reverse("api:exchange_post_create", args=[crown.slug]),
        {"kind": "need", "category": "nope", "title": "x", "quantity": 0},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["category"] == ["Choose a category from the list."]
    assert errors["quantity"] == ["The quantity must be a whole number from 1 to 1000."]
    assert not Post.objects.exists()


def test_board_filters_and_search(api_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    make_post(crown, ben, title="Baby formula")
    make_post(crown, fay, title="Spare bike", kind="offer", category="transport")
    board = api_for(ben).get(reverse("api:exchange_board", args=[crown.slug]), {"kind": "offer"}).json()
    assert [p["title"] for p in board["results"]] == ["Spare bike"]
    board = api_for(ben).get(reverse("api:exchange_board", args=[crown.slug]), {"q": "formula"}).json()
    assert [p["title"] for p in board["results"]] == ["Baby formula"]
    assert (
        api_for(ben).get(reverse("api:exchange_board", args=[crown.slug]), {"status": "bogus"}).status_code
        == 422
    )


def test_coordinator_assigns_and_triages(api_for: Any, ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    from mutualaid.members.models import Membership

    post = make_post(crown, ben)
    fay_membership = Membership.objects.get(user=fay, group=crown)
    response = _json(
        api_for(ada),
        reverse("api:exchange_post_assign", args=[crown.slug, post.pk]),
        {"member_id": fay_membership.pk},
    )
    assert response.status_code == 201
    assert Claim.objects.get(post=post).claimant == fay
    triage = api_for(ada).get(reverse("api:exchange_triage", args=[crown.slug])).json()
    assert set(triage) == {"oldest_unmet", "stale_claims", "nobody_offers"}


def test_openapi_schema_lists_the_exchange_operations(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    ops = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "exchange_board",
        "exchange_post_create",
        "exchange_claim_create",
        "exchange_import",
        "exchange_export",
    } <= ops
