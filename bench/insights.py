"""Insights: the coordinator dashboard's summary queries over many closed posts.

    MUTUALAID_DATA_DIR=$(mktemp -d) .venv/bin/python bench/insights.py [--posts 200000] [--rounds 15]

On PostgreSQL: start a throwaway cluster with `python scripts/pgcluster.py start DIR mutualaid` and
run with the DATABASE_URL it prints.

One group with `--posts` needs and offers spread over two years (most closed: fulfilled, expired or
withdrawn; half the needs claimed), then the worker's first build of the summary tables
(`insights.figures.refresh`), an incremental refresh after 1,000 posts change, and every table of the
dashboard (read from the summary tables, all suppressed) for the last 12 and the last 52 weeks, then the
public impact page and a 12-month impact report (the same summary tables, by month).
Median and p90 time and the number of queries are printed.
Target (issue 18): p50 <= 200 ms at 1,000,000 closed posts.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from mutualaid.core.categories import Category  # noqa: E402
from mutualaid.exchange.models import Claim, Post  # noqa: E402
from mutualaid.groups.models import Group  # noqa: E402
from mutualaid.insights import figures, impact, selectors  # noqa: E402
from mutualaid.insights.models import FigureMark  # noqa: E402
from mutualaid.members.models import User  # noqa: E402

BATCH = 5000


def load(posts: int) -> Group:
    """`posts` posts and their claims by bulk INSERTs: one executemany per batch of rows built as plain
    tuples. The sealed columns (title, details, …) are the same empty ciphertext on every row, sealed
    once: what the dashboard reads never opens them, and sealing a million empty strings would be most
    of the load time."""
    tag = uuid.uuid4().hex[:8]
    group = Group.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    helper = User.objects.create_user(f"bench-{tag}", password=None, display_name="Bench")
    rng = random.Random(18)
    now = timezone.now()
    categories = list(Category.values)
    template = Post(group=group, kind="need", category="food", title="")
    varying = ["kind", "category", "status", "created_at", "updated_at", "closed_at", "imported"]
    fields = [f for f in Post._meta.concrete_fields if not f.primary_key]
    fixed = {f.attname: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields}
    columns = [f.column for f in fields]
    quote = connection.ops.quote_name
    insert = (
        f"INSERT INTO {quote(Post._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    when = connection.ops.adapt_datetimefield_value
    claim_sql = (
        f"INSERT INTO {quote(Claim._meta.db_table)} (post_id, claimant_id, state, coordinators_invited, created_at) "
        "VALUES (%s, %s, %s, %s, %s)"
    )
    made = 0
    with connection.cursor() as cursor:
        while made < posts:
            rows = []
            for _ in range(min(BATCH * 4, posts - made)):
                created = now - datetime.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                status = rng.choices(["fulfilled", "expired", "withdrawn", "open"], [60, 25, 10, 5])[0]
                closed = (
                    created + datetime.timedelta(hours=rng.randrange(1, 24 * 14))
                    if status != "open"
                    else None
                )
                values = {
                    "kind": rng.choice(["need", "need", "offer"]),
                    "category": rng.choice(categories),
                    "status": status,
                    "created_at": when(created),
                    "updated_at": when(closed or created),
                    "closed_at": when(closed) if closed else None,
                    "imported": rng.random() < 0.05,
                }
                rows.append(
                    tuple(values[f.attname] if f.attname in varying else fixed[f.attname] for f in fields)
                )
            last = Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            cursor.executemany(insert, rows)
            claims = [
                (
                    pk,
                    helper.pk,
                    "done",
                    False,
                    when(at + datetime.timedelta(minutes=rng.randrange(5, 3 * 24 * 60))),
                )
                for pk, kind, at in Post.objects.filter(group=group, pk__gt=last).values_list(
                    "pk", "kind", "created_at"
                )
                if kind == "need" and rng.random() < 0.5
            ]
            cursor.executemany(claim_sql, claims)
            made += len(rows)
    return group


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    group = load(args.posts)
    print(f"{connection.vendor}: {args.posts:,} posts loaded in {time.perf_counter() - started:.0f} s")
    FigureMark.objects.all().delete()
    started = time.perf_counter()
    built = figures.refresh(lag=datetime.timedelta(0))
    print(
        f"first build of the figures: {built['weeks']} group-weeks in {time.perf_counter() - started:.1f} s"
    )
    later = timezone.now()
    changed = list(Post.objects.filter(group=group).order_by("?").values_list("pk", flat=True)[:1000])
    Post.objects.filter(pk__in=changed).update(status="withdrawn", closed_at=later, updated_at=later)
    started = time.perf_counter()
    again = figures.refresh(now=later + datetime.timedelta(seconds=1), lag=datetime.timedelta(0))
    print(
        f"incremental refresh after 1,000 posts changed: {again['weeks']} group-weeks "
        f"in {time.perf_counter() - started:.1f} s"
    )
    for weeks in (12, 52):
        filters = selectors.Filters(weeks=weeks)
        times = []
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                selectors.dashboard(group, filters)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
        print("  slowest queries (s): " + ", ".join(q["time"] for q in slowest[:6]))
        print(
            f"dashboard, last {weeks} weeks: p50 {statistics.median(times):.0f} ms, p90 {p90:.0f} ms, "
            f"{len(queries.captured_queries)} queries"
        )
    for name, read in (
        ("public impact page", lambda: impact.public_tables(group)),
        ("impact report, last 12 months", lambda: impact.report(group, impact.Period.recent())),
    ):
        times = []
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                read()
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        print(
            f"{name}: p50 {statistics.median(times):.0f} ms, p90 {p90:.0f} ms, "
            f"{len(queries.captured_queries)} queries"
        )


if __name__ == "__main__":
    main()
