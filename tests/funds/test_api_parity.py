"""API parity: everything a person can do on the fund pages can be done through /api/v1, with clear 4xx."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.utils import timezone

from mutualaid.core.models import SensitiveRead
from mutualaid.funds import services
from mutualaid.funds.models import Fund, Pledge, Request, Transaction
from tests.funds.conftest import approved, assert_ledger_consistent, fill


def _send(
    client: Any, method: str, url: str, payload: dict[str, Any] | None = None, key: str | None = None
) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.generic(
        method, url, json.dumps(payload or {}), content_type="application/json", headers=headers
    )


def test_a_coordinator_starts_and_changes_a_fund(api_for: Any, ada: Any, ben: Any) -> None:
    client = api_for(ada)
    created = _send(
        client,
        "POST",
        "/api/v1/groups/crown/funds",
        {
            "name": "Medical",
            "kind": "medical",
            "currency": "EUR",
            "visibility": "public",
            "single_approval_limit": 50_00,
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["currency"], body["balance"], body["coordinator_approvals"]) == (
        "Medical",
        "EUR",
        0,
        2,
    )
    fund = Fund.objects.get()
    assert fund.accounts.count() == 4

    changed = _send(
        client,
        "PATCH",
        f"/api/v1/groups/crown/funds/{fund.pk}",
        {"name": "Medical fund", "member_approvals": 3},
    )
    assert changed.status_code == 200
    fund.refresh_from_db()
    # Only what was sent changed.
    assert (fund.name, fund.member_approvals, fund.visibility, fund.single_approval_limit) == (
        "Medical fund",
        3,
        "public",
        50_00,
    )

    assert _send(api_for(ben), "POST", "/api/v1/groups/crown/funds", {"name": "Mine"}).status_code == 403
    assert Fund.objects.count() == 1


def test_fund_bad_input_is_refused_with_field_messages(api_for: Any, ada: Any, rent_fund: Any) -> None:
    client = api_for(ada)
    bad = _send(
        client,
        "POST",
        "/api/v1/groups/crown/funds",
        {"name": " ", "currency": "XYZ", "coordinator_approvals": 0},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "name": ["Name the fund (at most 100 characters)."],
        "coordinator_approvals": ["Between 1 and 20 coordinators must approve larger requests."],
        "currency": ["Choose a currency from the list."],
    }
    huge = _send(client, "PATCH", f"/api/v1/groups/crown/funds/{rent_fund.pk}", {"single_approval_limit": -1})
    assert huge.status_code == 422
    assert huge.json()["errors"] == {
        "single_approval_limit": ["The limit must be between zero and the largest amount allowed."]
    }
    assert Fund.objects.count() == 1


def test_loosening_the_rule_through_the_api_approves_waiting_requests(
    api_for: Any, ada: Any, ben: Any, rent_fund: Any
) -> None:
    ask = services.request_create(
        fund=rent_fund, requested_by=ben, amount=40_00, currency="USD", purpose="rent"
    )
    services.request_approve(request=ask, voter=ada)
    ask.refresh_from_db()
    assert ask.status == "open"  # above the limit of 0: two coordinators needed
    response = _send(
        api_for(ada), "PATCH", f"/api/v1/groups/crown/funds/{rent_fund.pk}", {"single_approval_limit": 40_00}
    )
    assert response.status_code == 200
    ask.refresh_from_db()
    assert ask.status == "approved"


def test_public_funds_are_listed_for_anyone(
    api_for: Any, ada: Any, bail_fund: Any, rent_fund: Any, crown: Any
) -> None:
    fill(bail_fund, 12_00, ada)
    listed = _send(api_for(None), "GET", "/api/v1/groups/crown/public-funds")
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": bail_fund.pk,
            "name": "Crown Bail Fund",
            "kind": "bail",
            "purpose": "",
            "currency": "USD",
            "balance": 12_00,
        }
    ]
    crown.listed = False
    crown.save()
    assert _send(api_for(None), "GET", "/api/v1/groups/crown/public-funds").status_code == 404


def test_the_ledger_shows_entries_that_sum_to_zero(
    api_for: Any, ada: Any, ida: Any, ben: Any, rent_fund: Any
) -> None:
    gift = fill(rent_fund, 100_00, ada)
    services.contribution_record(
        fund=rent_fund,
        amount=5_00,
        currency="USD",
        method="app",
        recorded_by=ada,
        contributor="Maria Lopez",
        reference="venmo 99",
    )
    services.transaction_reverse(record=gift, reversed_by=ida, reason="entered twice")
    response = _send(api_for(ada), "GET", f"/api/v1/groups/crown/funds/{rent_fund.pk}/ledger")
    assert response.status_code == 200
    rows = response.json()
    assert [r["kind"] for r in rows] == ["reversal", "contribution", "contribution"]
    assert all(sum(e["amount"] for e in r["entries"]) == 0 for r in rows)
    assert rows[0]["reverses"] == gift.pk and rows[2]["reversed_by"] == rows[0]["id"]
    assert "Maria" not in response.content.decode() and "venmo" not in response.content.decode()
    assert _send(api_for(ben), "GET", f"/api/v1/groups/crown/funds/{rent_fund.pk}/ledger").status_code == 403
    bad = _send(api_for(ada), "GET", f"/api/v1/groups/crown/funds/{rent_fund.pk}/ledger?limit=0")
    assert bad.status_code == 422


def test_pledges_through_the_api(api_for: Any, ada: Any, rent_fund: Any) -> None:
    client = api_for(ada)
    base = f"/api/v1/groups/crown/funds/{rent_fund.pk}"
    today = timezone.localdate()
    made = _send(
        client,
        "POST",
        f"{base}/pledges",
        {
            "amount": 20_00,
            "currency": "USD",
            "interval": "monthly",
            "next_due": today.isoformat(),
            "contributor": "A neighbour",
        },
    )
    assert made.status_code == 201 and made.json()["due"] is True
    pledge = Pledge.objects.get()
    refused = _send(
        client, "POST", f"{base}/pledges", {"amount": 0, "currency": "USD", "next_due": today.isoformat()}
    )
    assert refused.status_code == 422 and refused.json()["errors"] == {
        "amount": ["The amount must be more than zero."]
    }

    # A contribution that fulfils the pledge moves its next due day.
    gift = _send(
        client,
        "POST",
        f"{base}/contributions",
        {"amount": 20_00, "currency": "USD", "method": "cash", "pledge_id": pledge.pk},
    )
    assert gift.status_code == 201
    pledge.refresh_from_db()
    assert pledge.next_due > today
    other = _send(
        client,
        "POST",
        f"{base}/contributions",
        {"amount": 1_00, "currency": "USD", "method": "cash", "pledge_id": 999_999},
    )
    assert other.status_code == 422 and other.json()["errors"] == {
        "pledge_id": ["That pledge belongs to another fund."]
    }

    listed = _send(client, "GET", f"{base}/pledges").json()
    assert [(p["id"], p["active"]) for p in listed] == [(pledge.pk, True)]
    stopped = _send(client, "POST", f"{base}/pledges/{pledge.pk}/stop")
    assert stopped.status_code == 200 and stopped.json()["active"] is False
    assert _send(client, "POST", f"{base}/pledges/999999/stop").status_code == 404


def test_request_detail_is_audited_for_others_only(
    api_for: Any, ada: Any, ben: Any, cy: Any, rent_fund: Any
) -> None:
    ask = services.request_create(
        fund=rent_fund,
        requested_by=ben,
        amount=30_00,
        currency="USD",
        purpose="Rent for March",
        payee="Landlord, acct 1234",
    )
    services.request_approve(request=ask, voter=ada)
    url = f"/api/v1/groups/crown/fund-requests/{ask.pk}"
    own = _send(api_for(ben), "GET", url)
    assert own.status_code == 200
    body = own.json()
    assert (body["purpose"], body["payee"], body["requested_by"]) == (
        "Rent for March",
        "Landlord, acct 1234",
        "Ben",
    )
    assert [v["voter"] for v in body["votes"]] == ["Ada"] and body["status"] == "open"
    assert (body["coordinator_approvals"], body["needed_coordinators"], body["needed_members"]) == (1, 2, 0)
    assert not SensitiveRead.objects.exists()
    assert _send(api_for(ada), "GET", url).status_code == 200
    read = SensitiveRead.objects.get()
    assert (read.reader_id, read.subject_id, read.fields) == (ada.pk, ask.pk, "payee,purpose")
    assert _send(api_for(cy), "GET", url).status_code == 404


def test_decline_and_withdraw(api_for: Any, ada: Any, ben: Any, rent_fund: Any) -> None:
    first = services.request_create(
        fund=rent_fund, requested_by=ben, amount=10_00, currency="USD", purpose="x"
    )
    second = services.request_create(
        fund=rent_fund, requested_by=ben, amount=10_00, currency="USD", purpose="y"
    )
    declined = _send(api_for(ada), "POST", f"/api/v1/groups/crown/fund-requests/{first.pk}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    again = _send(api_for(ada), "POST", f"/api/v1/groups/crown/fund-requests/{first.pk}/decline")
    assert again.status_code == 422
    assert again.json()["errors"] == {"__all__": ["Only an open or approved request can be declined."]}
    withdrawn = _send(api_for(ben), "POST", f"/api/v1/groups/crown/fund-requests/{second.pk}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    # Only the requester withdraws; a coordinator is answered as if there were nothing to withdraw.
    assert (
        _send(api_for(ada), "POST", f"/api/v1/groups/crown/fund-requests/{second.pk}/withdraw").status_code
        == 404
    )


def test_bail_comes_back_through_the_api_once(
    api_for: Any, ada: Any, ida: Any, ben: Any, bail_fund: Any
) -> None:
    fill(bail_fund, 1000_00, ada)
    ask = approved(bail_fund, amount=800_00, asker=ben, voters=[ada, ida], kind="bail")
    services.request_pay(request=ask, paid_by=ada, method="check")
    url = f"/api/v1/groups/crown/fund-requests/{ask.pk}/bail"
    payload = {"returned": 700_00, "forfeit_rest": True, "method": "check"}
    first = _send(api_for(ada), "POST", url, payload, key="bail-1")
    again = _send(api_for(ada), "POST", url, payload, key="bail-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert [t["kind"] for t in first.json()] == ["bail_returned", "bail_forfeited"]
    ask.refresh_from_db()
    assert ask.bail_status == "forfeited"
    assert Transaction.objects.filter(request=ask).count() == 3
    assert_ledger_consistent(bail_fund)
    late = _send(api_for(ada), "POST", url, {"returned": 1_00})
    assert late.status_code == 422 and late.json()["errors"] == {
        "__all__": ["Only bail that is at the court can come back."]
    }


def test_the_whole_story_through_the_api_only(api_for: Any, ada: Any, ida: Any, ben: Any) -> None:
    """Start a bail fund, fill it, a member asks, two coordinators approve, one pays; the public sees no names."""
    coordinator, other, member, public = api_for(ada), api_for(ida), api_for(ben), api_for(None)
    fund = _send(
        coordinator,
        "POST",
        "/api/v1/groups/crown/funds",
        {
            "name": "Crown Bail",
            "kind": "bail",
            "visibility": "public",
            "single_approval_limit": 100_00,
        },
    ).json()
    base = f"/api/v1/groups/crown/funds/{fund['id']}"
    assert (
        _send(
            coordinator,
            "POST",
            f"{base}/contributions",
            {
                "amount": 2000_00,
                "currency": "USD",
                "method": "bank",
                "contributor": "Maria Lopez",
            },
        ).status_code
        == 201
    )
    ask = _send(
        member,
        "POST",
        f"{base}/requests",
        {
            "amount": 1500_00,
            "currency": "USD",
            "kind": "bail",
            "category": "legal",
            "for_self": False,
            "purpose": "Bail for Jordan Rivera",
            "payee": "Kings County court",
        },
    ).json()
    request_url = f"/api/v1/groups/crown/fund-requests/{ask['id']}"
    assert _send(member, "POST", f"{request_url}/approve").status_code == 422  # nobody approves their own
    assert (
        _send(coordinator, "POST", f"{request_url}/pay", {"method": "check"}).status_code == 422
    )  # not approved yet
    assert _send(coordinator, "POST", f"{request_url}/approve").json()["status"] == "open"
    assert _send(other, "POST", f"{request_url}/approve").json()["status"] == "approved"
    paid = _send(coordinator, "POST", f"{request_url}/pay", {"method": "check"})
    assert paid.status_code == 201 and paid.json()["balance_after"] == 500_00
    report = _send(public, "GET", f"{base}/transparency")
    assert report.status_code == 200
    assert report.json()["balance"] == 500_00 and report.json()["pending"] == 1500_00
    text = report.content.decode()
    for secret in ("Maria", "Jordan", "Rivera", "Kings County", "Ben", "Ada", "Ida"):
        assert secret not in text
    assert Request.objects.get().status == "paid"


def test_days_in_the_future_are_refused(api_for: Any, ada: Any, rent_fund: Any) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _send(
        api_for(ada),
        "POST",
        f"/api/v1/groups/crown/funds/{rent_fund.pk}/contributions",
        {
            "amount": 1_00,
            "currency": "USD",
            "method": "cash",
            "occurred_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"occurred_on": ["The day cannot be in the future."]}
    assert not Transaction.objects.exists()
