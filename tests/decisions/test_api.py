"""API parity: everything the decision pages do can be done through /api/v1, with clear 4xx."""

from __future__ import annotations

import json
from typing import Any

from mutualaid.decisions.models import Ballot, Proposal
from mutualaid.funds import services as fund_services
from tests.decisions.conftest import later, member


def _send(client: Any, method: str, url: str, payload: dict[str, Any] | None = None) -> Any:
    return client.generic(method, url, json.dumps(payload or {}), content_type="application/json")


def test_open_vote_change_and_close_through_the_api(api_for: Any, crown: Any, ada: Any, ben: Any) -> None:
    created = _send(
        api_for(ben),
        "POST",
        "/api/v1/groups/crown/decisions",
        {
            "title": "Which night for the meeting?",
            "kind": "ranked",
            "options": ["Mon", "Wed", "Fri"],
            "closes_at": later(3).isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["eligible_count"] == 2 and [o["label"] for o in body["options"]] == ["Mon", "Wed", "Fri"]
    assert body["tally"] == {} and body["may_vote"]
    keys = [o["key"] for o in body["options"]]
    url = f"/api/v1/groups/crown/decisions/{body['id']}"
    assert _send(api_for(ada), "POST", f"{url}/vote", {"choice": [keys[2], keys[0]]}).json() == {
        "receipt": ""
    }
    assert _send(api_for(ben), "POST", f"{url}/vote", {"choice": [keys[1]]}).status_code == 200
    assert _send(api_for(ben), "POST", f"{url}/vote", {"choice": [keys[0]]}).status_code == 200  # changed
    bad = _send(api_for(ben), "POST", f"{url}/vote", {"choice": ["nope"]})
    assert bad.status_code == 422 and "choice" in bad.json()["errors"]
    assert _send(api_for(ben), "GET", url).json()["my_choice"] == [keys[0]]
    closed = _send(api_for(ada), "POST", f"{url}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["tally"]["winner"] == keys[0]
    assert [p["id"] for p in _send(api_for(ben), "GET", "/api/v1/groups/crown/decisions").json()] == [
        body["id"]
    ]


def test_anonymous_receipts_through_the_api(api_for: Any, crown: Any, ada: Any, ben: Any) -> None:
    created = _send(
        api_for(ada),
        "POST",
        "/api/v1/groups/crown/decisions",
        {
            "title": "Pay the hall deposit",
            "kind": "consensus",
            "anonymous": True,
            "closes_at": later(3).isoformat(),
        },
    ).json()
    url = f"/api/v1/groups/crown/decisions/{created['id']}/vote"
    receipt = _send(api_for(ben), "POST", url, {"choice": "block", "reason": "We cannot afford it"}).json()[
        "receipt"
    ]
    assert receipt
    again = _send(api_for(ben), "POST", url, {"choice": "agree"})
    assert again.status_code == 422
    assert _send(api_for(ben), "POST", url, {"choice": "agree", "receipt": receipt}).json() == {
        "receipt": receipt
    }
    assert [(b.choice, b.voter_id) for b in Ballot.objects.all()] == [("agree", None)]
    assert (
        _send(api_for(ben), "GET", f"/api/v1/groups/crown/decisions/{created['id']}").json()["my_choice"]
        is None
    )


def test_policy_and_a_gated_fund_rule_through_the_api(api_for: Any, crown: Any, ada: Any, ben: Any) -> None:
    fund = fund_services.fund_create(group=crown, name="Bail", single_approval_limit=1000)
    policy = _send(api_for(ben), "GET", "/api/v1/groups/crown/decision-policy").json()
    assert policy["require_for_fund_rules"] is False
    policy["require_for_fund_rules"] = True
    assert _send(api_for(ben), "PUT", "/api/v1/groups/crown/decision-policy", policy).status_code == 403
    assert _send(api_for(ada), "PUT", "/api/v1/groups/crown/decision-policy", policy).json()[
        "require_for_fund_rules"
    ]
    direct = _send(
        api_for(ada), "PATCH", f"/api/v1/groups/crown/funds/{fund.pk}", {"coordinator_approvals": 1}
    )
    assert direct.status_code == 422 and "passed proposal" in json.dumps(direct.json())
    opened = _send(
        api_for(ada),
        "POST",
        "/api/v1/groups/crown/decisions",
        {
            "title": "One coordinator is enough",
            "kind": "consent",
            "closes_at": later(3).isoformat(),
            "effect": "funds.approval_rule",
            "effect_params": {
                "fund_id": fund.pk,
                "single_approval_limit": 1000,
                "coordinator_approvals": 1,
                "member_approvals": 0,
            },
        },
    )
    assert opened.status_code == 201
    proposal = Proposal.objects.get()
    for user in (ada, ben):
        _send(
            api_for(user), "POST", f"/api/v1/groups/crown/decisions/{proposal.pk}/vote", {"choice": "agree"}
        )
    assert (
        _send(api_for(ben), "POST", f"/api/v1/groups/crown/decisions/{proposal.pk}/close").status_code == 403
    )
    assert _send(api_for(ada), "POST", f"/api/v1/groups/crown/decisions/{proposal.pk}/close").json()[
        "effect_applied_at"
    ]
    fund.refresh_from_db()
    assert fund.coordinator_approvals == 1


def test_a_newcomer_cannot_vote_through_the_api(api_for: Any, crown: Any, ada: Any) -> None:
    created = _send(
        api_for(ada),
        "POST",
        "/api/v1/groups/crown/decisions",
        {"title": "Q", "kind": "majority", "closes_at": later(3).isoformat()},
    ).json()
    gus = member(crown, "gus")
    refused = _send(
        api_for(gus), "POST", f"/api/v1/groups/crown/decisions/{created['id']}/vote", {"choice": "yes"}
    )
    assert refused.status_code == 422
    assert (
        _send(api_for(gus), "GET", f"/api/v1/groups/crown/decisions/{created['id']}").json()["may_vote"]
        is False
    )


QUERIES = 6  # the same for one proposal and for five


def test_the_list_reads_a_fixed_number_of_queries(api_for: Any, crown: Any, ada: Any, ben: Any) -> None:
    from tests.decisions.conftest import open_proposal
    from tests.helpers import assert_query_count

    client = api_for(ben)
    open_proposal(crown, ada)
    client.get("/api/v1/groups/crown/decisions")  # warm per-process caches
    with assert_query_count(QUERIES):
        assert len(client.get("/api/v1/groups/crown/decisions").json()) == 1
    for _ in range(4):
        open_proposal(crown, ada, kind="ranked", options=["a", "b"])
    with assert_query_count(QUERIES):
        body = client.get("/api/v1/groups/crown/decisions").json()
    assert len(body) == 5 and all(p["may_vote"] for p in body)
