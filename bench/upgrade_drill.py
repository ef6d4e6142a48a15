"""Upgrade drill: an install of the previous release, filled with volume, upgraded to this checkout.

    .venv/bin/python bench/upgrade_drill.py [--from v0.1.0] [--to REV] [--posts 1000000] [--snapshot DIR]

1. Exports the previous release (`--from`, default the tag `v0.1.0`) with `git archive` into a scratch
   directory and installs it from its own uv.lock.
2. On a throwaway PostgreSQL, migrates with the OLD code, loads the demo network and `--posts` generated
   needs and offers (the board benchmark's generator of that release). With `--snapshot DIR` the filled
   cluster is copied there once and later runs start from the copy (generation at 1,000,000 posts takes
   long on a small machine).
3. Starts an OLD app server and reads from it continuously (board API page, post page, healthz), and
   probes the database directly (a post by id, the newest posts, a search token when that table exists),
   while the NEW code (this checkout, or `--to REV` exported like the old one) runs `mutualaid migrate`
   one migration at a time - the README's order (migrate once, then restart app servers).
4. Prints per migration: seconds, the longest HTTP read and database probe that overlapped it, and the
   longest time an ACCESS EXCLUSIVE lock on a table that existed before the upgrade was held (sampled
   every 50 ms from pg_locks). A migration that blocks reads for more than a second shows here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import pgcluster  # noqa: E402

PREVIOUS_RELEASE = "v0.1.0"
PREVIOUS_RELEASE_COMMIT = "d8fa971"  # the tagged release, for clones that did not fetch tags


def sh(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:3])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def export(rev: str, where: Path) -> Path:
    """The tree of `rev` (no git worktree: nothing is added to the repository), installed."""
    if subprocess.run(
        ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True
    ).returncode:
        rev = PREVIOUS_RELEASE_COMMIT
    where.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    if (ROOT / ".tools").exists() and not (where / ".tools").exists():
        (where / ".tools").symlink_to(ROOT / ".tools")
    sh("scripts/bootstrap", cwd=where)
    return where


def env_for(data: Path, database_url: str, keyring: str, secret: str) -> dict[str, str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("MUTUALAID_", "DJANGO_", "DATABASE_URL"))
    }
    data.mkdir(exist_ok=True, mode=0o700)
    return {
        **base,
        "DATABASE_URL": database_url,
        "MUTUALAID_DATA_DIR": str(data),
        "MUTUALAID_KEYRING": keyring,
        "SECRET_KEY": secret,
        "MUTUALAID_REQUIRE_COORDINATOR_MFA": "false",
        "MUTUALAID_LOG_LEVEL": "WARNING",
    }


def pg_start_existing(directory: Path) -> str:
    """Start a cluster whose data directory is already there (copied from a snapshot)."""
    port = pgcluster._free_port()
    (directory / "port").write_text(str(port))
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", str(directory)], check=True)
    subprocess.run(
        pgcluster._as_owner(
            [
                pgcluster._bin("pg_ctl"),
                "-D",
                str(directory / "data"),
                "-w",
                "-l",
                str(directory / "server.log"),
                "-o",
                pgcluster._options(port, directory),
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return f"postgres://postgres@127.0.0.1:{port}/mutualaid"


def pg_stop_keep(directory: Path) -> None:
    subprocess.run(
        pgcluster._as_owner(
            [pgcluster._bin("pg_ctl"), "-D", str(directory / "data"), "-m", "fast", "-w", "stop"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def reader(
    port: int, token: str, post_id: int, stop: threading.Event, log: list[tuple[float, float, int]]
) -> None:
    urls = [
        (f"http://127.0.0.1:{port}/api/v1/groups/crown-heights/posts", {"Authorization": f"Bearer {token}"}),
        (
            f"http://127.0.0.1:{port}/api/v1/groups/crown-heights/posts/{post_id}",
            {"Authorization": f"Bearer {token}"},
        ),
        (f"http://127.0.0.1:{port}/healthz", {}),
    ]
    i = 0
    while not stop.is_set():
        url, headers = urls[i % len(urls)]
        i += 1
        started = time.monotonic()
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as answer:
                status = answer.status
                answer.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        log.append((started, time.monotonic() - started, status))


def prober(
    database_url: str, max_id: int, stop: threading.Event, log: list[tuple[float, float, str]]
) -> None:
    """Reads the big tables directly: a read that waits on a lock shows as a long probe."""
    import psycopg

    probes = [
        (
            "post by id",
            "SELECT id, title FROM exchange_post WHERE id = %s",
            lambda: [random.randint(1, max_id)],
        ),
        # The board's first page (its own index, `post_recent`); without the group it would scan the table.
        (
            "newest posts",
            "SELECT id FROM exchange_post WHERE group_id = 1 ORDER BY created_at DESC, id DESC LIMIT 20",
            list,
        ),
        (
            "search token",
            "SELECT post_id FROM exchange_posttoken WHERE group_id = 1 AND token = %s LIMIT 5",
            lambda: [random.randint(-(2**62), 2**62)],
        ),
    ]
    with psycopg.connect(database_url, autocommit=True) as conn:
        i = 0
        while not stop.is_set():
            name, sql, params = probes[i % len(probes)]
            i += 1
            started = time.monotonic()
            try:
                conn.execute(sql, params()).fetchall()
            except psycopg.errors.UndefinedTable:
                continue  # the token table comes with the upgrade
            except psycopg.Error:
                pass
            log.append((started, time.monotonic() - started, name))
            time.sleep(0.02)


def lock_watch(
    database_url: str,
    stop: threading.Event,
    log: list[tuple[float, frozenset[str]]],
    waits: list[tuple[float, float]],
) -> None:
    """Every 50 ms: which tables and indexes that existed before the upgrade are under ACCESS EXCLUSIVE, and
    how long the longest read (a SELECT of the app server or of the probes) waiting on a lock has run."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        before = {row[0] for row in conn.execute("SELECT oid FROM pg_class WHERE relkind IN ('r', 'i')")}
        while not stop.is_set():
            held = conn.execute(
                "SELECT l.relation::int, c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.mode = 'AccessExclusiveLock' AND l.granted AND c.relkind IN ('r', 'i')"
            ).fetchall()
            waiting = conn.execute(
                "SELECT coalesce(max(extract(epoch FROM clock_timestamp() - query_start)), 0)::float "
                "FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'select%'"
            ).fetchone()
            now = time.monotonic()
            log.append((now, frozenset(name for oid, name in held if oid in before)))
            waits.append((now, waiting[0] if waiting else 0.0))
            time.sleep(0.05)


