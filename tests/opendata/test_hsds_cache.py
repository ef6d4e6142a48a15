"""The HSDS directory is built once and shared; edits show at once; anonymous use is rate-limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mutualaid.opendata import cache, hsds, views


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted: list[int] = []
    real = hsds.build

    def counting(**kwargs: Any) -> hsds.Directory:
        counted.append(1)
        return real(**kwargs)

    monkeypatch.setattr(hsds, "build", counting)
    cache.forget_local()
    return counted


def _names(client: Client) -> set[str]:
    response = client.get("/api/hsds/organizations")
    assert response.status_code == 200
    return {o["name"] for o in response.json()["contents"]}


def test_one_build_serves_every_request_and_every_server(crown: Any, bush: Any, builds: list[int]) -> None:
    client = Client()
    first = _names(client)
    assert crown.name in first
    assert client.get("/api/hsds/services?per_page=5").status_code == 200
    assert client.get("/api/hsds/taxonomies").status_code == 200
    assert len(builds) == 1
    cache.forget_local()  # another app server: nothing in its memory, the shared cache has the build
    assert _names(Client()) == first
    assert len(builds) == 1
    package = client.get("/open-data/hsds.zip").content
    assert client.get("/open-data/hsds.zip").content == package  # made once for this version
    assert len(builds) == 1
    crown.name = "Crown Heights Aid"
    crown.save()
    assert client.get("/open-data/hsds.zip").content != package
    assert len(builds) == 2


def test_a_change_to_a_group_or_hub_is_seen_at_once(crown: Any, bush: Any, builds: list[int]) -> None:
    from mutualaid.hubs.models import Hub

    client = Client()
    assert bush.name in _names(client)
    bush.listed = False
    bush.save()
    assert bush.name not in _names(client)
    assert len(builds) == 2
    hub = Hub.objects.create(group=crown, name="Corner fridge", public=True, lat=40.6, lon=-73.9)
    sals = client.get("/api/hsds/service_at_locations").json()
    assert any("Corner fridge" in str(record) for record in sals["contents"])
    hub.delete()
    assert "Corner fridge" not in str(client.get("/api/hsds/service_at_locations").json())
    assert len(builds) == 4


@pytest.mark.usefixtures("one_rate_window")
def test_anonymous_use_is_limited_without_addresses(
    crown: Any, ben: Any, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "API_RATE_ANONYMOUS", "3/m")
    monkeypatch.setattr(views, "API_RATE_MEMBER", "5/m")
    one, other = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    assert [one.get("/api/hsds/organizations").status_code for _ in range(2)] == [200, 200]
    # Another address shares the same anonymous budget: addresses are never counted.
    assert other.get("/api/hsds/taxonomies").status_code == 200
    refused = other.get("/api/hsds/services")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    member = Client()
    member.force_login(ben)
    assert [member.get("/api/hsds/taxonomies").status_code for _ in range(5)] == [200] * 5
    assert member.get("/api/hsds/taxonomies").status_code == 429
