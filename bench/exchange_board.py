"""Benchmark of the board: 100,000 open needs and 100,000 offers in one group, and a 10,000-row import.

Prints the median server time and the number of queries of the board's first page and of filtered
searches, through the Django test client (the full request: middleware, view, template). Not a test.

    .venv/bin/python bench/exchange_board.py                 # SQLite in a scratch data dir
    DATABASE_URL=postgres://… .venv/bin/python bench/exchange_board.py
    .venv/bin/python bench/exchange_board.py --posts 20000   # a quicker run
    .venv/bin/python bench/exchange_board.py --snapshot /tmp/board-200k   # seeds once, then starts from a copy

Seeding writes rows built by the app's own fields and token code in bulk (COPY on PostgreSQL,
executemany on SQLite): 200,000 posts in minutes instead of hours (`seed`). Per case it prints the whole
request's p50, this process's CPU and the PostgreSQL server process's CPU (`db_cpu`).
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


SEED_BATCH = 20_000  # posts built, sealed and written per round (with their ~22 tokens each)


def seed(group, author, count: int, *, rng_seed: int = 7) -> None:  # type: ignore[no-untyped-def]
    """`count` needs and as many offers on `group`'s board, written in bulk.

    Each row is built in Python with the app's own code, so it is what `services.post_create` writes: the
    model's fields give every column's database value (`get_db_prep_save`: titles and details sealed by
    `EncryptedTextField` with the key ring, defaults, JSON), needs expire as a new need does, and the
    tokens are `exchange.search.token_rows` (the group's search key, stems and prefixes, the post's date
    and category), as `search.reindex` writes them. Only the writing differs: PostgreSQL takes each
    table's rows through one `COPY … FROM STDIN` per batch, SQLite through one `executemany` per batch;
    post ids are reserved up front (PostgreSQL's sequence; SQLite's AUTOINCREMENT follows the largest
    id written). For a large seed the token table's three secondary indexes are dropped first and built
    once at the end (one sort instead of millions of scattered inserts); its primary key stays.
    tests/exchange/test_bench_seed.py checks seeded posts against service-made ones.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from mutualaid.core.geo import snap
    from mutualaid.exchange import search
    from mutualaid.exchange.models import Post, PostToken
    from mutualaid.exchange.services import need_expiry_days

    rng = random.Random(rng_seed)
    now = timezone.now()
    expires = now + timedelta(days=need_expiry_days())
    cells: dict[tuple[float, float], tuple[str, float, float]] = {}
    post_fields = list(Post._meta.concrete_fields)
    token_fields = [
        PostToken._meta.get_field(n) for n in ("group", "token", "post", "created_at", "category")
    ]
    known: dict[tuple[str, int], dict[str, int]] = {}
    total = count * 2
    heavy = total >= 10_000
    token_indexes = list(PostToken._meta.indexes)
    if heavy:
        with connection.schema_editor() as editor:
            for index in token_indexes:
                editor.remove_index(PostToken, index)
    try:
        done = 0
        while done < total:
            n = min(SEED_BATCH, total - done)
            ids = _reserve_ids(Post, n)
            batch = []
            for i, pk in enumerate(ids, start=done):
                lat = round(40.6694 + rng.uniform(-0.03, 0.03), 3)
                lon = round(-73.9422 + rng.uniform(-0.03, 0.03), 3)
                if (lat, lon) not in cells:
                    cells[(lat, lon)] = snap(lat, lon)
                cell, clat, clon = cells[(lat, lon)]
                words = rng.sample(WORDS, 6)
                kind = "need" if i % 2 == 0 else "offer"
                batch.append(
                    Post(
                        pk=pk,
                        group=group,
                        kind=kind,
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
                        expires_at=expires if kind == "need" else None,
                    )
                )
            tokens = search.token_rows(batch, known=known)  # sets each post's search_key
            post_rows = [
                [f.get_db_prep_save(f.pre_save(post, True), connection) for f in post_fields]
                for post in batch
            ]
            created = token_fields[3]
            token_rows = [(g, t, p, created.get_db_prep_save(c, connection), k) for g, t, p, c, k in tokens]
            with transaction.atomic():
                _skip_reference_checks()
                _bulk_write(Post, [f.column for f in post_fields], post_rows)
                _bulk_write(PostToken, [f.column for f in token_fields], token_rows)
            done += n
    finally:
        if heavy:
            with connection.schema_editor() as editor:
                for index in token_indexes:
                    editor.add_index(PostToken, index)


