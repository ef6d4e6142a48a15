"""Condition reports and restock: anyone reports on a public hub in seconds, nothing is pre-filled,
the hub shows its latest report; an empty hub puts exactly one restock need on the board."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from mutualaid.core.ratelimit import RateLimited
from mutualaid.exchange import services as exchange
from mutualaid.exchange.models import Post, Status
from mutualaid.hubs import selectors, services
from mutualaid.hubs.models import Hub, Report


def test_a_passer_by_reports_a_public_fridge_without_an_account(client_for: Any, fridge: Any) -> None:
    client = client_for(None, csrf=True)
    page = client.get(reverse("hubs_report", args=["crown", fridge.pk]))
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        reverse("hubs_report", args=["crown", fridge.pk]),
        {"csrfmiddlewaretoken": token, "condition": "cleaning", "food_level": "1", "note": "Shelf is sticky"},
    )
    assert response.status_code == 302
    report = Report.objects.get(hub=fridge)
    assert (report.condition, report.food_level, report.note, report.by_member) == (
        "cleaning",
        1,
        "Shelf is sticky",
        False,
    )
    fridge.refresh_from_db()
    assert fridge.last_condition == "cleaning" and fridge.last_food_level == 1
    hub_page = client.get(reverse("hubs_hub", args=["crown", fridge.pk])).content.decode()
    assert "Needs cleaning" in hub_page and "checked less than an hour ago" in hub_page
    assert "Shelf is sticky" in hub_page


def test_a_report_without_csrf_token_is_refused(client_for: Any, fridge: Any) -> None:
    response = client_for(None, csrf=True).post(
        reverse("hubs_report", args=["crown", fridge.pk]), {"condition": "good", "food_level": "2"}
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_nothing_is_pre_filled_from_the_last_report(client_for: Any, fridge: Any) -> None:
    services.report_create(hub=fridge, condition="repair", food_level=4, note="Door broken")
    body = client_for(None).get(reverse("hubs_report", args=["crown", fridge.pk])).content.decode()
    assert "checked" not in body and "Door broken" not in body
    assert " checked>" not in body and 'checked="' not in body  # no radio button chosen


def test_a_members_only_hub_is_hidden_from_passers_by(client_for: Any, backroom: Any, cy: Any) -> None:
    for who in (None, cy):
        client = client_for(who)
        assert client.get(reverse("hubs_report", args=["crown", backroom.pk])).status_code == 404
        assert client.get(reverse("hubs_hub", args=["crown", backroom.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.report_create(hub=backroom, condition="good", food_level=2)
    assert not Report.objects.exists()


def test_a_member_reports_on_a_members_only_hub(client_for: Any, backroom: Any, ben: Any) -> None:
    response = client_for(ben).post(
        reverse("hubs_report", args=["crown", backroom.pk]), {"condition": "good", "food_level": "3"}
    )
    assert response.status_code == 302
    assert Report.objects.get(hub=backroom).by_member is True
    page = client_for(ben).get(reverse("hubs_hub", args=["crown", backroom.pk])).content.decode()
    assert "12 Secret Lane, back door" in page


def test_field_errors_are_clear_and_nothing_half_written(client_for: Any, fridge: Any) -> None:
    response = client_for(None).post(
        reverse("hubs_report", args=["crown", fridge.pk]), {"condition": "shiny", "note": "x" * 300}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"condition", "food_level", "note"}
    assert not Report.objects.exists()


@pytest.mark.usefixtures("one_rate_window")
def test_anonymous_reports_are_limited_per_hub_without_addresses(
    client_for: Any, fridge: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_HUB_REPORT_ANONYMOUS", "3/h")
    for _n in range(3):
        services.report_create(hub=fridge, condition="good", food_level=2)
    with pytest.raises(RateLimited):
        services.report_create(hub=fridge, condition="good", food_level=2)
    response = client_for(None).post(
        reverse("hubs_report", args=["crown", fridge.pk]),
        {"condition": "good", "food_level": "2"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 429
    assert Report.objects.count() == 3


def test_checked_ago_and_freshness() -> None:
    now = timezone.now()
    assert selectors.checked_ago(now - datetime.timedelta(hours=5), now) == "checked 5 hours ago"
    assert selectors.checked_ago(now - datetime.timedelta(hours=1), now) == "checked 1 hour ago"
    assert selectors.checked_ago(now - datetime.timedelta(days=3), now) == "checked 3 days ago"
    hub = Hub(last_report_at=now - datetime.timedelta(days=6), last_condition="good")
    assert selectors.is_fresh(hub, now)
    hub.last_report_at = now - datetime.timedelta(days=8)
    assert not selectors.is_fresh(hub, now)
    hub.last_report_at, hub.last_condition = now, "gone"
    assert not selectors.is_fresh(hub, now)


def test_empty_puts_one_restock_need_on_the_board(fridge: Any, ben: Any, ada: Any) -> None:
    services.report_create(hub=fridge, condition="good", food_level=1)
    assert not Post.objects.exists()
    services.report_create(hub=fridge, condition="good", food_level=0)
    services.report_create(hub=fridge, condition="cleaning", food_level=0)
    need = Post.objects.get()
    assert (need.kind, need.category, need.quantity, need.unit, need.status) == (
        "need",
        "food",
        3,
        "bags",
        "open",
    )
    assert need.author is None and need.contact is not None and need.group_id == fridge.group_id
    assert "Franklin Ave fridge" in (need.title or "")
    fridge.refresh_from_db()
    assert fridge.restock_post_id == need.pk
    # Members claim it like any need; a claimed need is still the hub's one open restock need.
    claim = exchange.claim_create(post=need, claimant=ben)
    services.report_create(hub=fridge, condition="good", food_level=0)
    assert Post.objects.count() == 1
    exchange.claim_decide(claim=claim, actor=ada, accept=True)
    exchange.post_act(post=need, actor=ada, action="fulfil")
    assert Post.objects.get(pk=need.pk).status == Status.FULFILLED
    # Once it is met, the next "empty" posts a new one.
    services.report_create(hub=fridge, condition="good", food_level=0)
    assert Post.objects.filter(status=Status.OPEN).count() == 1 and Post.objects.count() == 2


def test_a_fridge_that_is_not_there_asks_for_no_restock(fridge: Any) -> None:
    services.report_create(hub=fridge, condition="gone", food_level=0)
    assert not Post.objects.exists()


def test_an_inactive_hub_takes_no_reports(fridge: Any) -> None:
    Hub.objects.filter(pk=fridge.pk).update(active=False)
    fridge.refresh_from_db()
    with pytest.raises(ValidationError):
        services.report_create(hub=fridge, condition="good", food_level=2)
