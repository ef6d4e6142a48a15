"""A group's open offers as ValueFlows JSON-LD: off by default, on only by a coordinator's choice, the
coarse form only, never needs, coordinators-only posts, people or anything typed."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from mutualaid.opendata.models import Publishing
from mutualaid.opendata.services import publishing_set
from tests.helpers import HERE, make_post
from tests.opendata.conftest import SECRETS, World

URL = "/g/crown/open-data/offers.jsonld"


def _graph(client: Client, url: str = URL) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    document = response.json()
    assert document["@context"]["vf"] == "https://w3id.org/valueflows/ont/vf#"
    assert document["@id"] == "http://testserver" + url
    graph: list[dict[str, Any]] = document["@graph"]
    return graph


def test_offers_are_not_published_unless_the_group_chooses(world: World) -> None:
    assert not Publishing.objects.exists()
    response = Client().get(URL)
    assert response.status_code == 404
    assert b"Drill" not in response.content


def test_published_offers_in_valueflows(world: World, ada: Any, ben: Any) -> None:
    start = timezone.now() + datetime.timedelta(days=1)
    windowed = make_post(
        world.crown,
        ben,
        "Van on Saturdays",
        kind="offer",
        category="transport",
        quantity=3,
        window_start=start,
        window_end=start + datetime.timedelta(hours=4),
        place=HERE,
    )
    make_post(
        world.crown, ben, "Coordinators only offer", kind="offer", visibility="coordinators", place=HERE
    )
    taken = make_post(world.crown, ben, "Already given", kind="offer", place=HERE)
    taken.status = "fulfilled"
    taken.save()
    publishing_set(group=world.crown, actor=ada, publish_offers=True)

    graph = _graph(Client())
    (agent,) = [n for n in graph if n["@type"] == "vf:Organization"]
    assert agent == {
        "@id": "http://testserver/g/crown/",
        "@type": "vf:Organization",
        "name": world.crown.name,
    }
    proposals = [n for n in graph if n["@type"] == "vf:Proposal"]
    intents = {n["@id"]: n for n in graph if n["@type"] == "vf:Intent"}
    assert len(proposals) == len(intents) == 2  # the drill and the van; not the others
    for proposal in proposals:
        assert set(proposal) >= {"@id", "@type", "publishes", "created"}
        (published,) = proposal["publishes"]
        intent = intents[published]
        assert intent["action"] == "vf:transfer"
        assert intent["provider"] == agent["@id"]
        assert intent["availableQuantity"]["@type"] == "om2:Measure"
        assert intent["atLocation"]["@type"] == "geo:SpatialThing"
        assert proposal["eligibleLocation"] == intent["atLocation"]
    van = next(i for i in intents.values() if i["resourceClassifiedAs"][0].endswith("#category-transport"))
    assert van["availableQuantity"]["hasNumericalValue"] == 3
    assert van["hasBeginning"] == windowed.window_start.astimezone(datetime.UTC).isoformat().replace(
        "+00:00", "Z"
    )
    assert van["atLocation"]["note"] == f"H3 cell {windowed.cell}"

    text = json.dumps(graph)
    for secret in (*SECRETS, "Van on Saturdays", "Coordinators only offer", "Already given"):
        assert secret not in text, secret
    assert str(HERE["lat"]) not in text and str(windowed.lat) not in text  # no point, only the cell
    # Stable ids across reads.
    assert graph == _graph(Client())


def test_an_unlisted_group_publishes_nothing(world: World) -> None:
    from mutualaid.members.models import Membership

    hil = Membership.objects.get(group=world.hidden).user
    make_post(world.hidden, hil, "Hidden offer", kind="offer", place=HERE)
    publishing_set(group=world.hidden, actor=hil, publish_offers=True)
    client = Client()
    client.force_login(hil, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/g/hidden-tenants/open-data/offers.jsonld").status_code == 404


def test_coordinators_turn_publishing_on_and_off(world: World, client_for: Any, ada: Any, ben: Any) -> None:
    page = client_for(ada).get("/g/crown/open-data/")
    assert page.status_code == 200
    assert b'name="publish_offers"' in page.content
    response = client_for(ada).post("/g/crown/open-data/", {"publish_offers": "on"})
    assert response.status_code == 302
    publishing = Publishing.objects.get(group=world.crown)
    assert publishing.publish_offers is True and publishing.changed_by == ada
    assert Client().get(URL).status_code == 200
    assert client_for(ben).post("/g/crown/open-data/", {}).status_code == 403
    assert Publishing.objects.get(group=world.crown).publish_offers is True
    client_for(ada).post("/g/crown/open-data/", {})
    assert Publishing.objects.get(group=world.crown).publish_offers is False
    assert Client().get(URL).status_code == 404


def test_the_api_sets_the_same_choice(world: World, api_for: Any, ada: Any, ben: Any) -> None:
    url = "/api/v1/groups/crown/open-data"
    assert api_for(ada).get(url).json()["publish_offers"] is False
    response = api_for(ada).put(url, {"publish_offers": True}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"publish_offers": True, "offers_url": "http://testserver" + URL}
    assert Publishing.objects.get(group=world.crown).publish_offers is True
    refused = api_for(ben).put(url, {"publish_offers": False}, content_type="application/json")
    assert refused.status_code == 403
    assert Publishing.objects.get(group=world.crown).publish_offers is True
