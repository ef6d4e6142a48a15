"""The funds API, and idempotency keys: a retried request never posts twice."""

from __future__ import annotations

import json
from typing import Any

from mutualaid.funds.models import IdempotencyKey, Request, Transaction
from tests.funds.conftest import fill


def _post(client: Any, url: str, payload: dict[str, Any], key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, json.dumps(payload), content_type="application/json", headers=headers)


def test_list_and_detail(api_for: Any, ben: Any, ada: Any, bail_fund: Any, rent_fund: Any) -> None:
    fill(bail_fund, 30_00, ada)
    client = api_for(ben)
    funds = client.get("/api/v1/groups/crown/funds").json()
    assert [(f["name"], f["balance"]) for f in funds] == [("Crown Bail Fund", 30_00), ("Rent Relief", 0)]
    detail = client.get(f"/api/v1/groups/crown/funds/{bail_fund.pk}").json()
    assert (detail["balance"], detail["contributions"], detail["pending"]) == (30_00, 30_00, 0)


def test_contribution_with_idempotency_key_posts_once(api_for: Any, ada: Any, bail_fund: Any) -> None:
    client = api_for(ada)
    url = f"/api/v1/groups/crown/funds/{bail_fund.pk}/contributions"
    payload = {"amount": 25_00, "currency": "USD", "method": "cash"}
    first = _post(client, url, payload, key="k-1")
    again = _post(client, url, payload, key="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["balance_after"] == 25_00
    assert Transaction.objects.count() == 1
    other = _post(client, url, {**payload, "amount": 26_00}, key="k-1")
    assert other.status_code == 409
    assert other.json() == {
        "detail": "conflict",
        "errors": {"__all__": ["This Idempotency-Key was already used for a different request."]},
    }
    assert Transaction.objects.count() == 1
    assert _post(client, url, payload, key="k-2").status_code == 201
    assert Transaction.objects.count() == 2


def test_without_a_key_each_call_posts(api_for: Any, ada: Any, bail_fund: Any) -> None:
    client = api_for(ada)
    url = f"/api/v1/groups/crown/funds/{bail_fund.pk}/contributions"
    for _ in range(2):
        assert _post(client, url, {"amount": 1_00, "currency": "USD", "method": "cash"}).status_code == 201
    assert Transaction.objects.count() == 2


def test_refused_writes_store_no_key(api_for: Any, ada: Any, bail_fund: Any) -> None:
    client = api_for(ada)
    url = f"/api/v1/groups/crown/funds/{bail_fund.pk}/contributions"
    bad = _post(client, url, {"amount": -1, "currency": "USD", "method": "cash"}, key="k-3")
    assert bad.status_code == 422
    assert bad.json() == {"detail": "invalid", "errors": {"amount": ["The amount must be more than zero."]}}
    assert not IdempotencyKey.objects.exists() and not Transaction.objects.exists()
    good = _post(client, url, {"amount": 1_00, "currency": "USD", "method": "cash"}, key="k-3")
    assert good.status_code == 201


def test_wrong_currency_through_the_api(api_for: Any, ada: Any, bail_fund: Any) -> None:
    response = _post(
        api_for(ada),
        f"/api/v1/groups/crown/funds/{bail_fund.pk}/contributions",
        {"amount": 1_00, "currency": "EUR", "method": "cash"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"currency": ["This fund keeps its money in USD, not EUR."]}


def test_keys_are_per_account(api_for: Any, ada: Any, ida: Any, bail_fund: Any) -> None:
    url = f"/api/v1/groups/crown/funds/{bail_fund.pk}/contributions"
    payload = {"amount": 1_00, "currency": "USD", "method": "cash"}
    assert _post(api_for(ada), url, payload, key="same").status_code == 201
    assert _post(api_for(ida), url, payload, key="same").status_code == 201
    assert Transaction.objects.count() == 2


def test_request_approve_and_pay_through_the_api(
    api_for: Any, ada: Any, ida: Any, ben: Any, bail_fund: Any
) -> None:
    fill(bail_fund, 500_00, ada)
    created = _post(
        api_for(ben),
        f"/api/v1/groups/crown/funds/{bail_fund.pk}/requests",
        {
            "amount": 300_00,
            "currency": "USD",
            "purpose": "bail for a neighbour",
            "kind": "bail",
            "for_self": False,
        },
        key="ask-1",
    )
    assert created.status_code == 201
    body = created.json()
    assert "purpose" not in body and body["status"] == "open"
    retry = _post(
        api_for(ben),
        f"/api/v1/groups/crown/funds/{bail_fund.pk}/requests",
        {
            "amount": 300_00,
            "currency": "USD",
            "purpose": "bail for a neighbour",
            "kind": "bail",
            "for_self": False,
        },
        key="ask-1",
    )
    assert retry.json()["id"] == body["id"] and Request.objects.count() == 1
    own = _post(api_for(ben), f"/api/v1/groups/crown/fund-requests/{body['id']}/approve", {})
    assert own.status_code == 422 and own.json()["errors"] == {
        "__all__": ["Nobody approves their own request."]
    }
    first = _post(api_for(ada), f"/api/v1/groups/crown/fund-requests/{body['id']}/approve", {})
    assert first.json()["status"] == "open"
    twice = _post(api_for(ada), f"/api/v1/groups/crown/fund-requests/{body['id']}/approve", {})
    assert twice.status_code == 422 and twice.json()["errors"] == {
        "__all__": ["You already approved this request."]
    }
    second = _post(api_for(ida), f"/api/v1/groups/crown/fund-requests/{body['id']}/approve", {})
    assert second.json()["status"] == "approved"
    paid = _post(
        api_for(ada), f"/api/v1/groups/crown/fund-requests/{body['id']}/pay", {"method": "check"}, key="pay-1"
    )
    again = _post(
        api_for(ada), f"/api/v1/groups/crown/fund-requests/{body['id']}/pay", {"method": "check"}, key="pay-1"
    )
    assert paid.status_code == again.status_code == 201 and paid.json() == again.json()
    assert paid.json()["kind"] == "bail_posted" and paid.json()["balance_after"] == 200_00
    assert Transaction.objects.filter(kind="bail_posted").count() == 1


def test_transparency_api_is_open_for_public_funds(
    api_for: Any, ada: Any, bail_fund: Any, rent_fund: Any
) -> None:
    from django.test import Client

    fill(bail_fund, 10_00, ada)
    response = Client().get(f"/api/v1/groups/crown/funds/{bail_fund.pk}/transparency")
    assert response.status_code == 200
    data = response.json()
    assert data["balance"] == 10_00 and data["transactions"][0]["label"] == "Contribution"
    assert Client().get(f"/api/v1/groups/crown/funds/{rent_fund.pk}/transparency").status_code == 404


def test_reverse_through_the_api(api_for: Any, ada: Any, bail_fund: Any) -> None:
    record = fill(bail_fund, 10_00, ada)
    url = f"/api/v1/groups/crown/funds/{bail_fund.pk}/transactions/{record.pk}/reverse"
    first = _post(api_for(ada), url, {"reason": "entered twice"}, key="rev")
    assert first.status_code == 201 and first.json()["balance_after"] == 0
    assert _post(api_for(ada), url, {"reason": "entered twice"}, key="rev").json() == first.json()
    again = _post(api_for(ada), url, {"reason": "entered twice"}, key="rev-2")
    assert again.status_code == 422
    assert again.json()["errors"] == {"__all__": ["This transaction was already reversed."]}