def longest_hold(samples: list[tuple[float, frozenset[str]]], start: float, end: float) -> tuple[float, str]:
    """The longest run of consecutive samples in [start, end] in which one relation stayed locked."""
    best, best_name = 0.0, ""
    since: dict[str, float] = {}
    for at, held in samples:
        if at < start or at > end:
            continue
        for name in list(since):
            if name not in held:
                since.pop(name)
        for name in held:
            since.setdefault(name, at)
            if at - since[name] > best:
                best, best_name = at - since[name], name
    for name, first in since.items():  # still held at the end of the window
        if end - first > best:
            best, best_name = end - first, name
    return best, best_name


def progress(
    database_url: str,
    http: list[tuple[float, float, int]],
    probes: list[tuple[float, float, str]],
    locks: list[tuple[float, frozenset[str]]],
    waits: list[tuple[float, float]],
    stop: threading.Event,
    every: float = 60.0,
) -> None:
    """Every minute while `migrate` runs: how many posts exchange 0006 has sealed and tokenised so far, and
    the longest HTTP read, database probe and lock of that minute, so a run stopped before the end still
    tells its rate and whether reads waited."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        began = time.monotonic()
        while not stop.wait(every):
            now = time.monotonic()
            try:
                done = conn.execute("SELECT count(*) FROM exchange_post WHERE search_key <> ''").fetchone()
                sealed = f"{done[0]:,} posts sealed and tokenised" if done else ""
            except psycopg.Error:
                sealed = "0006 not begun"
            read = max((d for s, d, _x in http if s + d >= now - every), default=0.0)
            probe = max((d for s, d, _x in probes if s + d >= now - every), default=0.0)
            hold, table = longest_hold(locks, now - every, now)
            waited = max((w for at, w in waits if at >= now - every), default=0.0)
            print(
                f"  [{now - began:.0f} s, load {os.getloadavg()[0]:.1f}] {sealed}; last minute: longest HTTP "
                f"read {read * 1000:.0f} ms, DB probe {probe * 1000:.0f} ms, ACCESS EXCLUSIVE "
                f"{hold:.2f} s{f' ({table})' if table else ''}, a read waiting on a lock {waited:.2f} s",
                flush=True,
            )


def migrate_timed(command: str, env: dict[str, str]) -> list[tuple[str, float, float]]:
    """One `mutualaid migrate` (as an operator runs it); each migration's start and end, read as Django
    prints "Applying app.name..." and "OK"."""
    proc = subprocess.Popen(
        [command, "migrate", "-v", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    timings: list[tuple[str, float, float]] = []
    current: tuple[str, float] | None = None
    buffer = ""
    while chunk := os.read(proc.stdout.fileno(), 4096):
        now = time.monotonic()
        buffer += chunk.decode(errors="replace")
        while True:
            if current is None:
                at = buffer.find("Applying ")
                end = buffer.find("...", at)
                if at < 0 or end < 0:
                    break
                current = (buffer[at + len("Applying ") : end], now)
                buffer = buffer[end + 3 :]
            else:
                at = buffer.find(" OK")
                if at < 0:
                    break
                timings.append((current[0], current[1], now))
                print(f"  {current[0]}: {now - current[1]:.1f} s", flush=True)
                current = None
                buffer = buffer[at + 3 :]
    if proc.wait() != 0:
        sys.exit(f"migrate failed (during {current[0] if current else '?'}):\n{buffer[-3000:]}")
    return timings


# Words of the generated posts: what a mutual aid board is asked and offered, in English and Spanish.
NEED_WORDS = {
    "food": [
        "rice",
        "beans",
        "groceries",
        "bread",
        "eggs",
        "milk",
        "fruit",
        "soup",
        "meals",
        "formula",
        "arroz",
        "frijoles",
        "comida",
        "leche",
        "huevos",
        "pan",
        "despensa",
    ],
    "housing": [
        "rent",
        "heater",
        "blanket",
        "fridge",
        "repair",
        "shelf",
        "table",
        "chairs",
        "lamp",
        "renta",
        "cobija",
        "calentador",
        "colchón",
        "mudanza",
    ],
    "transport": [
        "ride",
        "clinic",
        "pickup",
        "bike",
        "moving",
        "boxes",
        "airport",
        "traslado",
        "bicicleta",
        "cita",
        "hospital",
    ],
    "childcare": [
        "childcare",
        "stroller",
        "diapers",
        "toys",
        "school",
        "tutoring",
        "pañales",
        "niños",
        "escuela",
        "guardería",
        "carriola",
    ],
    "health": [
        "pharmacy",
        "medicine",
        "clinic",
        "masks",
        "thermometer",
        "farmacia",
        "medicina",
        "vitaminas",
        "consulta",
    ],
    "supplies": [
        "coat",
        "laundry",
        "soap",
        "phone",
        "charger",
        "paint",
        "tools",
        "jabón",
        "ropa",
        "cargador",
        "herramientas",
        "abrigo",
    ],
    "skills": [
        "english",
        "spanish",
        "taxes",
        "resume",
        "translation",
        "inglés",
        "traducción",
        "impuestos",
        "computadora",
        "lessons",
    ],
    "money": ["bill", "electricity", "phone", "deposit", "luz", "factura", "gas", "internet"],
    "other": ["books", "company", "walk", "dog", "plants", "libros", "compañía", "paseo", "perro"],
}
FILLER = [
    "please",
    "today",
    "this",
    "week",
    "for",
    "my",
    "family",
    "neighbour",
    "help",
    "can",
    "pick",
    "up",
    "near",
    "the",
    "park",
    "por",
    "favor",
    "para",
    "mi",
    "familia",
    "ayuda",
    "cerca",
    "del",
    "parque",
    "after",
    "work",
    "weekend",
    "small",
    "large",
    "two",
    "three",
    "kids",
    "abuela",
    "mañana",
    "tarde",
]
UNITS = ["", "", "", "bags", "boxes", "rides", "hours", "bolsas", "cajas", "viajes", "horas"]
STATUSES = (
    ["open"] * 12 + ["claimed", "in_progress"] + ["fulfilled"] * 4 + ["withdrawn", "expired", "expired"]
)
LANGUAGE_SETS = ['["en"]', '["es"]', '["en", "es"]', '["ht"]', "[]", '["en"]', '["es"]']


def _pg_array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


GENERATE = """
WITH g AS (
       SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6,
              random() AS r7, (SELECT count(*) FROM drill_place) AS places
       FROM generate_series(%(first)s::int, %(last)s::int) AS i
     ),
     picked AS (
       SELECT g.*, p.group_id, p.area, p.cell, p.lat, p.lon, p.authors,
              (ARRAY['food','food','food','housing','transport','childcare','health','supplies','skills','money',
                     'other'])[1 + floor(g.r1 * 11)::int] AS category,
              now() - make_interval(mins => floor(g.r2 * 60 * 24 * 365)::int) AS created
       FROM g JOIN drill_place p ON p.n = floor(g.r3 * g.places)::int
     )
