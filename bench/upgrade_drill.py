"""Upgrade drill: an install of the previous release, filled with volume, upgraded to this checkout.

    .venv/bin/python bench/upgrade_drill.py [--from REV] [--posts 1000000]

1. Checks out the previous release (`--from`, default the tag `v0.1.0`, else the commit it names) into a
   scratch directory and installs it from its own uv.lock.
2. On a throwaway PostgreSQL, migrates with the OLD code, loads the demo network and `--posts` generated
   needs and offers (the board benchmark's generator of that release).
3. Starts an OLD app server and reads from it continuously (board API page, post page, healthz) while the
   NEW code runs `mutualaid migrate` - the README's order (migrate once, then restart app servers).
4. Prints how long each new migration took, the longest read during the migration, and how many reads
   failed: a migration that blocks reads for more than a second (an ACCESS EXCLUSIVE lock held across a
   table rewrite) shows here.
"""

from __future__ import annotations

import argparse
import json
import os
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

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS_RELEASE = "v0.1.0"
PREVIOUS_RELEASE_COMMIT = "d8fa971"  # the tagged release, for clones that did not fetch tags


def sh(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:3])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def checkout_previous(rev: str, where: Path) -> Path:
    try:
        sh("git", "rev-parse", "--verify", f"{rev}^{{commit}}", cwd=ROOT)
    except SystemExit:
        rev = PREVIOUS_RELEASE_COMMIT
    sh("git", "worktree", "add", "--detach", str(where), rev, cwd=ROOT)
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
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as answer:
                status = answer.status
                answer.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        log.append((started, time.monotonic() - started, status))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="rev", default=PREVIOUS_RELEASE)
    parser.add_argument("--posts", type=int, default=1_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mutualaid-upgrade-"))
    pg = Path(tempfile.mkdtemp(prefix="mutualaid-upgrade-pg-"))
    old = work / "previous"
    server = None
    try:
        checkout_previous(args.rev, old)
        database_url = sh(
            sys.executable, str(ROOT / "scripts" / "pgcluster.py"), "start", str(pg), "mutualaid"
        ).strip()
        keys_dir = work / "keys"
        subprocess.run(
            [str(old / ".venv/bin/mutualaid"), "keys", "show"],
            env={**env_for(keys_dir, database_url, "", "x"), "MUTUALAID_KEYRING": ""},
            capture_output=True,
            check=False,
        )
        keyring = json.dumps(json.loads((keys_dir / "keys.json").read_text()))
        old_env = env_for(work / "data-old", database_url, keyring, "drill-secret-key-" + "x" * 40)
        new_env = env_for(work / "data-new", database_url, keyring, old_env["SECRET_KEY"])
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
seed(Group.objects.get(slug="crown-heights"), ada, {args.posts // 2})
print(json.dumps(dict(token=access_token_create(user=ada, name="drill")[1],
                      post=Post.objects.filter(group__slug="crown-heights").order_by("-pk").values_list("pk", flat=True)[0],
                      posts=Post.objects.count())))
""",
            env=old_env,
        )
        world = json.loads(filled.strip().splitlines()[-1])
        print(
            f"previous release installed and filled: {world['posts']:,} posts in {time.monotonic() - started:.0f} s"
        )
        pending = sh(str(ROOT / ".venv/bin/mutualaid"), "showmigrations", "--plan", env=new_env)
        todo = [line[5:].strip() for line in pending.splitlines() if line.startswith("[ ]")]
        print(f"{len(todo)} migrations to apply: {', '.join(todo) or 'none'}")

        port = 18000 + os.getpid() % 1000
        server = subprocess.Popen(
            [str(old / ".venv/bin/mutualaid"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=old_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(3)
        log: list[tuple[float, float, int]] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=reader, args=(port, world["token"], world["post"], stop, log))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        time.sleep(5)
        before = [d for _s, d, status in log if status == 200]
        migrate_start = time.monotonic()
        timings = []
        for name in todo:
            app, migration = name.split(".", 1)
            one = time.monotonic()
            sh(str(ROOT / ".venv/bin/mutualaid"), "migrate", app, migration, env=new_env)
            timings.append((name, time.monotonic() - one))
        migrate_end = time.monotonic()
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join()
        during = [(d, status) for s, d, status in log if migrate_start <= s <= migrate_end]
        failed = [status for _d, status in during if status != 200]
        print("\n| migration | seconds |\n|---|---|")
        for name, seconds in timings:
            print(f"| {name} | {seconds:.1f} |")
        print(
            f"\nreads before the upgrade: {len(before)}, median {statistics.median(before) * 1000:.0f} ms"
            if before
            else ""
        )
        if during:
            print(
                f"reads during `migrate` ({migrate_end - migrate_start:.1f} s): {len(during)}, "
                f"longest {max(d for d, _ in during) * 1000:.0f} ms, failed {len(failed)} {sorted(set(failed))}"
            )
        longest = max((d for d, _ in during), default=0.0)
        print(
            "ok: no read blocked for more than a second" if longest <= 1.0 else "FAIL: a read waited over 1 s"
        )
    finally:
        if server is not None:
            os.killpg(server.pid, 9)
        subprocess.run([sys.executable, str(ROOT / "scripts" / "pgcluster.py"), "stop", str(pg)], check=False)
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False, capture_output=True
        )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
