"""Benchmark of the board: 100,000 open needs and 100,000 offers in one group, and a 10,000-row import.

Prints the median server time and the number of queries of the board's first page and of filtered
searches, through the Django test client (the full request: middleware, view, template). Not a test.

    .venv/bin/python bench/exchange_board.py                 # SQLite in a scratch data dir
    DATABASE_URL=postgres://… .venv/bin/python bench/exchange_board.py
    .venv/bin/python bench/exchange_board.py --posts 20000   # a quicker run
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("MUTUALAID_DATA_DIR", tempfile.mkdtemp(prefix="mutualaid-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")

WORDS = [
    "rice",
    "beans",
    "groceries",
    "diapers",
    "formula",
    "ride",
    "clinic",
    "school",
    "pickup",
    "childcare",
    "rent",
    "bike",
    "stroller",
    "coat",
    "blanket",
    "heater",
    "soup",
    "meals",
    "pharmacy",
    "laundry",
    "fridge",
    "phone",
    "charger",
    "tutoring",
    "english",
    "spanish",
    "moving",
    "boxes",
    "table",
    "chairs",
    "lamp",
    "tools",
    "paint",
    "repair",
    "shelf",
    "books",
    "toys",
    "bread",
    "eggs",
    "milk",
    "fruit",
]
CATEGORIES = ("food", "housing", "transport", "childcare", "health", "supplies", "skills", "money", "other")
URGENCIES = ("today", "week", "flexible")
LANGUAGES = (["en"], ["es"], ["en", "es"], ["ht"], [])


def seed(group, author, count: int) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from mutualaid.core.geo import snap
    from mutualaid.exchange import search
    from mutualaid.exchange.models import Post

    rng = random.Random(7)
    now = timezone.now()
    cells: dict[tuple[float, float], tuple[str, float, float]] = {}
    batch = []
    for i in range(count * 2):
        lat = round(40.6694 + rng.uniform(-0.03, 0.03), 3)
        lon = round(-73.9422 + rng.uniform(-0.03, 0.03), 3)
        if (lat, lon) not in cells:
            cells[(lat, lon)] = snap(lat, lon)
        cell, clat, clon = cells[(lat, lon)]
        words = rng.sample(WORDS, 6)
        batch.append(
            Post(
                group=group,
                kind="need" if i % 2 == 0 else "offer",
                author=author,
                category=rng.choice(CATEGORIES),
                title=" ".join(words[:3]),
                details=" ".join(words),
                quantity=rng.randint(1, 5),
                urgency=rng.choice(URGENCIES),
                languages=rng.choice(LANGUAGES),
                area="Crown Heights",
                cell=cell,
                lat=clat,
                lon=clon,
                created_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
                updated_at=now,
            )
        )
        if len(batch) == 5000:
            Post.objects.bulk_create(batch)
            search.reindex(batch)
            batch = []
    Post.objects.bulk_create(batch)
    search.reindex(batch)


def search_list(posts, *, group_id: int, query: str, first=None, category=""):  # type: ignore[no-untyped-def]
    """Several common words as planned before the walk (2026-12-05): the rarest common word's whole
    posting list, the other words probed per post (`exchange.search.search` without `first`), and
    every category's tokens read."""

    return SEARCH(posts, group_id=group_id, query=query, first=None)


def search_all_categories(posts, *, group_id: int, query: str, first=None, category=""):  # type: ignore[no-untyped-def]
    """The search before the tokens carried their post's category (branch search12): a category filter
    read every category's tokens of a word and left the filtering to the post rows."""

    return SEARCH(posts, group_id=group_id, query=query, first=first)


SEARCH = None  # exchange.search.search, set in main()


def insert_tokens_before(rows) -> None:  # type: ignore[no-untyped-def]
    """Token writing as first written: one model instance per token through `bulk_create`."""
    from mutualaid.exchange.models import PostToken

    PostToken.objects.bulk_create(
        [PostToken(group_id=g, token=t, post_id=p, created_at=c, category=k) for g, t, p, c, k in rows],
        batch_size=2000,
    )


