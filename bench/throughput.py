"""Throughput under concurrency: the project's pages side by side with a bare Django ceiling, one run.

    .venv/bin/python bench/throughput.py                     # 100,000 needs + 100,000 offers, wrk 8 s each
    .venv/bin/python bench/throughput.py --data-dir /tmp/tp  # keep the seeded data for the next run
    .venv/bin/python bench/throughput.py --duration 3 --only board,healthz

Both servers run the same way: gunicorn, 2 sync workers, on loopback, one after the other (never at the
same time). Each page gets ``wrk -t2 -c16 -d8s --latency`` after a short warm-up. The ceiling is a bare
Django project (``bench/bare``: startproject's middleware, DEBUG off) with an "ok" view and a list of the
20 newest of 100,000 rows from SQLite through one template. Every project page is compared with its
ceiling: ``/healthz`` with "ok", every other page with the bare list. The load average is printed next
to the figures, since the machine may be shared. ``wrk`` comes from Debian (installed if missing).

``--before TREE`` also serves the pages from another checkout of the project (e.g. ``git archive <commit>``
unpacked in a folder) on the same data, and measures each page on both servers back to back: "before" and
"after" from one run, under the same load.

``--profile PAGE`` runs the project server under cProfile (one worker) for that page and prints the
heaviest functions instead of the table.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GUNICORN = [sys.executable, "-m", "gunicorn"]
SLUG = "bench"


@dataclass
class Page:
    name: str
    path: str
    ceiling: str  # "ok" or "list"
    goal: float
    headers: dict[str, str]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    return shutil.which("wrk") or "/usr/bin/wrk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def project_env(data_dir: Path, root: Path = ROOT) -> dict[str, str]:
    return {
        **os.environ,
        "MUTUALAID_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "mutualaid.config.settings",
        "PYTHONPATH": str(root / "src"),
    }


def bare_env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BARE_DB": str(data_dir / "bare.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "bare.settings",
        "PYTHONPATH": str(HERE),
    }


SETUP_PROJECT = """
import os, sys, time
sys.path.insert(0, {bench!r})
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from mutualaid.exchange.models import Post
from mutualaid.groups.models import Group
from mutualaid.groups.services import area_add
from mutualaid.members.models import Membership, User
from mutualaid.members.services import access_token_create, user_create
from exchange_board import seed

call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
group = Group.objects.filter(slug={slug!r}).first()
if group is None:
    group = Group.objects.create(name="Bench", slug={slug!r}, centre_lat=40.6694, centre_lon=-73.9422, listed=True)
    area_add(group=group, name="Wingate", lat=40.660, lon=-73.943, postal_code="11225")
author = User.objects.filter(username="benchauthor").first()
if author is None:
    author = user_create(username="benchauthor", password="bench-password-42", display_name="Author")
    Membership.objects.create(user=author, group=group, role="member")
reader = User.objects.filter(username="benchreader").first()
if reader is None:
    reader = user_create(username="benchreader", password="bench-password-42", display_name="Reader")
    Membership.objects.create(user=reader, group=group, role="member")