INSERT INTO exchange_post (group_id, kind, author_id, contact_id, category, title, details, quantity, unit,
    urgency, window_start, window_end, recurring, languages, area, cell, lat, lon, max_km, address,
    private_note, visibility, status, created_at, updated_at, expires_at, reminded_at, closed_at, imported,
    import_key)
SELECT r.group_id,
       CASE WHEN r.i %% 2 = 0 THEN 'need' ELSE 'offer' END,
       a.user_id,
       NULL,
       r.category,
       initcap(w.words[1 + floor(r.r5 * w.n)::int]) || ' ' || f.words[1 + (r.i %% f.n)] || ' '
         || w.words[1 + floor(r.r6 * w.n)::int],
       CASE WHEN r.r7 < 0.15 THEN '' ELSE
         initcap(f.words[1 + (r.i * 7 %% f.n)]) || ' ' || w.words[1 + (r.i * 3 %% w.n)] || ' '
         || f.words[1 + (r.i * 11 %% f.n)] || ' ' || f.words[1 + (r.i * 13 %% f.n)] || ' '
         || w.words[1 + (r.i * 5 %% w.n)] || ', ' || f.words[1 + (r.i * 17 %% f.n)] || ' '
         || f.words[1 + (r.i * 19 %% f.n)] || ' ' || w.words[1 + floor(r.r2 * 997)::int %% w.n] || '.'
         || CASE WHEN r.r7 > 0.7 THEN ' ' || initcap(f.words[1 + (r.i * 23 %% f.n)]) || ' '
              || f.words[1 + (r.i * 29 %% f.n)] || ' ' || w.words[1 + (r.i * 31 %% w.n)] || ' '
              || f.words[1 + (r.i * 37 %% f.n)] || '.' ELSE '' END
       END,
       1 + floor(r.r5 * 5)::int,
       ({units})[1 + (r.i %% {unit_count})],
       (ARRAY['today', 'week', 'flexible', 'flexible'])[1 + floor(r.r6 * 4)::int],
       NULL, NULL, r.r7 < 0.05,
       ({languages})[1 + (r.i %% {language_count})]::jsonb,
       r.area, r.cell, r.lat, r.lon,
       CASE WHEN r.r4 < 0.3 THEN 2 + floor(r.r5 * 8) END,
       '', '',
       CASE WHEN r.r6 < 0.05 THEN 'coordinators' ELSE 'group' END,
       s.status,
       r.created, r.created + interval '1 hour',
       CASE WHEN s.status IN ('open', 'claimed', 'in_progress') THEN r.created + interval '30 days' END,
       NULL,
       CASE WHEN s.status IN ('fulfilled', 'withdrawn', 'expired') THEN r.created + interval '3 days' END,
       r.r3 < 0.1, ''
