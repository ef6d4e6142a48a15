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
        ("newest posts", "SELECT id FROM exchange_post ORDER BY created_at DESC LIMIT 20", list),
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


def lock_watch(database_url: str, stop: threading.Event, log: list[tuple[float, frozenset[str]]]) -> None:
    """Every 50 ms: which tables and indexes that existed before the upgrade are under ACCESS EXCLUSIVE."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        before = {row[0] for row in conn.execute("SELECT oid FROM pg_class WHERE relkind IN ('r', 'i')")}
        while not stop.is_set():
            held = conn.execute(
                "SELECT l.relation::int, c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.mode = 'AccessExclusiveLock' AND l.granted AND c.relkind IN ('r', 'i')"
            ).fetchall()
            log.append((time.monotonic(), frozenset(name for oid, name in held if oid in before)))
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
    filled = sh(
        str(old / ".venv/bin/mutualaid"),
        "shell",
        "-c",
        f"""
import json, sys
sys.path.insert(0, {str(old / "bench")!r})
from exchange_board import seed
from mutualaid.exchange.models import Post
from mutualaid.groups.models import Group
from mutualaid.members.models import User
from mutualaid.members.services import access_token_create
ada = User.objects.get(username="ada")
seed(Group.objects.get(slug="crown-heights"), ada, {posts // 2})
print(json.dumps(dict(token=access_token_create(user=ada, name="drill")[1],
                      post=Post.objects.filter(group__slug="crown-heights").order_by("-pk").values_list("pk", flat=True)[0],
                      posts=Post.objects.count())))
""",
        env=old_env,
    )
    world = json.loads(filled.strip().splitlines()[-1])
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
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=reader, args=(port, world["token"], world["post"], stop, http), daemon=True
            ),
            threading.Thread(target=prober, args=(database_url, world["post"], stop, probes), daemon=True),
            threading.Thread(target=lock_watch, args=(database_url, stop, locks), daemon=True),
        ]
        for thread in threads:
            thread.start()
        time.sleep(5)
        before = [d for _s, d, status in http if status == 200]
        timings = migrate_timed(new, new_env)
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join()

        def overlapping(log: list[Any], start: float, end: float) -> list[float]:
            return [d for s, d, _x in log if s <= end and s + d >= start]

        print(f"\nload average (1/5/15 min) {'/'.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        print(
            "| migration | seconds | longest HTTP read ms | longest DB probe ms | longest ACCESS EXCLUSIVE s |"
        )
        print("|---|---|---|---|---|")
        worst = 0.0
        for name, start, end in timings:
            read = max(overlapping(http, start, end), default=0.0)
            probe = max(overlapping(probes, start, end), default=0.0)
            hold, table = longest_hold(locks, start, end)
            worst = max(worst, read, probe, hold)
            if end - start >= 1 or max(read, probe, hold) >= 0.5:
                print(
                    f"| {name} | {end - start:.1f} | {read * 1000:.0f} | {probe * 1000:.0f} | "
                    f"{hold:.2f}{f' ({table})' if table else ''} |"
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
        print(
            "ok: no read blocked for more than a second" if worst <= 1.0 else "FAIL: a read waited over 1 s"
        )
    finally:
        if server is not None:
            os.killpg(server.pid, 9)
        pgcluster.stop(pg)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