count = Post.objects.filter(group=group).count()
if count < {posts} * 2:
    seed(group, author, {posts} - count // 2)
client = Client()
client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
_record, token = access_token_create(user=reader, name="bench " + str(time.time()))
post = Post.objects.filter(group=group).order_by("-created_at").first()
print("SESSION", client.cookies["sessionid"].value)
print("TOKEN", token)
print("POST", post.pk)
"""

SETUP_BARE = """
import random
from datetime import UTC, datetime, timedelta
import django
django.setup()
from django.core.management import call_command
from bare.models import Row
call_command("migrate", run_syncdb=True, verbosity=0)
if Row.objects.count() < {rows}:
    rng = random.Random(7)
    words = {words!r}
    now = datetime(2026, 12, 1, tzinfo=UTC)
    batch = []
    for i in range({rows} - Row.objects.count()):
        picked = rng.sample(words, 6)
        batch.append(Row(title=" ".join(picked[:3]), body=" ".join(picked),
                         created_at=now - timedelta(minutes=rng.randint(0, 86400))))
        if len(batch) == 5000:
            Row.objects.bulk_create(batch)
            batch = []
    Row.objects.bulk_create(batch)
"""


def setup(data_dir: Path, posts: int) -> tuple[str, str, int]:
    sys.path.insert(0, str(HERE))
    from exchange_board import WORDS

    subprocess.run(
        [sys.executable, "-c", SETUP_BARE.format(rows=posts, words=WORDS)],
        check=True,
        env=bare_env(data_dir),
        cwd=HERE,
    )
    out = subprocess.run(
        [sys.executable, "-c", SETUP_PROJECT.format(bench=str(HERE), slug=SLUG, posts=posts)],
        check=True,
        env=project_env(data_dir),
        capture_output=True,
        text=True,
    ).stdout
    values = dict(line.split(" ", 1) for line in out.splitlines() if line[:1].isupper() and " " in line)
    return values["SESSION"], values["TOKEN"], int(values["POST"])


class Server:
    def __init__(
        self, app: str, env: dict[str, str], cwd: Path, *, workers: int = 2, wrap: list[str] | None = None
    ):
        self.port = free_port()
        command = [*GUNICORN, app, "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{self.port}"]
        command += ["--log-level", "warning", "--backlog", "256"]
        if wrap:
            command = [*wrap, *command[1:]]
        self.process = subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def check(server: Server, page: Page, times: int = 20) -> None:
    """The page answers 200; repeated so both workers have compiled templates and filled their caches
    before anything is measured (a timed warm-up does too little on a loaded machine)."""
    for _ in range(times):
        request = urllib.request.Request(server.url(page.path), headers=page.headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.status != 200:
                raise RuntimeError(f"{page.name}: status {response.status}")
            response.read()


@dataclass
class Result:
    rate: float  # requests per second
    p50: float  # ms
    cpu_ms: float  # CPU time of the server's workers per request (user + system)
    errors: int  # non-2xx answers, socket errors and timeouts


def worker_cpu_seconds(server: Server) -> float:
    """CPU time used so far by the server's worker processes (from /proc)."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick


def run_wrk(wrk: str, server: Server, page: Page, duration: int) -> Result:
    check(server, page)
    headers = [arg for name, value in page.headers.items() for arg in ("-H", f"{name}: {value}")]
    base = [wrk, "-t2", "-c16", "--latency", "--timeout", "30s", *headers]
    subprocess.run([*base, "-d1s", server.url(page.path)], check=True, capture_output=True)  # warm-up
    cpu_before = worker_cpu_seconds(server)
    out = subprocess.run(
        [*base, f"-d{duration}s", server.url(page.path)], check=True, capture_output=True, text=True
    ).stdout
    cpu = worker_cpu_seconds(server) - cpu_before
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    p50_text = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    assert p50_text is not None, out
    p50 = float(p50_text.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50_text.group(2)]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(rate, p50, 1000.0 * cpu / max(done, 1), errors)


def project_pages(session: str, token: str, post: int) -> list[Page]:
    member = {"Cookie": f"sessionid={session}"}
    return [
        Page("healthz", "/healthz", "ok", 0.80, {}),
        Page("board", f"/g/{SLUG}/board/", "list", 0.50, member),
        Page("board search", f"/g/{SLUG}/board/?q=stroller", "list", 0.50, member),
        Page("post page", f"/g/{SLUG}/board/{post}/", "list", 0.70, member),
        Page("directory", "/directory/?q=11225", "list", 0.70, {}),
        Page(
            "API post list",
            f"/api/v1/groups/{SLUG}/posts",
            "list",
            0.50,
            {"Authorization": f"Bearer {token}"},
        ),
    ]


def profile(data_dir: Path, page: Page, duration: int, wrk: str) -> None:
    """One worker under cProfile (gunicorn's post-fork hook would be neater; a wrapper keeps it simple)."""
    stats = data_dir / "profile.out"
    wrapper = data_dir / "profiled_wsgi.py"
    wrapper.write_text(
        "import atexit, cProfile, signal, sys\n"
        "from mutualaid.config.wsgi import application as inner\n"
        "profiler = cProfile.Profile()\n"
        "def application(environ, start_response):\n"
        "    profiler.enable()\n"
        "    try:\n"
        "        return inner(environ, start_response)\n"
        "    finally:\n"
        "        profiler.disable()\n"
        f"def dump(*_):\n    profiler.dump_stats({str(stats)!r})\n"
        "atexit.register(dump)\n"
    )
    env = project_env(data_dir)
    env["PYTHONPATH"] = f"{data_dir}:{env['PYTHONPATH']}"
    server = Server("profiled_wsgi:application", env, ROOT, workers=1)
    try:
        result = run_wrk(wrk, server, page, duration)
    finally:
        server.stop()
    print(f"{page.name}: {result.rate:.0f} req/s under cProfile (1 worker), p50 {result.p50:.1f} ms")
    import pstats

    pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(45)
    pstats.Stats(str(stats)).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--posts", type=int, default=100_000, help="needs (and as many offers); bare rows too"
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds of wrk per page")
    parser.add_argument("--data-dir", help="where the databases live (kept; reused when run again)")
    parser.add_argument("--only", default="", help="comma-separated page names to measure")
    parser.add_argument("--profile", default="", help="profile this page instead of measuring all")
    parser.add_argument(
        "--before", default="", help="another checkout: each page measured on both, back to back"
    )
    args = parser.parse_args()
    wrk = ensure_wrk()
    data_dir = (
        Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="mutualaid-throughput-"))
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    session, token, post = setup(data_dir, args.posts)
    pages = project_pages(session, token, post)
    if args.profile:
        profile(data_dir, next(p for p in pages if p.name == args.profile), args.duration, wrk)
        return
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p.name in wanted]

    load_before = os.getloadavg()
    # Both servers are up for the whole run (an idle server costs nothing); the ceilings are measured
    # before and after the project's pages and averaged, so a change in the machine's load during the
    # run weighs on both sides alike.
    bare = Server("bare.wsgi:application", bare_env(data_dir), HERE)
    project = Server("mutualaid.config.wsgi:application", project_env(data_dir), ROOT)
    before_root = Path(args.before).resolve() if args.before else None
    before = (
        Server("mutualaid.config.wsgi:application", project_env(data_dir, before_root), before_root)
        if before_root
        else None
    )
    ceiling_pages = [Page("ok", "/ok", "ok", 1.0, {}), Page("list", "/rows/", "list", 1.0, {})]
    runs: dict[str, list[Result]] = {"ok": [], "list": []}
    results: list[tuple[Page, Result]] = []
    earlier: list[tuple[Page, Result]] = []
    try:
        for page in ceiling_pages:
            runs[page.name].append(run_wrk(wrk, bare, page, args.duration))
        for page in pages:
            if before is not None:
                earlier.append((page, run_wrk(wrk, before, page, args.duration)))
            results.append((page, run_wrk(wrk, project, page, args.duration)))
        for page in reversed(ceiling_pages):
            runs[page.name].append(run_wrk(wrk, bare, page, args.duration))
    finally:
        bare.stop()
        project.stop()
        if before is not None:
            before.stop()
    ceilings = {
        name: Result(
            sum(r.rate for r in measured) / len(measured),
            sum(r.p50 for r in measured) / len(measured),
            sum(r.cpu_ms for r in measured) / len(measured),
            sum(r.errors for r in measured),
        )
        for name, measured in runs.items()
    }
    load_after = os.getloadavg()

    print(
        f"\ngunicorn 2 sync workers, wrk -t2 -c16 -d{args.duration}s, {args.posts:,} needs + {args.posts:,} "
        f"offers; {os.cpu_count()} CPUs, load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print(
        "ratio = req/s over the ceiling's req/s; CPU ratio = the ceiling's worker CPU per request over the "
        "page's (less sensitive to other load on the machine)"
    )
    print("| page | req/s | p50 | worker CPU per request | ratio | CPU ratio | goal |")
    print("|---|---|---|---|---|---|---|")
    for name, label in (("ok", "bare Django: ok"), ("list", "bare Django: list of 20")):
        c = ceilings[name]
        print(f"| {label} | {c.rate:,.0f} | {c.p50:.1f} ms | {c.cpu_ms:.2f} ms | | | |")
    for label, measured in (("before: ", earlier), ("", results)):
        for page, r in measured:
            c = ceilings[page.ceiling]
            ratio, cpu_ratio = r.rate / c.rate, c.cpu_ms / max(r.cpu_ms, 1e-9)
            flag = f" ({r.errors} errors)" if r.errors else ""
            print(
                f"| {label}{page.name} | {r.rate:,.0f} | {r.p50:.1f} ms | {r.cpu_ms:.2f} ms | {ratio:.0%} "
                f"| {cpu_ratio:.0%} | {page.goal:.0%}{flag} |"
            )


if __name__ == "__main__":
    main()