FROM picked r
LEFT JOIN drill_author a ON a.group_id = r.group_id AND a.n = floor(r.r4 * r.authors)::int
JOIN drill_words w ON w.category = r.category
CROSS JOIN (SELECT {filler} AS words, {filler_count} AS n) f
CROSS JOIN LATERAL (SELECT ({statuses})[1 + floor(r.r1 * 7919)::int %% {status_count}] AS status) s
"""


def generate_posts(database_url: str, world: dict[str, Any], posts: int) -> None:
    """`posts` needs and offers of the previous release's schema, written by PostgreSQL itself
    (INSERT ... SELECT over generate_series): spread over the demo groups' neighbourhoods and members,
    a year of dates, the board's categories with English and Spanish words, a mix of statuses. The
    post table's secondary indexes (the full-text GIN index among them) are dropped first and built
    again at the end: maintaining them row by row is what made the release's own generator slow."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "CREATE UNLOGGED TABLE drill_place (n int, group_id int, area text, cell text, lat float, lon float, "
            "authors int)"
        )
        conn.execute("CREATE UNLOGGED TABLE drill_author (group_id int, n int, user_id int)")
        conn.execute("CREATE UNLOGGED TABLE drill_words (category text, words text[], n int)")
        with conn.cursor() as cur:
            authors = world.pop("authors")
            counts = {group: sum(1 for g, _u in authors if g == group) for group, _u in authors}
            cur.executemany(
                "INSERT INTO drill_place VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(n, *place, counts.get(place[0], 0)) for n, place in enumerate(world.pop("places"))],
            )
            seen: dict[int, int] = {}
            rows = []
            for group, user in authors:
                rows.append((group, seen.setdefault(group, 0), user))
                seen[group] += 1
            cur.executemany("INSERT INTO drill_author VALUES (%s, %s, %s)", rows)
            cur.executemany(
                "INSERT INTO drill_words VALUES (%s, %s, %s)",
                [(category, words, len(words)) for category, words in NEED_WORDS.items()],
            )
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_index x ON x.indexrelid = "
            "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass "
            "WHERE i.tablename = 'exchange_post' AND NOT x.indisprimary AND NOT x.indisunique"
        ).fetchall()
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        sql = GENERATE
        for name, value in {
            "units": _pg_array(UNITS),
            "unit_count": len(UNITS),
            "languages": _pg_array(LANGUAGE_SETS),
            "language_count": len(LANGUAGE_SETS),
            "filler": _pg_array(FILLER),
            "filler_count": len(FILLER),
            "statuses": _pg_array(STATUSES),
            "status_count": len(STATUSES),
        }.items():
            sql = sql.replace("{" + name + "}", str(value))
        conn.execute("SELECT setseed(0.7)")
        step = 100_000
        for first in range(1, posts + 1, step):
            started = time.monotonic()
            conn.execute(sql, {"first": first, "last": min(posts, first + step - 1)})
            print(
                f"  posts {first:,}-{min(posts, first + step - 1):,}: {time.monotonic() - started:.1f} s",
                flush=True,
            )
        for name, definition in indexes:
            started = time.monotonic()
            conn.execute(definition)
            print(f"  index {name}: {time.monotonic() - started:.1f} s", flush=True)
        conn.execute("DROP TABLE drill_place, drill_author, drill_words")
        conn.execute("VACUUM ANALYZE exchange_post")


