"""Coordinator actions on funds need a second factor (THREATS.md property 11); list pages pin their queries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.funds.models import Transaction
from mutualaid.members.models import Membership
from tests.conftest import make_user
from tests.funds.conftest import approved, fill
from tests.helpers import assert_query_count


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
    # Sent to set up a second factor: a redirect that names where (a 403 or a redirect elsewhere fails).
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")
    assert not Transaction.objects.exists()
    page = client.get(reverse("funds_fund", args=["crown", bail_fund.pk]))
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/2fa/")


def test_fund_pages_query_count_does_not_grow_with_requests(
    client_for: Any, ada: Any, ida: Any, ben: Any, rent_fund: Any
) -> None:
    fill(rent_fund, 1000_00, ada)
    client = client_for(ada)
    pages = [
        reverse("funds_fund", args=["crown", rent_fund.pk]),
        reverse("funds_transparency", args=["crown", rent_fund.pk]),
        reverse("funds_list", args=["crown"]),
    ]
    client.get(pages[0])  # the first request of the day records last-seen; measure the steady state

    # Fund page, transparency page, fund list (each with the header's unread-notices count): the same
    # numbers with one approved request and with fifteen.
    expected = [14, 8, 6]

    def pages_cost_as_expected() -> None:
        for url, count in zip(pages, expected, strict=True):
            with assert_query_count(count):
                assert client.get(url).status_code == 200

    approved(rent_fund, amount=10_00, asker=ben, voters=[ada, ida])
    pages_cost_as_expected()
    for _ in range(14):
        approved(rent_fund, amount=10_00, asker=ben, voters=[ada, ida])
    pages_cost_as_expected()
