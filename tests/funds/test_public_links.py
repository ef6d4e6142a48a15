"""Public funds are reachable from the group's public page and its directory entry; other funds are not."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.funds import services
from tests.helpers import assert_query_count


def test_group_page_links_public_funds_only(client_for: Any, bail_fund: Any, rent_fund: Any) -> None:
    page = client_for(None).get(reverse("group", args=["crown"])).content.decode()
    assert reverse("funds_transparency", args=["crown", bail_fund.pk]) in page
    assert "Crown Bail Fund" in page
    assert (
        "Rent Relief" not in page and reverse("funds_transparency", args=["crown", rent_fund.pk]) not in page
    )
    # The link opens without an account.
    assert (
        client_for(None).get(reverse("funds_transparency", args=["crown", bail_fund.pk])).status_code == 200
    )


def test_group_page_without_public_funds_says_nothing(client_for: Any, rent_fund: Any) -> None:
    assert "Public funds" not in client_for(None).get(reverse("group", args=["crown"])).content.decode()


def test_directory_entries_link_public_funds_in_one_query(client_for: Any, bail_fund: Any, bush: Any) -> None:
    services.fund_create(group=bush, name="Fondo de renta", kind="rent", visibility="public")
    services.fund_create(group=bush, name="Fondo interno", kind="rent", visibility="coordinators")
    client = client_for(None)
    with assert_query_count(4) as queries:  # groups, areas, public funds, linked installs' groups (peers)
        page = client.get(reverse("directory")).content.decode()
    assert sum("peers_peergroup" in q["sql"] for q in queries.captured_queries) == 1
    assert reverse("funds_transparency", args=["crown", bail_fund.pk]) in page
    assert "Fondo de renta" in page and "Fondo interno" not in page
    assert sum("funds_fund" in q["sql"] for q in queries.captured_queries) == 1
