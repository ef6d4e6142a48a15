"""Coordinator actions on funds need a second factor (THREATS.md property 11); list pages pin their queries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.funds.models import Transaction
from mutualaid.members.models import Membership
from tests.conftest import make_user
from tests.funds.conftest import approved, fill


def test_coordinator_without_second_factor_cannot_record_money(
    client_for: Any, crown: Any, bail_fund: Any
) -> None:
    gil = make_user("gil")
    Membership.objects.create(user=gil, group=crown, role="coordinator")
    client = client_for(gil)
    response = client.post(
        reverse("funds_contribution_new", args=["crown", bail_fund.pk]),
        {"amount": "10", "method": "cash", "occurred_on": "2026-11-01"},
    )
    assert response.status_code in (302, 403)
    assert "/accounts/2fa/" in response.get("Location", "/accounts/2fa/")
    assert not Transaction.objects.exists()
    page = client.get(reverse("funds_fund", args=["crown", bail_fund.pk]))
    assert page.status_code in (302, 403)


def test_fund_page_query_count_does_not_grow_with_requests(
    client_for: Any, django_assert_max_num_queries: Any, ada: Any, fay: Any, ben: Any, rent_fund: Any
) -> None:
    fill(rent_fund, 1000_00, ada)
    for _ in range(15):
        approved(rent_fund, amount=10_00, asker=ben, voters=[ada, fay])
    client = client_for(ada)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("funds_fund", args=["crown", rent_fund.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("funds_transparency", args=["crown", rent_fund.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("funds_list", args=["crown"])).status_code == 200
