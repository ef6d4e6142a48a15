"""Every wrong field of one funds request is named at once, not the first alone (note 8: the API reported
one error at a time)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.funds.models import Pledge, Request, Transaction

JSON = "application/json"


def test_a_request_names_a_bad_amount_category_and_purpose_together(
    api_for: Any, ben: Any, rent_fund: Any
) -> None:
    url = reverse("api:funds_request_create", args=["crown", rent_fund.pk])
    body = {"amount": 0, "currency": "USD", "purpose": "  ", "category": "nothing-like-this"}
    response = api_for(ben).post(url, body, content_type=JSON)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"amount", "category", "purpose"}
    assert not Request.objects.exists()


def test_a_contribution_names_a_bad_amount_method_day_and_pledge_together(
    api_for: Any, ada: Any, rent_fund: Any
) -> None:
    url = reverse("api:funds_contribution_create", args=["crown", rent_fund.pk])
    body = {
        "amount": -1,
        "currency": "USD",
        "method": "gold",
        "occurred_on": "2099-01-01",
        "pledge_id": 999999,
    }
    response = api_for(ada).post(url, body, content_type=JSON)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"amount", "method", "occurred_on", "pledge_id"}
    assert not Transaction.objects.filter(fund=rent_fund).exists()


def test_a_pledge_names_a_bad_amount_and_interval_together(api_for: Any, ada: Any, rent_fund: Any) -> None:
    url = reverse("api:funds_pledge_create", args=["crown", rent_fund.pk])
    body = {"amount": 0, "currency": "USD", "interval": "hourly", "next_due": "2030-01-01"}
    response = api_for(ada).post(url, body, content_type=JSON)
    assert response.status_code == 422, response.json()
    assert {"amount", "interval"} <= set(response.json()["errors"])
    assert not Pledge.objects.exists()
