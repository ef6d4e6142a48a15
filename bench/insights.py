"""Insights: the coordinator dashboard, the impact page and the impact report over many closed posts.

    MUTUALAID_DATA_DIR=$(mktemp -d) .venv/bin/python bench/insights.py --both [--posts 1000000] [--rounds 15]

`--both` runs the bench twice, on SQLite (in MUTUALAID_DATA_DIR) and on a throwaway PostgreSQL cluster
(`scripts/pgcluster.py`, stopped afterwards), and prints the two side by side. Without it the bench runs
once on the configured database (DATABASE_URL); `--reuse` keeps the posts of an earlier run on that
database (a group named "Bench …" with at least `--posts` posts) instead of loading them again.

One group with `--posts` needs and offers spread over two years (most closed: fulfilled, expired or
withdrawn; half the needs claimed), bulk-inserted; then the worker's first build of the summary tables
(`insights.figures.refresh`), an incremental refresh after 1,000 posts change, and, each `--rounds`
times: the dashboard's tables for the last 12 and 52 weeks (`selectors.dashboard`) and the dashboard
page itself (GET, as a coordinator with a second factor), the public impact page (GET) and a 12-month
impact report (GET). Median and p90 wall time, the median CPU time of this process (the database's own
work on PostgreSQL runs in its server, outside it) and the number of queries are printed, with the load
average: the machine may be shared.
Target (issue 18): p50 <= 200 ms at 1,000,000 closed posts.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from mutualaid.core.categories import Category  # noqa: E402
from mutualaid.exchange.models import Claim, Post  # noqa: E402
from mutualaid.groups.models import Group  # noqa: E402
from mutualaid.insights import figures, impact, selectors  # noqa: E402
from mutualaid.insights import services as impact_services  # noqa: E402
from mutualaid.insights.models import DurationFigure, FigureMark, PostFigure  # noqa: E402
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


def existing(posts: int) -> Group | None:
    from django.db.models import Count

    found = (
        Group.objects.filter(name__startswith="Bench ")
        .annotate(n=Count("posts"))
        .filter(n__gte=posts)
        .order_by("-pk")
        .first()
    )
    return found


def timed(read: Any, rounds: int) -> dict[str, Any]:
    walls, cpus = [], []
    queries = 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            cpu = time.process_time()
            started = time.perf_counter()
            read()
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        queries = len(captured.captured_queries)
    walls.sort()
    return {
        "p50": statistics.median(walls),
        "p90": walls[min(len(walls) - 1, int(0.9 * len(walls)))],
        "cpu": statistics.median(cpus),
        "queries": queries,
    }


def coordinator_client(group: Group) -> Client:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from mutualaid.members.models import Membership

    tag = uuid.uuid4().hex[:8]
    user = User.objects.create_user(f"coord-{tag}", password=None, display_name="Coordinator")
    Membership.objects.create(user=user, group=group, role="coordinator")
    TOTP.activate(user, generate_totp_secret())
    impact_services.impact_page_set(group=group, actor=user, public=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def run(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"vendor": connection.vendor, "loadavg_start": os.getloadavg()}
    call_command("migrate", verbosity=0)
    group = existing(args.posts) if args.reuse else None
    if group is None:
        started = time.perf_counter()
        group = load(args.posts)
        out["load_s"] = time.perf_counter() - started
    out["posts"] = Post.objects.filter(group=group).count()
    FigureMark.objects.all().delete()
    PostFigure.objects.filter(group=group).delete()
    DurationFigure.objects.filter(group=group).delete()
    started, cpu = time.perf_counter(), time.process_time()
    built = figures.refresh(lag=datetime.timedelta(0))
    out["build"] = (built["weeks"], time.perf_counter() - started, time.process_time() - cpu)
    out["summary_rows"] = PostFigure.objects.filter(group=group).count()
    print(f"{connection.vendor} posts {out['posts']}, build {out['build']}", file=sys.stderr, flush=True)
    later = timezone.now()
    changed = list(Post.objects.filter(group=group).order_by("?").values_list("pk", flat=True)[:1000])
    Post.objects.filter(pk__in=changed).update(status="withdrawn", closed_at=later, updated_at=later)
    started, cpu = time.perf_counter(), time.process_time()
    again = figures.refresh(now=later + datetime.timedelta(seconds=1), lag=datetime.timedelta(0))
    out["incremental"] = (again["weeks"], time.perf_counter() - started, time.process_time() - cpu)
    setup_test_environment()
    client = coordinator_client(group)
    base = f"/g/{group.slug}/insights/"
    this = impact.first_of_month(timezone.localdate())
    report_query = {"start": f"{impact.add_months(this, -11):%Y-%m}", "end": f"{this:%Y-%m}"}

    def get(path: str, data: dict[str, str] | None = None) -> Any:
        def read() -> None:
            response = client.get(path, data or {})
            assert response.status_code == 200, (path, response.status_code)

        return read

    reads = [
        ("dashboard tables, 12 weeks", lambda: selectors.dashboard(group, selectors.Filters(weeks=12))),
        ("dashboard tables, 52 weeks", lambda: selectors.dashboard(group, selectors.Filters(weeks=52))),
        ("dashboard page, 12 weeks", get(base, {"weeks": "12"})),
        ("dashboard page, 52 weeks", get(base, {"weeks": "52"})),
        ("impact page", get(base + "impact/")),
        ("impact report, 12 months", get(base + "impact/report/", report_query)),
    ]
    out["reads"] = {}
    for name, read in reads:
        read()  # warm: the first request loads templates and translations
        out["reads"][name] = timed(read, args.rounds)
        print(f"{connection.vendor} {name}: {out['reads'][name]}", file=sys.stderr, flush=True)
    out["loadavg_end"] = os.getloadavg()
    return out


def show(results: list[dict[str, Any]]) -> None:
    names = [r["vendor"] for r in results]
    print(f"{'':34}" + "".join(f"{n:>30}" for n in names))
    rows = [
        ("posts", lambda r: f"{r['posts']:,}"),
        ("bulk load", lambda r: f"{r['load_s']:.0f} s" if "load_s" in r else "reused"),
        (
            "first build (group-weeks, wall, cpu)",
            lambda r: "{} wks, {:.0f} s, cpu {:.0f} s".format(*r["build"]),
        ),
        ("post summary rows", lambda r: f"{r['summary_rows']:,}"),
        ("refresh after 1,000 changes", lambda r: "{} wks, {:.1f} s, cpu {:.1f} s".format(*r["incremental"])),
    ]
    for label, cell in rows:
        print(f"{label:34}" + "".join(f"{cell(r):>30}" for r in results))
    for name in results[0]["reads"]:
        line = f"{name:34}"
        for r in results:
            f = r["reads"][name]
            text = "p50 {:.0f} p90 {:.0f} cpu {:.0f} ms, {} q".format(
                f["p50"], f["p90"], f["cpu"], f["queries"]
            )
            line += f"{text:>30}"
        print(line)
    for r in results:
        start = ", ".join(f"{x:.1f}" for x in r["loadavg_start"])
        end = ", ".join(f"{x:.1f}" for x in r["loadavg_end"])
        print(f"load average ({r['vendor']}): {start} at the start, {end} at the end")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="keep the posts of an earlier run")
    parser.add_argument("--both", action="store_true", help="SQLite and a throwaway PostgreSQL, side by side")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.both:
        result = run(args)
        print(json.dumps(result)) if args.json else show([result])
        return
    root = Path(__file__).resolve().parent.parent
    child = [sys.executable, __file__, "--json", "--posts", str(args.posts), "--rounds", str(args.rounds)]
    cluster = Path(tempfile.mkdtemp(prefix="bench-insights-pg-"))
    pgcluster = [sys.executable, str(root / "scripts" / "pgcluster.py")]
    url = subprocess.run(
        [*pgcluster, "start", str(cluster), "mutualaid"], check=True, capture_output=True, text=True
    ).stdout.strip()
    # Both at once (each database loads in its own process): on a shared machine the figures then
    # see the same load; run without --both, once per database, for figures on a quiet one.
    try:
        runs = [
            subprocess.Popen(child, stdout=subprocess.PIPE, text=True, env=os.environ.copy()),
            subprocess.Popen(
                child, stdout=subprocess.PIPE, text=True, env={**os.environ, "DATABASE_URL": url}
            ),
        ]
        outputs = [run.communicate()[0] for run in runs]
    finally:
        subprocess.run([*pgcluster, "stop", str(cluster)], check=False)
    if any(run.returncode for run in runs):
        sys.exit("a run failed")
    results = [json.loads(output.strip().splitlines()[-1]) for output in outputs]
    show(results)


if __name__ == "__main__":
    main()
