"""Issue 11 paper cuts in the funds pages: ISO dates in every language, numbers in SVG never localised,
request defaults that follow the fund's kind."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from mutualaid.funds import services


@pytest.mark.parametrize("page", ["funds_contribution_new", "funds_pledge_new"])
def test_date_inputs_carry_iso_values_in_spanish(
    client_for: Any, ada: Any, rent_fund: Any, page: str
) -> None:
    ada.language = "es"
    ada.save(update_fields=["language"])
    client = client_for(ada)
    client.cookies["django_language"] = "es"
    html = client.get(reverse(page, args=["crown", rent_fund.pk])).content.decode()
    values = re.findall(r'<input type="date"[^>]*value="([^"]*)"', html)
    assert values and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in values), values


def test_spanish_contribution_submits_its_prefilled_day(client_for: Any, ada: Any, rent_fund: Any) -> None:
    ada.language = "es"
    ada.save(update_fields=["language"])
    client = client_for(ada)
    client.cookies["django_language"] = "es"
    url = reverse("funds_contribution_new", args=["crown", rent_fund.pk])
    html = client.get(url).content.decode()
    day = re.search(r'name="occurred_on"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="occurred_on"', html)
    assert day
    submission = re.search(r'name="submission" value="([^"]*)"', html)
    data = {"amount": "12,50", "method": "cash", "occurred_on": day.group(1) or day.group(2)}
    if submission:
        data["submission"] = submission.group(1)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert rent_fund.transactions.count() == 1


def test_chart_numbers_are_not_localised_in_spanish(client_for: Any, ada: Any, bail_fund: Any) -> None:
    for amount in (10_00, 25_50, 7_33):
        services.contribution_record(
            fund=bail_fund, amount=amount, currency="USD", method="cash", recorded_by=ada
        )
    client = client_for(None)
    client.cookies["django_language"] = "es"
    html = client.get(reverse("funds_transparency", args=["crown", bail_fund.pk])).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    for attribute in re.findall(r'\s(?:x1|y1|x2|y2|viewBox|x|y)="([^"]*)"', svg):
        assert "," not in attribute, attribute
    points = re.search(r'points="([^"]*)"', svg)
    assert points and all(re.fullmatch(r"[\d.]+,[\d.]+", pair) for pair in points.group(1).split()), points


@pytest.mark.parametrize(
    ("fund_name", "kind", "category"),
    [("bail_fund", "bail", "legal"), ("rent_fund", "grant", "housing")],
)
def test_request_defaults_follow_the_fund(
    request: pytest.FixtureRequest, client_for: Any, ben: Any, fund_name: str, kind: str, category: str
) -> None:
    fund = request.getfixturevalue(fund_name)
    html = client_for(ben).get(reverse("funds_request_new", args=["crown", fund.pk])).content.decode()
    assert re.search(rf'<option value="{kind}" selected>', html)
    assert re.search(rf'<option value="{category}" selected>', html)


def test_api_request_defaults_follow_the_fund(api_for: Any, ben: Any, bail_fund: Any) -> None:
    response = api_for(ben).post(
        f"/api/v1/groups/crown/funds/{bail_fund.pk}/requests",
        {"amount": 500_00, "currency": "USD", "purpose": "bail for a neighbour"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["category"]) == ("bail", "legal")
