"""The public "find a fridge / pantry" page: nearest first from a postal code or place, freshness,
a sketch map drawn on the server; no JavaScript, nothing from outside, at most 30 KB."""

from __future__ import annotations

import datetime
import gzip
import re
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from mutualaid.hubs import services
from mutualaid.hubs.models import Hub
from tests.core.test_no_external_origins import EXTERNAL


def _hub(group: Any, actor: Any, name: str, area: str, **extra: Any) -> Any:
    return services.hub_create(
        group=group, actor=actor, data=services.HubInput(name=name, area=area, **extra)
    )


def test_nearest_first_from_a_postal_code(client_for: Any, crown: Any, ada: Any) -> None:
    far = _hub(crown, ada, "Far fridge", "40.70, -73.80")
    near = _hub(crown, ada, "Near fridge", "40.6803, -73.9493")  # in 11216
    middle = _hub(crown, ada, "Middle fridge", "40.66, -73.90")
    response = client_for(None).get(reverse("hubs_find"), {"q": "11216"})
    assert response.status_code == 200
    names = [r.hub.name for r in response.context["results"]]
    assert names == ["Near fridge", "Middle fridge", "Far fridge"]
    body = response.content.decode()
    assert body.index("Near fridge") < body.index("Middle fridge") < body.index("Far fridge")
    assert "<svg" in body and body.count("<circle") >= 3
    assert {near.pk, middle.pk, far.pk} == {r.hub.pk for r in response.context["results"]}


def test_a_place_name_resolves_offline_and_an_unknown_one_says_so(
    client_for: Any, crown: Any, ada: Any
) -> None:
    _hub(crown, ada, "Brooklyn fridge", "40.6712, -73.9577")
    known = client_for(None).get(reverse("hubs_find"), {"q": "Brooklyn"})
    assert known.context["place"] is not None and known.context["results"]
    unknown = client_for(None).get(reverse("hubs_find"), {"q": "Qwxzzy"})
    assert unknown.context["place_unknown"] and "We do not know" in unknown.content.decode()


def test_freshness_is_confirmed_within_the_past_week(client_for: Any, crown: Any, ada: Any) -> None:
    fresh = _hub(crown, ada, "Fresh fridge", "40.6712, -73.9577")
    stale = _hub(crown, ada, "Stale fridge", "40.6713, -73.9578")
    services.report_create(hub=fresh, condition="good", food_level=3)
    services.report_create(hub=stale, condition="good", food_level=3)
    Hub.objects.filter(pk=stale.pk).update(last_report_at=timezone.now() - datetime.timedelta(days=9))
    body = client_for(None).get(reverse("hubs_find"), {"q": "11216"}).content.decode()
    cards = re.findall(r'<li class="card">(.*?)</li>', body, re.S)
    by_name = {("Fresh" if "Fresh fridge" in c else "Stale"): c for c in cards}
    assert "confirmed within the past week" in by_name["Fresh"]
    assert "confirmed within the past week" not in by_name["Stale"]
    assert "checked 9 days ago" in by_name["Stale"]


def test_the_find_page_is_light_and_self_contained(client_for: Any, crown: Any, ada: Any) -> None:
    for n in range(60):
        hub = _hub(crown, ada, f"Fridge number {n}", f"40.{6600 + n * 7}, -73.{9400 + n * 5}")
        services.report_create(hub=hub, condition="good", food_level=n % 5)
    css = len(gzip.compress(Path(finders.find("core/site.css")).read_bytes()))
    for path, query in ((reverse("hubs_find"), {"q": "11216"}), (reverse("hubs_list", args=["crown"]), {})):
        response = client_for(None).get(path, query)
        body = response.content.decode()
        assert len(response.content) <= 30 * 1024, f"{path}: {len(response.content)} bytes"
        assert len(gzip.compress(response.content)) + css <= 15 * 1024
        assert len(response.context["results"]) == 50
        assert not EXTERNAL.findall(body) and "http://www.w3.org/2000/svg" in body
        assert " style=" not in body and "<script" not in body


def test_hub_pages_are_light(client_for: Any, fridge: Any, ada: Any) -> None:
    for path in (
        reverse("hubs_hub", args=["crown", fridge.pk]),
        reverse("hubs_report", args=["crown", fridge.pk]),
        reverse("hubs_edit", args=["crown", fridge.pk]),
        reverse("hubs_new", args=["crown"]),
        reverse("hubs_stock", args=["crown", fridge.pk]),
        reverse("hubs_stock_sheet", args=["crown", fridge.pk]),
        reverse("hubs_stock_count", args=["crown", fridge.pk]),
    ):
        response = client_for(ada).get(path)
        assert response.status_code == 200
        assert len(gzip.compress(response.content)) <= 8 * 1024, path
        assert " style=" not in response.content.decode() and "<script" not in response.content.decode()


def test_the_home_page_points_everyone_to_the_find_page(client: Any, client_for: Any, ben: Any) -> None:
    """A passer-by lands on the home page, not on /hubs/: the link is there, and for members too."""
    assert '<a href="/hubs/">Find a community fridge or pantry</a>' in client.get("/").content.decode()
    client.cookies["django_language"] = "es"
    assert "Encuentra una nevera comunitaria o despensa" in client.get("/").content.decode()
    assert 'href="/hubs/"' in client_for(ben).get("/").content.decode()
