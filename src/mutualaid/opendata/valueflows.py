"""A group's published offers as ValueFlows (https://valueflo.ws/) JSON-LD: one `vf:Proposal` per offer
that `vf:publishes` one `vf:Intent` provided by the group (a `vf:Organization`).

Only the coarse form goes out: category (as a taxonomy term), quantity, the coarse area (a postal code
or neighbourhood and the ~0.7 km² H3 cell), the time window and when it was posted. Never the title,
details, unit or anything else typed, the exact address, or who offers: the provider is the group.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from mutualaid.exchange.models import Post
from mutualaid.groups.models import Group
from mutualaid.opendata.hsds import record_id

CONTEXT: dict[str, Any] = {
    "vf": "https://w3id.org/valueflows/ont/vf#",
    "om2": "http://www.ontology-of-units-of-measure.org/resource/om-2/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "name": "vf:name",
    "note": "vf:note",
    "action": {"@id": "vf:action", "@type": "@id"},
    "provider": {"@id": "vf:provider", "@type": "@id"},
    "publishes": {"@id": "vf:publishes", "@type": "@id"},
    "resourceClassifiedAs": {"@id": "vf:resourceClassifiedAs", "@type": "@id"},
    "availableQuantity": "vf:availableQuantity",
    "atLocation": "vf:atLocation",
    "eligibleLocation": "vf:eligibleLocation",
    "hasBeginning": {"@id": "vf:hasBeginning", "@type": "xsd:dateTime"},
    "hasEnd": {"@id": "vf:hasEnd", "@type": "xsd:dateTime"},
    "created": {"@id": "vf:created", "@type": "xsd:dateTime"},
    "finished": "vf:finished",
    "unitBased": "vf:unitBased",
    "hasUnit": {"@id": "om2:hasUnit", "@type": "@id"},
    "hasNumericalValue": "om2:hasNumericalValue",
}
# Offers are gifts or loans between neighbours: the flow is a transfer to whoever takes them up.
ACTION = "vf:transfer"


def _when(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z") if value else None


def _place(post: Post) -> dict[str, Any] | None:
    if not post.area and not post.cell:
        return None
    place: dict[str, Any] = {"@type": "geo:SpatialThing"}
    if post.area:
        place["name"] = post.area
    if post.cell:
        place["note"] = f"H3 cell {post.cell}"
    return place


def document(*, base_url: str, group: Group, offers: list[Post]) -> dict[str, Any]:
    """The JSON-LD document of a group's published offers."""
    base = base_url.rstrip("/")
    agent_id = base + reverse("group", args=[group.slug])
    feed = base + reverse("opendata_offers", args=[group.slug])
    graph: list[dict[str, Any]] = [{"@id": agent_id, "@type": "vf:Organization", "name": group.name}]
    for post in offers:
        intent_id = f"urn:uuid:{record_id(base, 'vf_intent', post.pk)}"
        intent: dict[str, Any] = {
            "@id": intent_id,
            "@type": "vf:Intent",
            "action": ACTION,
            "provider": agent_id,
            "resourceClassifiedAs": [f"{base}{reverse('opendata_index')}#category-{post.category}"],
            "availableQuantity": {
                "@type": "om2:Measure",
                "hasNumericalValue": post.quantity,
                "hasUnit": "om2:one",
            },
            "finished": False,
        }
        place = _place(post)
        if place:
            intent["atLocation"] = place
        for key, value in (("hasBeginning", post.window_start), ("hasEnd", post.window_end)):
            if value:
                intent[key] = _when(value)
        proposal: dict[str, Any] = {
            "@id": f"urn:uuid:{record_id(base, 'vf_proposal', post.pk)}",
            "@type": "vf:Proposal",
            "publishes": [intent_id],
            "created": _when(post.created_at),
            "unitBased": False,
        }
        if place:
            proposal["eligibleLocation"] = place
        graph.extend([proposal, intent])
    return {"@context": CONTEXT, "@id": feed, "@graph": graph}
