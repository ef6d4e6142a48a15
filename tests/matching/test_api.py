"""Matching through /api/v1: run, list, decide in bulk, respond."""

from __future__ import annotations

import json
from typing import Any

from mutualaid.exchange.models import Claim
from tests.helpers import HERE, NEAR, make_post
from tests.matching.test_round_jobs import run_jobs


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_round_decide_and_respond(crown: Any, ada: Any, ben: Any, fay: Any, api_for: Any) -> None:
    make_post(crown, ben, "Groceries", quantity=2, address="12 Secret Street", place=HERE)
    make_post(crown, fay, "Soup", kind="offer", quantity=2, place=NEAR)
    base = f"/api/v1/groups/{crown.slug}/matching"
    coordinator = api_for(ada)
    queued = _post(coordinator, f"{base}/rounds", {})
    assert queued.status_code == 202 and queued.json()["state"] == "queued"
    run_jobs()
    response = coordinator.get(f"{base}/rounds/{queued.json()['id']}")
    body = response.json()
    assert body["state"] == "done"
    assert "Secret" not in response.content.decode()
    [proposal] = body["proposals"]
    assert (
        proposal["units"] == 2
        and proposal["need"]["title"] == "Groceries"
        and proposal["state"] == "proposed"
    )
    assert set(proposal["reasons"]) == {"km", "urgency", "waiting_days"}
    assert _post(api_for(ben), f"{base}/rounds", {}).status_code == 403

    response = _post(
        coordinator,
        f"{base}/proposals/decide",
        {"approve_ids": [proposal["id"]], "edits": {str(proposal["id"]): 5}},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "edits": [f"Proposal {proposal['id']} can have from 1 to 2 units."]
    } or "edits" in json.dumps(response.json())
    response = _post(coordinator, f"{base}/proposals/decide", {"approve_ids": [proposal["id"]]})
    assert response.json() == {"approved": 1, "rejected": 0, "lapsed": 0}

    listed = api_for(ben).get(f"{base}/proposals").json()
    assert [p["id"] for p in listed] == [proposal["id"]] and listed[0]["state"] == "approved"
    assert api_for(ada).get(f"{base}/proposals").json()[0]["id"] == proposal["id"]

    respond = f"{base}/proposals/{proposal['id']}/respond"
    assert _post(api_for(ada), respond, {"decision": "accept"}).status_code == 404
    assert _post(api_for(ben), respond, {"decision": "accept"}).json()["need"]["answer"] == "accepted"
    done = _post(api_for(fay), respond, {"decision": "accept"}).json()
    assert done["state"] == "matched"
    assert done["assigned_post_id"] == proposal["need"]["post_id"]  # all of the need: the need itself
    assert Claim.objects.get(post_id=proposal["need"]["post_id"]).claimant == fay
    response = _post(api_for(fay), respond, {"decision": "decline"})
    assert response.status_code == 422


def test_api_settings(crown: Any, ada: Any, ben: Any, api_for: Any) -> None:
    url = f"/api/v1/groups/{crown.slug}/matching/settings"
    response = api_for(ada).put(url, json.dumps({"schedule": "daily"}), content_type="application/json")
    assert response.json() == {"schedule": "daily"}
    assert (
        api_for(ben).put(url, json.dumps({"schedule": "off"}), content_type="application/json").status_code
        == 403
    )


def test_out_of_range_ids_are_refused_not_a_server_error(crown: Any, ada: Any, api_for: Any) -> None:
    """Found by the fuzzer: an id of 2**63 overflowed the database driver."""
    response = _post(api_for(ada), "/api/v1/groups/crown/matching/proposals/decide", {"reject_ids": [2**63]})
    assert response.status_code == 422


def test_api_partial_match_names_the_split_off_post(
    crown: Any, ada: Any, ben: Any, fay: Any, api_for: Any
) -> None:
    from mutualaid.exchange.models import Post

    need = make_post(crown, ben, "Groceries", quantity=3, place=HERE)
    make_post(crown, fay, "Soup", kind="offer", quantity=2, place=NEAR)
    base = f"/api/v1/groups/{crown.slug}/matching"
    round_id = _post(api_for(ada), f"{base}/rounds", {}).json()["id"]
    run_jobs()
    [proposal] = api_for(ada).get(f"{base}/rounds/{round_id}").json()["proposals"]
    _post(api_for(ada), f"{base}/proposals/decide", {"approve_ids": [proposal["id"]]})
    respond = f"{base}/proposals/{proposal['id']}/respond"
    _post(api_for(ben), respond, {"decision": "accept"})
    done = _post(api_for(fay), respond, {"decision": "accept"}).json()
    assert done["state"] == "matched" and done["assigned_post_id"] not in (None, need.pk)
    part = Post.objects.get(pk=done["assigned_post_id"])
    need.refresh_from_db()
    assert (part.quantity, part.status, need.quantity, need.status) == (2, "in_progress", 1, "open")