def db_cpu() -> float:
    """CPU seconds the PostgreSQL server process of this connection has used (`/proc/PID/schedstat`,
    nanoseconds: the server runs on this machine in the bench); 0 on SQLite, whose work is in this
    process's own CPU time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    global _BACKEND
    if _BACKEND is None or _BACKEND[0] is not connection.connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _BACKEND = (connection.connection, cursor.fetchone()[0])
    try:
        return int(Path(f"/proc/{_BACKEND[1]}/schedstat").read_text().split()[0]) / 1e9
    except OSError:  # a server on another machine
        return float("nan")


_BACKEND = None


def _skip_reference_checks() -> None:
    """PostgreSQL, as a superuser (the bench's own cluster): no foreign-key trigger per row written in
    this transaction (`session_replication_role = replica`, as a restore does). The rows are right by
    construction (their posts are written first, in the same transaction; the group and author exist);
    checking each of ~4.4 million token rows cost most of the seeding. Elsewhere: nothing changes."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _reserve_ids(model, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    """`n` new primary keys for `model`, never handed out again."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {connection.ops.quote_name(table)}")
        last = max(cursor.fetchone()[0], 0)
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        last = max(last, row[0] if row else 0)
        return list(range(last + 1, last + n + 1))


def _bulk_write(model, columns: list[str], rows: list) -> None:  # type: ignore[no-untyped-def]
    """Rows of database values into `model`'s table: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    names = ", ".join(q(c) for c in columns)
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _pg_admin():  # type: ignore[no-untyped-def]
    """An autocommit connection to the cluster's `postgres` database (databases are made from there)."""
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def snapshot_save(directory: Path) -> None:
    """Keep a copy of the seeded database and the key ring its texts and tokens are sealed with.

    SQLite: the file (SQLite's online backup: one consistent file, WAL included). PostgreSQL: a database
    `<name>_snapshot` made with the seeded one as its template (a file-level copy, no re-insert)."""
    import json
    import shutil
    import sqlite3

    from django.conf import settings
    from django.db import connection

    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(settings.MUTUALAID_KEY_FILE, directory / "keys.json")
    os.chmod(directory / "keys.json", 0o600)
    name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        copy = f"{name}_snapshot"
        connection.close()  # CREATE DATABASE … TEMPLATE needs the template without connections
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
            admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        (directory / "snapshot.json").write_text(json.dumps({"vendor": "postgresql", "database": copy}))
        return
    connection.ensure_connection()
    target = sqlite3.connect(directory / "mutualaid.sqlite3")
    with target:
        connection.connection.backup(target)
    target.close()
    (directory / "snapshot.json").write_text(json.dumps({"vendor": "sqlite"}))


