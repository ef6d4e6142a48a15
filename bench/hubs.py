"""Hubs: "find a fridge" nearest first over 2,000 hubs, and condition reports per second.

    MUTUALAID_DATA_DIR=$(mktemp -d) .venv/bin/python bench/hubs.py [--rounds 30] [--seconds 10] [--threads 4]

On PostgreSQL: start a throwaway cluster with `python scripts/pgcluster.py start DIR mutualaid` and
run with the DATABASE_URL it prints.

1. 2,000 public hubs of 20 groups spread over New York City; a passer-by without an account asks for
   the ones nearest a postal code (the gazetteer lookup, distances to every hub, the 50 nearest
   loaded, the page and its sketch map rendered). Median and p90 server time, queries and page size
   are printed (target: p50 <= 50 ms).
2. Condition reports filed through the service (rate limits, the hub's row lock, the latest-report
   summary, a restock need when a hub is reported empty) by `--threads` threads for `--seconds`
   seconds, each report on a random hub: reports per second, and a check that every acknowledged
   report is in the database and no hub has two open restock needs (target on PostgreSQL: 100/s).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")
# Passers-by are limited per hub and across the install; a benchmark is one very busy install.
os.environ.setdefault("MUTUALAID_RATE_HUB_REPORT_ANONYMOUS", "1000000/h")
os.environ.setdefault("MUTUALAID_RATE_HUB_REPORT_INSTALL", "1000000/h")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from mutualaid.core.geo import snap  # noqa: E402
from mutualaid.exchange.models import Post  # noqa: E402
from mutualaid.groups.models import Group  # noqa: E402
from mutualaid.hubs import services  # noqa: E402
from mutualaid.hubs.models import Hub, Report  # noqa: E402
from mutualaid.members.models import User  # noqa: E402

HUBS = 2000


def make_hubs(tag: str) -> list[Hub]:
    rng = random.Random(7)
    groups = Group.objects.bulk_create(
        [
            Group(name=f"Bench {tag} {n}", slug=f"bench-{tag}-{n}", centre_lat=40.70, centre_lon=-73.95)
            for n in range(20)
        ]
    )
    rows = []
    for n in range(HUBS):
        lat, lon = 40.55 + rng.random() * 0.35, -74.10 + rng.random() * 0.40
        cell, _clat, _clon = snap(lat, lon)
        rows.append(
            Hub(
                group=groups[n % 20],
                name=f"Fridge {n}",
                kind="fridge",
                public=True,
                street_address=f"{n} Bench St",
                area="Brooklyn",
                cell=cell,
                lat=round(lat, 5),
                lon=round(lon, 5),
            )
        )
    return Hub.objects.bulk_create(rows, batch_size=500)


def find_page(rounds: int) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    url = reverse("hubs_find") + "?q=11216"
    client.get(url)  # warm caches (gazetteer, templates, translations)
    times, cpu = [], []
    for _round in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    times.sort()
    visible = Hub.objects.filter(public=True, active=True).count()
    print(
        f"find a fridge, {visible} public hubs, nearest 50 to 11216: p50 {statistics.median(times):.1f} ms, "
        f"p90 {times[int(len(times) * 0.9) - 1]:.1f} ms (CPU p50 {statistics.median(cpu):.1f} ms), "
        f"{len(queries)} queries, {len(response.content) / 1024:.1f} KB"
    )


def reports(hubs: list[Hub], seconds: float, threads: int) -> None:
    before = Report.objects.count()
    stop = time.monotonic() + seconds
    acknowledged = [0] * threads
    failed: list[BaseException] = []

    def work(index: int) -> None:
        rng = random.Random(index)
        try:
            while time.monotonic() < stop:
                hub = rng.choice(hubs)
                services.report_create(
                    hub=hub,
                    condition=rng.choice(["good", "good", "cleaning"]),
                    food_level=rng.choice([0, 1, 2, 3, 4]),
                    note="bench",
                )
                acknowledged[index] += 1
        except BaseException as exc:  # reported below: a lost or refused report is the finding
            failed.append(exc)
        finally:
            connections.close_all()

    start = time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    took = time.perf_counter() - start
    stored = Report.objects.count() - before
    doubled = (
        Post.objects.filter(status__in=["open", "claimed", "in_progress"], contact__source="hub")
        .values("contact")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    print(
        f"condition reports, {threads} threads for {took:.1f} s: {sum(acknowledged)} acknowledged, "
        f"{stored} stored ({sum(acknowledged) / took:.0f}/s); errors {len(failed)}"
        f"{' (' + repr(failed[0]) + ')' if failed else ''}; hubs with two open restock needs: {doubled}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    assert stored == sum(acknowledged), "an acknowledged report is missing"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}, load average {os.getloadavg()[0]:.1f}")
    tag = uuid.uuid4().hex[:8]
    User.objects.create_user(f"bench-{tag}", password=None, display_name="Bench")  # the install is set up
    hubs = make_hubs(tag)
    find_page(args.rounds)
    reports(hubs, args.seconds, args.threads)


if __name__ == "__main__":
    main()