# Run by the new code once `migrate` is done: texts decrypt, every post has its tokens, search finds posts.
AFTER = """
import random
from django.db import connection
from mutualaid.exchange.models import Post, PostToken
from mutualaid.exchange.search import search
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM exchange_post WHERE title NOT LIKE 'v1:%' OR search_key = ''")
    clear = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM exchange_posttoken WHERE created_at IS NULL")
    undated = cursor.fetchone()[0]
top = Post.objects.order_by("-pk").values_list("pk", flat=True)[0]
sample = list(Post.objects.filter(pk__in=random.Random(5).sample(range(1, top + 1), 200)))
assert sample and all(p.title and not p.title.startswith("v1:") for p in sample), "a title does not decrypt"
found = 0
for post in sample[:20]:
    word = max(post.title.split(), key=len)
    found += search(Post.objects.filter(group_id=post.group_id), group_id=post.group_id,
                    query=word).filter(pk=post.pk).exists()
tokens = PostToken.objects.count()
print(f"after: {len(sample)} sampled titles decrypt; {found}/20 found by a word of their title; "
      f"{tokens:,} search tokens; {clear} posts unsealed or untokenised; {undated} tokens without a date")
"""


def fill(old: Path, pg: Path, work: Path, posts: int) -> dict[str, Any]:
    database_url = pgcluster.start(pg, "mutualaid")
    keys_dir = work / "keys"
    subprocess.run(
        [str(old / ".venv/bin/mutualaid"), "keys", "show"],
        env={**env_for(keys_dir, database_url, "", "x"), "MUTUALAID_KEYRING": ""},
        capture_output=True,
        check=False,
    )
    keyring = json.dumps(json.loads((keys_dir / "keys.json").read_text()))
    secret = "drill-secret-key-" + "x" * 40
    old_env = env_for(work / "data-old", database_url, keyring, secret)
    started = time.monotonic()
    sh(str(old / ".venv/bin/mutualaid"), "migrate", env=old_env)
    sh(str(old / ".venv/bin/mutualaid"), "demo", "--no-serve", env=old_env)
    # The demo network through the old release's own code; the places (H3 cells of the old release's
    # geo module) and the members who post, read from it for the generator.
    filled = sh(
        str(old / ".venv/bin/mutualaid"),
        "shell",
        "-c",
        """
import json, random
from mutualaid.core.geo import snap
from mutualaid.exchange.models import Post
from mutualaid.groups.models import Area, Group
from mutualaid.members.models import Membership, User
from mutualaid.members.services import access_token_create
rng = random.Random(3)
places = []
for group in Group.objects.exclude(centre_lat=None):
    names = list(Area.objects.filter(group=group).values_list("name", flat=True)) or [group.name]
    for n in range(120):
        cell, lat, lon = snap(group.centre_lat + rng.uniform(-0.04, 0.04), group.centre_lon + rng.uniform(-0.05, 0.05))
        places.append([group.pk, names[n % len(names)], cell, lat, lon])
authors = list(Membership.objects.values_list("group_id", "user_id"))
ada = User.objects.get(username="ada")
print(json.dumps(dict(token=access_token_create(user=ada, name="drill")[1],
                      post=Post.objects.filter(group__slug="crown-heights").order_by("-pk").values_list("pk", flat=True)[0],
                      places=places, authors=authors)))
""",
        env=old_env,
    )
    world = json.loads(filled.strip().splitlines()[-1])
    generate_posts(database_url, world, posts)
    import psycopg

    with psycopg.connect(database_url) as conn:
        world["posts"] = conn.execute("SELECT count(*) FROM exchange_post").fetchone()[0]  # type: ignore[index]
    world.update(keyring=keyring, secret=secret, fill_seconds=round(time.monotonic() - started))
    return world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="rev", default=PREVIOUS_RELEASE)
    parser.add_argument(
        "--to", dest="to", default="", help="upgrade to this revision instead of the checkout"
    )
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument(
        "--snapshot", type=Path, help="keep the filled cluster here and start later runs from it"
    )
    parser.add_argument("--fill-only", action="store_true", help="stop once the snapshot is made")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mutualaid-upgrade-"))
    pg = Path(tempfile.mkdtemp(prefix="mutualaid-upgrade-pg-"))
    server = None
    try:
        snap = args.snapshot
        if snap and (snap / "world.json").exists():
            old = snap / "previous"
            world = json.loads((snap / "world.json").read_text())
            shutil.rmtree(pg)
            subprocess.run(["cp", "-a", str(snap / "pg"), str(pg)], check=True)
            database_url = pg_start_existing(pg)
            print(f"previous release from the snapshot {snap}: {world['posts']:,} posts")
        else:
            old = export(args.rev, (snap or work) / "previous")
            world = fill(old, pg, work, args.posts)
            print(
                f"previous release installed and filled: {world['posts']:,} posts in {world['fill_seconds']} s"
            )
            if snap:
                pg_stop_keep(pg)
                subprocess.run(["cp", "-a", str(pg), str(snap / "pg")], check=True)
                (snap / "world.json").write_text(json.dumps(world))
                (pg / "port").unlink()
                if args.fill_only:
                    return
            database_url = pg_start_existing(pg)
        old_env = env_for(work / "data-old", database_url, world["keyring"], world["secret"])
        new_root = export(args.to, work / "next") if args.to else ROOT
        new_env = env_for(work / "data-new", database_url, world["keyring"], world["secret"])
        new = str(new_root / ".venv/bin/mutualaid")
        pending = sh(new, "showmigrations", "--plan", env=new_env)
        todo = [line[5:].strip() for line in pending.splitlines() if line.startswith("[ ]")]
        print(f"{len(todo)} migrations to apply")

        port = pgcluster._free_port()
        server = subprocess.Popen(
            [str(old / ".venv/bin/mutualaid"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=old_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(5)
        http: list[tuple[float, float, int]] = []
        probes: list[tuple[float, float, str]] = []
        locks: list[tuple[float, frozenset[str]]] = []
        waits: list[tuple[float, float]] = []
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=reader, args=(port, world["token"], world["post"], stop, http), daemon=True
            ),
            threading.Thread(target=prober, args=(database_url, world["post"], stop, probes), daemon=True),
            threading.Thread(target=lock_watch, args=(database_url, stop, locks, waits), daemon=True),
        ]
        for thread in threads:
            thread.start()
        time.sleep(5)
        before = [d for _s, d, status in http if status == 200]
        watch = threading.Thread(
            target=progress, args=(database_url, http, probes, locks, waits, stop), daemon=True
        )
        watch.start()
        timings = migrate_timed(new, new_env)
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join()

        def overlapping(log: list[Any], start: float, end: float) -> list[float]:
            return [d for s, d, _x in log if s <= end and s + d >= start]

        print(f"\nload average (1/5/15 min) {'/'.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        print(
            "| migration | seconds | longest HTTP read ms | longest DB probe ms | longest ACCESS EXCLUSIVE s "
            "| longest read waiting on a lock s |"
        )
        print("|---|---|---|---|---|---|")
        worst = 0.0
        for name, start, end in timings:
            read = max(overlapping(http, start, end), default=0.0)
            probe = max(overlapping(probes, start, end), default=0.0)
            hold, table = longest_hold(locks, start, end)
            waited = max((w for at, w in waits if start <= at <= end), default=0.0)
            worst = max(worst, hold, waited)
            if end - start >= 1 or max(read, probe, hold, waited) >= 0.5:
                print(
                    f"| {name} | {end - start:.1f} | {read * 1000:.0f} | {probe * 1000:.0f} | "
                    f"{hold:.2f}{f' ({table})' if table else ''} | {waited:.2f} |"
                )
        quick = [n for n, s, e in timings if e - s < 1]
        print(f"\n{len(quick)} further migrations took under a second each.")
        total = timings[-1][2] - timings[0][1] if timings else 0.0
        during = [(d, status) for s, d, status in http if timings and timings[0][1] <= s <= timings[-1][2]]
        failed = [status for _d, status in during if status != 200]
        if before:
            print(
                f"reads before the upgrade: {len(before)}, median {statistics.median(before) * 1000:.0f} ms"
            )
        print(
            f"reads during `migrate` ({total:.0f} s): {len(during)} HTTP (failed {len(failed)} "
            f"{sorted(set(failed))}), {len(overlapping(probes, timings[0][1], timings[-1][2])) if timings else 0} "
            "database probes"
        )
        for name, start, end in timings:
            if name == "exchange.0006_sealed_post_texts_keyed_search":
                rate = world["posts"] / max(end - start, 0.001)
                print(
                    f"exchange 0006 sealed and tokenised {world['posts']:,} posts at {rate:,.0f} posts/s "
                    f"(1,000,000 posts: about {1_000_000 / rate / 60:.0f} min at this load)"
                )
        print(
            "ok: no read waited on a lock, nor an existing table stayed locked, for more than a second"
            if worst <= 1.0
            else "FAIL: a read waited on a lock (or a table stayed locked) over 1 s"
        )
        print(sh(new, "shell", "-c", AFTER, env=new_env).strip())
    finally:
        if server is not None:
            os.killpg(server.pid, 9)
        pgcluster.stop(pg)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