def snapshot_restore(directory: Path) -> None:
    """Replace the database with the snapshot in `directory` (and the key ring with its own)."""
    import json
    import shutil
    import sqlite3

    from django.conf import settings
    from django.db import connection

    meta = json.loads((directory / "snapshot.json").read_text())
    if meta["vendor"] != connection.vendor:
        sys.exit(f"the snapshot in {directory} is of {meta['vendor']}, the database is {connection.vendor}")
    shutil.copyfile(directory / "keys.json", settings.MUTUALAID_KEY_FILE)
    os.chmod(settings.MUTUALAID_KEY_FILE, 0o600)
    name = connection.settings_dict["NAME"]
    connection.close()
    if connection.vendor == "postgresql":
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{meta["database"]}"')
        return
    source = sqlite3.connect(directory / "mutualaid.sqlite3")
    for suffix in ("-wal", "-shm"):
        Path(f"{name}{suffix}").unlink(missing_ok=True)
    target = sqlite3.connect(name)
    with target:
        source.backup(target)
    target.close()
    source.close()


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
    """Median wall and CPU time of `call` in ms. CPU time is this process's (SQLite's work is in it) plus
    the PostgreSQL server process's (`db_cpu`), and moves much less with the machine's load than wall
    time."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu, server = time.perf_counter(), time.process_time(), db_cpu()
        call()
        cpus.append((time.process_time() - cpu + db_cpu() - server) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def measure(client, url: str, params: dict[str, str], repeat: int) -> tuple[float, float, float, int]:  # type: ignore[no-untyped-def]
    """Medians of a request's wall time, this process's CPU time (Django; SQLite's work too) and the
    PostgreSQL server process's CPU time (`db_cpu`), in ms; and the number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm caches
    times, cpus, servers = [], [], []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            server = db_cpu()
            start, cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            times.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            servers.append((db_cpu() - server) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return statistics.median(times), statistics.median(cpus), statistics.median(servers), queries


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
    parser.add_argument(
        "--snapshot",
        metavar="DIR",
        help="start from the copy of the seeded data kept in DIR, or make one there after seeding",
    )
    args = parser.parse_args()

    import django

    django.setup()
    snapshot = Path(args.snapshot) if args.snapshot else None
    if snapshot is not None and (snapshot / "snapshot.json").exists():
        start = time.perf_counter()
        snapshot_restore(snapshot)
        print(f"restored the snapshot in {snapshot} in {time.perf_counter() - start:.1f} s")
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
        start, cpu, server = time.perf_counter(), time.process_time(), db_cpu()
        seed(group, reader, args.posts - existing // 2)
        seeded = time.perf_counter() - start
        print(
            f"seeded {Post.objects.filter(group=group).count():,} posts in {seeded:.1f} s "
            f"(CPU: here {time.process_time() - cpu:.1f} s, database server {db_cpu() - server:.1f} s; "
            f"load average {os.getloadavg()[0]:.1f})"
        )
        if connection.vendor == "postgresql":
            # As autovacuum does after a bulk load (inserts trigger it): statistics, and the visibility
            # map that lets the token indexes be read without visiting the table.
            start = time.perf_counter()
            connection.close()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE exchange_post")
                cursor.execute("VACUUM ANALYZE exchange_posttoken")
            print(f"VACUUM ANALYZE in {time.perf_counter() - start:.1f} s")
        if snapshot is not None:
            start = time.perf_counter()
            snapshot_save(snapshot)
            print(f"snapshot kept in {snapshot} ({time.perf_counter() - start:.1f} s)")
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
        "  selector wall / CPU in ms (CPU: this process + the PostgreSQL server process): 'now' this\n"
        "  branch; 'walk before' several common words walked on PostgreSQL as before (a branch per token,\n"
        "  an EXISTS per word; on SQLite the same as now); 'list' the plan before the walk. Run in turns,\n"
        "  so the machine's load weighs on each alike."
    )
    print(
        f"  {'':45s} {'request':>8s} {'now':>15s} {'walk before':>15s} {'list':>15s} {'CPU before/now':>14s}"
    )
    membership = Membership.objects.get(user=reader, group=group)
    table: list[tuple[str, float, float, float]] = []

    def walk_before(posts, group_id, common, first):  # type: ignore[no-untyped-def]
        return search._walk(posts, group_id, [tokens for tokens, _ids in common], first)

    variants = {
        "now": (search.search, search._walk_postgresql),
        "walk before": (search.search, walk_before),
        "list": (search_list, search._walk_postgresql),
    }
    for name, params in cases.items():
        mine = name == "my needs and offers"
        target = f"/g/{group.slug}/board/mine/" if mine else url
        median, app_cpu, server_cpu, queries = measure(client, target, params, args.repeat)
        table.append((name, median, app_cpu, server_cpu))
        filters = selectors.BoardFilters(
            status="", mine=mine, **{k: (int(v) if k == "page" else v) for k, v in params.items()}
        )

        def read(filters=filters):  # type: ignore[no-untyped-def]
            return selectors.board(group=group, user=reader, membership=membership, filters=filters)

        got: dict[str, list[tuple[float, float]]] = {v: [] for v in variants}
        pages = {}
        for _round in range(args.repeat):
            for label, (searcher, walker) in variants.items():
                search.search, search._walk_postgresql = searcher, walker
                try:
                    got[label].append(timed(read, 1))
                    if _round == 0:
                        pages[label] = [p.pk for p in read().posts]
                finally:
                    search.search, search._walk_postgresql = variants["now"]
        assert pages["now"] == pages["walk before"] == pages["list"], name  # the same page every way
        med = {
            label: (statistics.median(w for w, _c in rows), statistics.median(c for _w, c in rows))
            for label, rows in got.items()
        }
        cells = " ".join(f"{med[v][0]:6.1f} / {med[v][1]:5.1f}" for v in variants)
        print(
            f"  {name:45s} {median:5.1f} ms {cells} {med['walk before'][1] / max(med['now'][1], 0.01):11.1f}x  {queries} queries"
        )

    print(
        f"\nrequests on {connection.vendor} (load average {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} now): p50 of the whole request, CPU medians in ms\n"
        f"| case | request p50 | Django CPU | database server CPU |\n|---|---|---|---|"
    )
    for name, median, app_cpu, server_cpu in table:
        server = f"{server_cpu:.1f} ms" if connection.vendor == "postgresql" else "(in Django's)"
        print(f"| {name} | {median:.1f} ms | {app_cpu:.1f} ms | {server} |")

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