def timed(call, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median wall and CPU time of `call` in ms. CPU time is this process only (SQLite's work is in it;
    on PostgreSQL the server's is not), and moves much less with the machine's load than wall time."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def measure(client, url: str, params: dict[str, str], repeat: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm caches
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return statistics.median(times), queries


def import_sheet(rows: int) -> bytes:
    rng = random.Random(11)
    lines = [
        "Timestamp,Name,Phone,Neighborhood,What do you need? Check all that apply,Is your need:,Details,Household size"
    ]
    for i in range(rows):
        needs = ", ".join(
            rng.sample(["Food", "Medicine", "Transportation", "Childcare", "Diapers", "Rent"], 2)
        )
        lines.append(
            f'4/{1 + i % 28}/2020 10:{i % 60:02d}:00,Person {i},347-555-{i % 10000:04d},11216,"{needs}",'
            f"Urgent (within 24 hours),{' '.join(rng.sample(WORDS, 5))},{1 + i % 6}"
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000, help="needs (and as many offers) to seed")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--import-rows", type=int, default=10_000, help="0: no import measured")
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="seed and stop (with MUTUALAID_DATA_DIR or DATABASE_URL kept, later runs reuse the posts)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from mutualaid.exchange import importing, search, selectors

    global SEARCH
    SEARCH = search.search
    from mutualaid.exchange.models import Post
    from mutualaid.groups.models import Group
    from mutualaid.groups.services import area_add
    from mutualaid.members.models import Membership
    from mutualaid.members.services import user_create

    # Not setup_test_environment(): its instrumented template rendering would be measured too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    group = Group.objects.filter(slug="bench").first()
    if group is None:
        group = Group.objects.create(name="Bench", slug="bench", centre_lat=40.6694, centre_lon=-73.9422)
        area_add(group=group, name="Wingate", lat=40.660, lon=-73.943, postal_code="11225")
    reader = user_create(
        username=f"reader{int(time.time())}", password="bench-password-42", display_name="Reader"
    )
    Membership.objects.create(user=reader, group=group, role="coordinator")
    existing = Post.objects.filter(group=group).count()
    if existing < args.posts * 2:
        start = time.perf_counter()
        seed(group, reader, args.posts - existing // 2)
        print(
            f"seeded {Post.objects.filter(group=group).count():,} posts in {time.perf_counter() - start:.1f} s"
        )
    if args.seed_only:
        return
    # PostgreSQL: fresh planner statistics, as autovacuum gives after a bulk load. SQLite: none, as in
    # every Django install (nothing runs ANALYZE); the board's indexes are chosen for that planner.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE exchange_post")
            cursor.execute("ANALYZE exchange_posttoken")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0]:
                cursor.execute("DROP TABLE sqlite_stat1")
    client = Client()
    client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/g/{group.slug}/board/"
    cases = {
        "first page": {},
        "filtered: needs · food · today": {"kind": "need", "category": "food", "urgency": "today"},
        "search: 'stroller'": {"q": "stroller"},
        "search + filter: 'rice beans' · food · es": {
            "q": "rice beans",
            "category": "food",
            "language": "es",
        },
        "search: no post has it 'wheelchair'": {"q": "wheelchair"},
        "search: rare 'stroller charger tools'": {"q": "stroller charger tools"},
        "nearest first from 11225": {"area": "11225"},
        "page 10": {"page": "10"},
        "my needs and offers": {},
    }
    load = os.getloadavg()[0]
    print(
        f"\nboard on {connection.vendor}, {Post.objects.filter(group=group).count():,} posts, median of "
        f"{args.repeat} (machine: {os.cpu_count()} CPUs, load average {load:.1f})"
    )
    print(
        "  selector wall / CPU in ms: 'now' this branch (a category filter reads only that category's\n"
        "  tokens), 'before' every category's tokens read (as before), 'list' the plan before the walk;\n"
        "  the three are run in turns, so the machine's load weighs on each alike."
    )
    print(f"  {'':45s} {'request':>8s} {'now':>15s} {'before':>15s} {'list':>15s} {'CPU before/now':>14s}")
    membership = Membership.objects.get(user=reader, group=group)
    variants = {
        "now": (search.search, search._walk),
        "before": (search_all_categories, search._walk),
        "list": (search_list, search._walk),
    }
    for name, params in cases.items():
        mine = name == "my needs and offers"
        target = f"/g/{group.slug}/board/mine/" if mine else url
        median, queries = measure(client, target, params, args.repeat)
        filters = selectors.BoardFilters(
            status="", mine=mine, **{k: (int(v) if k == "page" else v) for k, v in params.items()}
        )

        def read(filters=filters):  # type: ignore[no-untyped-def]
            return selectors.board(group=group, user=reader, membership=membership, filters=filters)

        got: dict[str, list[tuple[float, float]]] = {v: [] for v in variants}
        pages = {}
        for _round in range(args.repeat):
            for label, (searcher, walker) in variants.items():
                search.search, search._walk = searcher, walker
                try:
                    got[label].append(timed(read, 1))
                    if _round == 0:
                        pages[label] = [p.pk for p in read().posts]
                finally:
                    search.search, search._walk = variants["now"]
        assert pages["now"] == pages["before"] == pages["list"], name  # the same page every way
        med = {
            label: (statistics.median(w for w, _c in rows), statistics.median(c for _w, c in rows))
            for label, rows in got.items()
        }
        cells = " ".join(f"{med[v][0]:6.1f} / {med[v][1]:5.1f}" for v in variants)
        print(
            f"  {name:45s} {median:5.1f} ms {cells} {med['before'][1] / max(med['now'][1], 0.01):11.1f}x  {queries} queries"
        )

    sample = list(Post.objects.filter(group=group).order_by("-id")[:2000])
    tokens_cpu = {}
    for label, writer in (("before", insert_tokens_before), ("after", search._insert_tokens)):
        current = search._insert_tokens
        search._insert_tokens = writer
        try:
            start = time.process_time()
            search.reindex(sample)
            tokens_cpu[label] = time.process_time() - start
        finally:
            search._insert_tokens = current
    print(
        f"\nre-tokenising {len(sample):,} posts: CPU {tokens_cpu['before']:.2f} s before, "
        f"{tokens_cpu['after']:.2f} s after ({tokens_cpu['before'] / tokens_cpu['after']:.1f}x)"
    )

    if not args.import_rows:
        return
    data = import_sheet(args.import_rows)
    start = time.perf_counter()
    cpu_start = time.process_time()
    plan = importing.plan_import(importing.read(data))
    planned = time.perf_counter() - start
    assert not plan.problems, plan.problems[:3]
    posts, contacts = importing.import_commit(group=group, actor=reader, plan=plan)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(
        f"\nimport of {args.import_rows:,} rows: read+plan {planned:.1f} s, total {total:.1f} s, CPU {cpu:.1f} s "
        f"({posts:,} posts, {contacts:,} contacts)"
    )


if __name__ == "__main__":
    main()
