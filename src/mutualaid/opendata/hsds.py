"""The public directory as Open Referral HSDS 3.0 records (https://docs.openreferral.org/en/v3.0/).

What goes out, and nothing else:
- each LISTED group: an `organization`, and one `service` (what the group does: its categories as
  taxonomy terms, its languages, its service area, how to join);
- each ACTIVE PUBLIC hub of a listed group (a community fridge, a pantry): a `service`, its `location`
  (the public street address and point), the `service_at_location` joining them and `schedule`s from
  its opening hours.

Members-only hubs, unlisted groups, members, posts, contacts and every sealed field of a members-only
hub never reach these functions: the selectors below read listed groups and public hubs only. There
are no `phone` records: no public phone number exists as data here (a group's "how to reach us" is
text, carried in `application_process`).

Every record's id is a UUID v5 of the install's public URL, the record's kind and the database id, so
ids are stable across rebuilds and distinct between installs.

Records are plain dicts with the HSDS field names. `Directory` holds each table flat (the tabular
form of the dataset); `organization_full`, `service_full`… nest them as the HSDS API returns them.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mutualaid.core.categories import Category, Language
from mutualaid.groups.models import Group
from mutualaid.hubs.models import Hub, HubKind

HSDS_VERSION = "3.0"
PROFILE = "https://docs.openreferral.org/en/v3.0/"
OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# What a hub gives, as a category of the taxonomy (a drop-off point gives what it restocks).
HUB_CATEGORY: dict[str, str] = {
    HubKind.FRIDGE: "food",
    HubKind.PANTRY: "food",
    HubKind.FREE_STORE: "supplies",
}

Record = dict[str, Any]


@lru_cache(maxsize=8)
def _namespace(base_url: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, base_url.rstrip("/") + "/")


def record_id(base_url: str, kind: str, key: object) -> str:
    """A stable UUID for a record: v5 of (the install's public URL, kind, id)."""
    return str(uuid.uuid5(_namespace(base_url), f"{kind}:{key}"))


def _stamp(when: datetime.datetime | datetime.date | None) -> str | None:
    if when is None:
        return None
    if not isinstance(when, datetime.datetime):
        when = datetime.datetime.combine(when, datetime.time(), tzinfo=datetime.UTC)
    return when.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _clean(record: Record) -> Record:
    """HSDS leaves an unknown field out rather than sending null or an empty string."""
    return {key: value for key, value in record.items() if value not in (None, "")}


@dataclass
class Directory:
    """Every HSDS table of the public directory, flat (one-to-one fields and foreign ids only)."""

    base_url: str
    taxonomies: list[Record] = field(default_factory=list)
    taxonomy_terms: list[Record] = field(default_factory=list)
    organizations: list[Record] = field(default_factory=list)
    services: list[Record] = field(default_factory=list)
    locations: list[Record] = field(default_factory=list)
    service_at_locations: list[Record] = field(default_factory=list)
    schedules: list[Record] = field(default_factory=list)
    service_areas: list[Record] = field(default_factory=list)
    languages: list[Record] = field(default_factory=list)
    attributes: list[Record] = field(default_factory=list)
    accessibility: list[Record] = field(default_factory=list)
    # Not HSDS fields: what the API filters on (category codes and the text searched).
    service_terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    TABLES = (
        "organizations",
        "services",
        "locations",
        "service_at_locations",
        "schedules",
        "service_areas",
        "languages",
        "attributes",
        "accessibility",
        "taxonomies",
        "taxonomy_terms",
    )

    def words(self) -> dict[str, str]:
        """The translated phrases every hub record uses, looked up once per build."""
        if not self._words:
            self._words = {
                **{value: str(label) for value, label in HubKind.choices},
                "takes": _("It takes: %(what)s"),
                "refuses": _("It does not take: %(what)s"),
                "free": _("Free."),
            }
        return self._words

    def id(self, kind: str, key: object) -> str:
        return record_id(self.base_url, kind, key)

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    # --- lookups used by the nested forms (indexed on first use: a list page nests every record) ----
    _indexes: dict[tuple[str, str], dict[str, list[Record]]] = field(default_factory=dict)
    _words: dict[str, str] = field(default_factory=dict)

    def where(self, table: str, key: str, value: str) -> list[Record]:
        index = self._indexes.get((table, key))
        if index is None:
            index = defaultdict(list)
            for record in getattr(self, table):
                if key in record:
                    index[record[key]].append(record)
            self._indexes[(table, key)] = index
        return list(index.get(value, ()))

    def by_id(self, table: str, record_id: str) -> Record | None:
        found = self.where(table, "id", record_id)
        return found[0] if found else None

    def term(self, term_id: str) -> Record | None:
        return self.by_id("taxonomy_terms", term_id)

    def drop_indexes(self) -> None:
        self._indexes = {}


def build(*, base_url: str, groups: list[Group], hubs: list[Hub]) -> Directory:
    """The HSDS tables for these (listed) groups and (public, active) hubs."""
    directory = Directory(base_url=base_url)
    _taxonomy(directory)
    for group in groups:
        _group(directory, group)
    for hub in hubs:
        _hub(directory, hub)
    return directory


def _taxonomy(d: Directory) -> None:
    taxonomy_id = d.id("taxonomy", "categories")
    d.taxonomies.append(
        _clean(
            {
                "id": taxonomy_id,
                "name": "mutualaid categories",
                "description": _("The kinds of help mutual aid groups give and ask for."),
                "uri": d.url(reverse("opendata_index")),
                "version": "1",
            }
        )
    )
    for category in Category:
        d.taxonomy_terms.append(
            _clean(
                {
                    "id": d.id("taxonomy_term", category.value),
                    "code": category.value,
                    "name": str(category.label),
                    "description": str(category.label),
                    "taxonomy": "mutualaid categories",
                    "taxonomy_id": taxonomy_id,
                    "language": get_language() or "en",
                }
            )
        )


def _categorise(d: Directory, service_id: str, link_key: str, codes: list[str]) -> None:
    valid = {c.value for c in Category}
    for code in codes:
        if code not in valid:
            continue
        d.attributes.append(
            {
                "id": d.id("attribute", f"{link_key}:{code}"),
                "link_id": service_id,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": d.id("taxonomy_term", code),
            }
        )
        d.service_terms[service_id].add(code)


def _group(d: Directory, group: Group) -> None:
    org_id = d.id("organization", group.pk)
    service_id = d.id("service", f"group:{group.pk}")
    page = d.url(reverse("group", args=[group.slug]))
    d.organizations.append(
        _clean(
            {
                "id": org_id,
                "name": group.name,
                "description": group.description or group.name,
                "website": page,
                "uri": page,
            }
        )
    )
    joining = "\n\n".join(text for text in (group.how_to_join, group.contact) if text)
    d.services.append(
        _clean(
            {
                "id": service_id,
                "organization_id": org_id,
                "name": group.name,
                "description": group.description or _("Mutual aid: neighbours helping each other."),
                "url": page,
                "status": "active",
                "application_process": joining,
                "fees_description": _("Free: mutual aid, not charity."),
                "last_modified": _stamp(group.created_on),
            }
        )
    )
    _categorise(d, service_id, f"group:{group.pk}", list(group.categories))
    names = dict(Language.choices)
    for code in group.languages:
        d.languages.append(
            _clean(
                {
                    "id": d.id("language", f"group:{group.pk}:{code}"),
                    "service_id": service_id,
                    "name": str(names.get(code, code)),
                    "code": code if code != "other" else None,
                }
            )
        )
    if group.centre_lat is not None and group.centre_lon is not None:
        d.service_areas.append(
            {
                "id": d.id("service_area", f"group:{group.pk}:radius"),
                "service_id": service_id,
                "name": _("Within %(km)s km of the group's centre") % {"km": f"{group.radius_km:g}"},
                "extent": json.dumps(
                    {"type": "Point", "coordinates": [round(group.centre_lon, 4), round(group.centre_lat, 4)]}
                ),
                "extent_type": "geojson",
            }
        )
    for area in group.areas.all():
        d.service_areas.append(
            _clean(
                {
                    "id": d.id("service_area", f"area:{area.pk}"),
                    "service_id": service_id,
                    "name": area.name,
                    "description": area.postal_code,
                }
            )
        )
    for code in group.postal_codes:
        d.service_areas.append(
            {
                "id": d.id("service_area", f"group:{group.pk}:postal:{code}"),
                "service_id": service_id,
                "name": str(code),
                "extent_type": "postal_code",
            }
        )


def _hub(d: Directory, hub: Hub) -> None:
    org_id = d.id("organization", hub.group_id)
    service_id = d.id("service", f"hub:{hub.pk}")
    location_id = d.id("location", f"hub:{hub.pk}")
    sal_id = d.id("service_at_location", f"hub:{hub.pk}")
    page = d.url(reverse("hubs_hub", args=[hub.group.slug, hub.pk]))
    words = d.words()
    kind = words[hub.kind]
    giving = "\n\n".join(
        part
        for part in (
            hub.takes and words["takes"] % {"what": hub.takes},
            hub.refuses and words["refuses"] % {"what": hub.refuses},
        )
        if part
    )
    modified = max(filter(None, (hub.created_at, hub.last_report_at)))
    d.services.append(
        _clean(
            {
                "id": service_id,
                "organization_id": org_id,
                "name": hub.name or kind,
                "alternate_name": kind,
                "description": "\n\n".join(filter(None, (kind, giving))),
                "url": page,
                "status": "active",
                "fees_description": words["free"],
                "last_modified": _stamp(modified),
            }
        )
    )
    _categorise(d, service_id, f"hub:{hub.pk}", [HUB_CATEGORY.get(hub.kind, hub.restock_category)])
    d.locations.append(
        _clean(
            {
                "id": location_id,
                "location_type": "physical",
                "url": page,
                "organization_id": org_id,
                "name": hub.name or kind,
                "description": hub.street_address,
                "latitude": hub.lat,
                "longitude": hub.lon,
            }
        )
    )
    if hub.accessibility:
        d.accessibility.append(
            {
                "id": d.id("accessibility", f"hub:{hub.pk}"),
                "location_id": location_id,
                "description": hub.accessibility,
            }
        )
    d.service_at_locations.append(
        {"id": sal_id, "service_id": service_id, "location_id": location_id, "description": kind}
    )
    week = hub.hours or {}
    if not week:
        d.schedules.append(
            {
                "id": d.id("schedule", f"hub:{hub.pk}:always"),
                "service_at_location_id": sal_id,
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": ",".join(BYDAY),
                "opens_at": "00:00",
                "closes_at": "23:59",
                "description": _("Open at all hours."),
            }
        )
        return
    for day in range(7):
        for number, span in enumerate(week.get(str(day), [])):
            opens, _sep, closes = span.partition("-")
            d.schedules.append(
                {
                    "id": d.id("schedule", f"hub:{hub.pk}:{day}:{number}"),
                    "service_at_location_id": sal_id,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": BYDAY[day],
                    "opens_at": opens.strip(),
                    "closes_at": closes.strip(),
                }
            )


# --- The nested forms the HSDS API returns ---------------------------------------------------------


def service_at_location_full(d: Directory, sal: Record) -> Record:
    location = d.by_id("locations", sal["location_id"]) or {}
    return {
        **sal,
        "schedules": d.where("schedules", "service_at_location_id", sal["id"]),
        "phones": [],
        "contacts": [],
        "location": location_full(d, location) if location else None,
    }


def location_full(d: Directory, location: Record) -> Record:
    return {
        **location,
        "accessibility": d.where("accessibility", "location_id", location["id"]),
        "phones": [],
        "addresses": [],
    }


def _attributes_full(d: Directory, service_id: str) -> list[Record]:
    return [
        {**a, "taxonomy_term": d.term(a["taxonomy_term_id"])}
        for a in d.where("attributes", "link_id", service_id)
    ]


def service_full(d: Directory, service: Record, *, with_organization: bool = True) -> Record:
    sals = d.where("service_at_locations", "service_id", service["id"])
    full: Record = {
        **service,
        "phones": [],
        "contacts": [],
        "schedules": [],
        "languages": d.where("languages", "service_id", service["id"]),
        "service_areas": d.where("service_areas", "service_id", service["id"]),
        "service_at_locations": [service_at_location_full(d, sal) for sal in sals],
        "attributes": _attributes_full(d, service["id"]),
    }
    if with_organization:
        full["organization"] = d.by_id("organizations", service["organization_id"])
    return full


def organization_full(d: Directory, organization: Record) -> Record:
    return {
        **organization,
        "phones": [],
        "contacts": [],
        "locations": [
            location_full(d, loc) for loc in d.where("locations", "organization_id", organization["id"])
        ],
        "services": [
            service_full(d, s, with_organization=False)
            for s in d.where("services", "organization_id", organization["id"])
        ],
    }


def service_at_location_listed(d: Directory, sal: Record) -> Record:
    """A list item of /service_at_locations: its one-to-one fields, its service and location."""
    return {
        **sal,
        "service": d.by_id("services", sal["service_id"]),
        "location": d.by_id("locations", sal["location_id"]),
    }


def now_stamp() -> str:
    return _stamp(timezone.now()) or ""
