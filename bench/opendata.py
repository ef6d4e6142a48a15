"""Open data: building the HSDS directory, a list page of the HSDS API and the data package.

    MUTUALAID_DATA_DIR=$(mktemp -d) .venv/bin/python bench/opendata.py [--groups 300] [--hubs 1500] [--rounds 5]

Loads `--groups` listed groups (each with three categories, two languages, two named areas) and
`--hubs` public hubs with weekday hours spread over them, then times, through the real URLs: the
services list (200 per page), one organization fully nested, and the ZIP data package. Prints, in one
run, the median time when every request builds the directory (as before the shared cache) and when the
shared build is used, and the number of queries of each. The anonymous rate limit is lifted for the run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")
os.environ.setdefault("MUTUALAID_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("MUTUALAID_RATE_HSDS_API", "1000000/m")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from mutualaid.groups.models import Area, Group  # noqa: E402
from mutualaid.hubs.models import Hub  # noqa: E402
from mutualaid.members.models import User  # noqa: E402
from mutualaid.opendata import cache as directory_cache  # noqa: E402
from mutualaid.opendata.hsds import record_id  # noqa: E402


def load(groups: int, hubs: int) -> Group:
    tag = uuid.uuid4().hex[:6]
    made = Group.objects.bulk_create(
        Group(
            name=f"Bench group {tag} {n}",
            slug=f"b-{tag}-{n}",
            description="Neighbours helping neighbours.",
            centre_lat=40.6 + n * 0.001,
            centre_lon=-73.9,
            categories=["food", "housing", "transport"],
            languages=["en", "es"],
            postal_codes=["11216"],
        )
        for n in range(groups)
    )
    Area.objects.bulk_create(
        Area(group=g, name=f"Area {k}", name_key=f"area {k}", lat=40.6, lon=-73.9)
        for g in made
        for k in range(2)
    )
    Hub.objects.bulk_create(
        Hub(
            group=made[n % groups],
            name=f"Fridge {n}",
            street_address=f"{n} Bench Street",
            lat=40.6,
            lon=-73.9,
            hours={str(d): ["09:00-17:00"] for d in range(5)},
        )
        for n in range(hubs)
    )
    return made[0]


def measure(client: Client, path: str, rounds: int, *, cold: bool = False) -> tuple[float, int, int]:
    """Median time; `cold` throws the shared build away before each request (every request builds, as
    before the cache), otherwise the build is made once, outside the timing, and shared."""
    times = []
    if not cold:
        client.get(path)
    for _ in range(rounds):
        if cold:
            directory_cache.invalidate()
            directory_cache.forget_local()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(times) * 1000, len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--hubs", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not User.objects.exists():  # a fresh install sends every page to first-run setup
        User.objects.create_user(f"bench-{uuid.uuid4().hex[:6]}", password=None, display_name="Bench")
    first = load(args.groups, args.hubs)
    client = Client()
    org = record_id("http://testserver", "organization", first.pk)
    print(f"{Group.objects.filter(listed=True).count()} listed groups, {Hub.objects.count()} public hubs")
    print("| request | every request builds: ms | shared build: ms | queries (shared) | bytes |")
    print("|---|---|---|---|---|")
    for label, path in (
        ("services list, 200 per page", "/api/hsds/services?per_page=200"),
        ("service_at_locations list, 200 per page", "/api/hsds/service_at_locations?per_page=200"),
        ("one organization, fully nested", f"/api/hsds/organizations/{org}"),
        ("data package (ZIP)", "/open-data/hsds.zip"),
    ):
        before, _queries, _size = measure(client, path, args.rounds, cold=True)
        ms, queries, size = measure(client, path, args.rounds)
        print(f"| {label} | {before:.0f} | {ms:.0f} | {queries} | {size:,} |")


if __name__ == "__main__":
    main()
