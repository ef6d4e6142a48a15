"""The README's production topology on this machine, under mixed load, with faults injected.

    .venv/bin/python bench/cluster.py [--duration 120] [--users 24] [--posts 20000] [--no-faults]
    .venv/bin/python bench/cluster.py --duration 3600 --no-faults --users 11 --pace 4 --sample-every 300  # soak

Starts on loopback: a throwaway PostgreSQL (scripts/pgcluster.py), two `mutualaid serve` app servers and
two `mutualaid worker`s sharing one SECRET_KEY and one key ring, behind nginx (Debian's package,
installed when missing) balancing over the app servers with `MUTUALAID_BEHIND_PROXY`, and a stand-in SMS
gateway that counts what it is asked to send. Loads the demo network plus generated volume, then runs
locust headless for a fixed duration: members browsing, searching, posting, claiming and messaging,
coordinators recording contributions and running matching rounds, anonymous directory searches, SMS
webhooks. During the load (unless --no-faults): `kill -9` of one app server (restarted 5 s later),
`kill -9` of one worker (restarted), and a crash restart of PostgreSQL (`pg_ctl -m immediate`).

Afterwards it checks (THREATS.md property 18 at the system level): every write the load tool saw
acknowledged is in the database; every fund's ledger balances; no job is lost or stuck; no message went
out twice to the gateway. It prints req/s and p50/p95/p99 per action, errors by kind, the worker queue's
latency, and the faults' timeline (each failed request is placed inside or outside a fault window), and
stops everything it started.

The soak (a long run with --pace, a moderate bounded rate) samples every --sample-every seconds the memory
of each process group and the rows of the tables that are purged or expire, prints them over time with the
least-squares slope of memory after the first tenth of the run (warm-up), then runs `mutualaid purge` and
shows what is left of those tables.
"""

from __future__ import annotations

import argparse
import csv
import http.server
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PASSWORD = "solidarity-forever-2026"  # the demo network's published password (mutualaid.demo)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("nginx is not installed; install Debian's nginx package.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)
    return "/usr/sbin/nginx"


class GatewayStandIn(http.server.ThreadingHTTPServer):
    """Counts each outbound SMS id the workers POST; a repeated id would be a text sent twice."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ident = json.loads(body or b"{}").get("id", "")
                with outer.lock:
                    outer.ids[ident] += 1
                answer = json.dumps({"id": ident}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log crit;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fcgi; uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    # No upstream keepalive: gunicorn closes idle connections after 2 s, and a request nginx sends on
    # one it just closed fails with 502 (and a POST is not retried). Loopback connections are cheap.
    upstream mutualaid {{ {servers} }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 6m;
        location / {{
            proxy_pass http://mutualaid;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto http;
            # A dead app server: try the other one (GETs; a POST is retried only if it never reached one).
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""


class Cluster:
    def __init__(self, work: Path, posts: int) -> None:
        self.work = work
        self.posts = posts
        # Apart from the work directory (mode 700, root's): initdb runs as the postgres user.
        self.pg_dir = Path(tempfile.mkdtemp(prefix="mutualaid-cluster-pg-"))
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.events: list[tuple[float, str]] = []
        self.windows: list[tuple[float, float]] = []  # wall-clock fault windows (start, end)
        self.memory: list[tuple[float, dict[str, float]]] = []
        self.rows: list[tuple[float, dict[str, int]]] = []
        self.t0 = time.monotonic()
        self.gateway = GatewayStandIn()
        threading.Thread(target=self.gateway.serve_forever, daemon=True).start()
        self.app_ports = [free_port(), free_port()]
        self.proxy_port = free_port()
        self.sms_secret = secrets.token_urlsafe(24)

    def note(self, what: str) -> None:
        self.events.append((time.monotonic() - self.t0, what))
        print(f"[{time.monotonic() - self.t0:6.1f}s] {what}", flush=True)

    # Processes --------------------------------------------------------------------------------

    def env(self, name: str) -> dict[str, str]:
        data = self.work / f"data-{name}"
        data.mkdir(exist_ok=True, mode=0o700)
        base = {
            k: v for k, v in os.environ.items() if not k.startswith(("MUTUALAID_", "DJANGO_", "DATABASE_URL"))
        }
        return {
            **base,
            "DATABASE_URL": self.database_url,
            "MUTUALAID_DATA_DIR": str(data),
            "SECRET_KEY": self.secret_key,
            "MUTUALAID_KEYRING": self.keyring,
            "MUTUALAID_BEHIND_PROXY": "true",
            "MUTUALAID_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MUTUALAID_CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{self.proxy_port}",
            "MUTUALAID_PUBLIC_URL": f"http://127.0.0.1:{self.proxy_port}",
            "MUTUALAID_REQUIRE_COORDINATOR_MFA": "false",
            "MUTUALAID_LOG_LEVEL": "WARNING",
            "MUTUALAID_SENDING_TIMEOUT_SECONDS": "60",
        }

    def run(self, *args: str, name: str = "admin") -> str:
        done = subprocess.run(
            [str(VENV / "mutualaid"), *args], env=self.env(name), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            sys.exit(f"mutualaid {' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def spawn(self, name: str, *args: str) -> None:
        log = open(self.work / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        self.procs[name] = subprocess.Popen(
            [str(VENV / "mutualaid"), *args],
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 reaches gunicorn's workers too
        )

    def start_app(self, index: int) -> None:
        self.spawn(f"app{index}", "serve", "--bind", f"127.0.0.1:{self.app_ports[index]}", "--workers", "2")

    def start_worker(self, index: int) -> None:
        self.spawn(f"worker{index}", "worker", "--worker-id", f"bench-worker-{index}-{time.time():.0f}")

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of each started process group (gunicorn master + workers, worker + threads)."""
        groups = {proc.pid: name for name, proc in self.procs.items() if proc.poll() is None}
        totals: dict[str, float] = dict.fromkeys(groups.values(), 0.0)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                pgid, rss_pages = int(fields[2]), int(fields[21])
            except (OSError, IndexError, ValueError):
                continue
            if pgid in groups:
                totals[groups[pgid]] += rss_pages * os.sysconf("SC_PAGE_SIZE") / 2**20
        return totals

    def sample(self, stop: threading.Event, every: float, load_start: float, rows: bool) -> None:
        while not stop.wait(every):
            at = time.monotonic() - load_start
            self.memory.append((at, self.rss_mb()))
            if rows:
                try:
                    self.rows.append((at, self.table_rows()))
                except SystemExit as failed:  # the database restarting: skip this sample
                    print(f"row sample skipped: {str(failed)[:80]}", flush=True)
            line = "  ".join(f"{name} {mb:.0f}" for name, mb in sorted(self.memory[-1][1].items()))
            extra = f" | rows {self.rows[-1][1]}" if rows and self.rows and self.rows[-1][0] == at else ""
            print(f"[sample {at / 60:5.1f} min, load {os.getloadavg()[0]:.1f}] MB: {line}{extra}", flush=True)

    def kill9(self, name: str) -> None:
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def wait_http(self, port: int, path: str = "/healthz", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        sys.exit(f"nothing answered on port {port} within {timeout:.0f} s")

    # Set-up -----------------------------------------------------------------------------------

    def start(self) -> None:
        self.database_url = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "pgcluster.py"), "start", str(self.pg_dir), "mutualaid"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        self.note("PostgreSQL started")
        self.secret_key = secrets.token_urlsafe(50)
        self.keyring = ""
        # One key ring for every host: made once in a scratch data dir, then given to all as MUTUALAID_KEYRING.
        seed_env = {**self.env("keys"), "MUTUALAID_KEYRING": ""}
        seed_env.pop("MUTUALAID_KEYRING")
        # The key ring file is created on first use (the command itself may then fail on an empty database).
        subprocess.run(
            [str(VENV / "mutualaid"), "keys", "show"], env=seed_env, check=False, capture_output=True
        )
        self.keyring = json.dumps(json.loads((self.work / "data-keys" / "keys.json").read_text()))
        self.run("migrate")
        self.run("demo", "--no-serve")
        world = self.run("shell", "-c", self.setup_code())
        self.world = json.loads(world.strip().splitlines()[-1])
        self.world_file = self.work / "world.json"
        self.world_file.write_text(json.dumps(self.world))
        self.note(f"demo network and {self.posts:,} generated posts loaded")
        for index in (0, 1):
            self.start_app(index)
            self.start_worker(index)
        for port in self.app_ports:
            self.wait_http(port)
        conf = self.work / "nginx"
        conf.mkdir(exist_ok=True)
        servers = " ".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in self.app_ports)
        (conf / "nginx.conf").write_text(NGINX_CONF.format(dir=conf, servers=servers, port=self.proxy_port))
        nginx = ensure_nginx()
        subprocess.run([nginx, "-t", "-q", "-c", str(conf / "nginx.conf"), "-p", str(conf)], check=True)
        self.procs["nginx"] = subprocess.Popen(
            [nginx, "-c", str(conf / "nginx.conf"), "-p", str(conf), "-g", "daemon off;"],
            start_new_session=True,
        )
        self.wait_http(self.proxy_port)
        self.note("2 app servers, 2 workers and nginx are up")

    def setup_code(self) -> str:
        gateway_url = f"http://127.0.0.1:{self.gateway.server_address[1]}/send"
        return f"""
import json, sys
sys.path.insert(0, {str(ROOT / "bench")!r})
from exchange_board import seed
from mutualaid.channels.models import Gateway
from mutualaid.exchange.models import Post
from mutualaid.funds.models import Fund
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, User
from mutualaid.members.services import access_token_create
group = Group.objects.get(slug="crown-heights")
Gateway.objects.update_or_create(group=group, kind="generic", defaults=dict(
    secret={self.sms_secret!r}, api_url={gateway_url!r}, enabled=True, rate_per_minute=600))
seed(group, User.objects.get(username="ada"), {self.posts // 2})
members = [(m.user.username, access_token_create(user=m.user, name="load")[1])
           for m in Membership.objects.filter(group=group, role="member").select_related("user")]
fund = Fund.objects.filter(group=group).order_by("pk").first()
print(json.dumps(dict(
    slug=group.slug, password={PASSWORD!r}, members=members,
    coordinator_token=access_token_create(user=User.objects.get(username="ada"), name="load")[1],
    fund=fund.pk, currency=fund.currency, sms_secret={self.sms_secret!r},
    postal_codes=list(group.postal_codes) + ["11221", "90210", "10001"],
    posts=list(Post.objects.filter(group=group).order_by("-pk").values_list("pk", flat=True)[:500]),
)))
"""

    # Load and faults --------------------------------------------------------------------------

    def load(self, duration: int, users: int, faults: bool, pace: float, every: float) -> Path:
        out = self.work / "locust"
        acks = self.work / "acks.txt"
        self.failures_file = self.work / "failures.tsv"
        env = {
            **os.environ,
            "CLUSTER_WORLD": str(self.world_file),
            "CLUSTER_ACKS": str(acks),
            "CLUSTER_FAILURES": str(self.failures_file),
            "CLUSTER_PACE": str(pace),
        }
        self.note(
            f"load: {users} users (pace x{pace:g}) for {duration} s" + (" with faults" if faults else "")
        )
        locust = subprocess.Popen(
            [
                str(VENV / "locust"),
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(max(users // 4, 1)),
                "-t",
                f"{duration}s",
                "--host",
                f"http://127.0.0.1:{self.proxy_port}",
                "--csv",
                str(out),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.work / "locust.log", "wb"),  # noqa: SIM115
        )
        stop_sampling = threading.Event()
        threading.Thread(
            target=self.sample, args=(stop_sampling, every, time.monotonic(), every >= 60), daemon=True
        ).start()
        if faults:
            self.faults(duration)
        locust.wait()
        stop_sampling.set()
        self.note("load finished")
        return acks

    def faults(self, duration: int) -> None:
        start = time.monotonic()

        def at(fraction: float) -> None:
            time.sleep(max(0.0, start + duration * fraction - time.monotonic()))

        grace = 5.0  # requests already in flight when a fault ends
        at(0.25)
        began = time.time()
        self.kill9("app0")
        self.note("kill -9 app server 0")
        time.sleep(5)
        self.start_app(0)
        self.wait_http(self.app_ports[0])
        self.note("app server 0 restarted")
        self.windows.append((began, time.time() + grace))
        at(0.45)
        began = time.time()
        self.kill9("worker0")
        self.note("kill -9 worker 0")
        time.sleep(3)
        self.start_worker(0)
        self.note("worker 0 restarted")
        self.windows.append((began, time.time() + grace))
        at(0.65)
        began = time.time()
        self.note("PostgreSQL crash restart (pg_ctl -m immediate)")
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "pgcluster.py"),
                "restart",
                str(self.pg_dir),
                "immediate",
            ],
            check=True,
        )
        self.note("PostgreSQL is back")
        self.windows.append((began, time.time() + grace))

    def failures_by_window(self) -> tuple[Counter[str], Counter[str]]:
        """Failed requests inside a fault window and outside any, by action and error."""
        inside: Counter[str] = Counter()
        outside: Counter[str] = Counter()
        path = getattr(self, "failures_file", None)
        for line in path.read_text().splitlines() if path and path.exists() else []:
            when, action, error = line.split("\t", 2)
            bucket = inside if any(a <= float(when) <= b for a, b in self.windows) else outside
            bucket[f"{action}: {error[:80]}"] += 1
        return inside, outside

    # Checks -----------------------------------------------------------------------------------

    def table_rows(self) -> dict[str, int]:
        """Rows of the tables that grow with traffic and are meant to be purged or to expire."""
        code = """
import json
from django.db import connection
tables = ["django_session", "mutualaid_cache", "core_ratecounter", "django_tasks_database_dbtaskresult",
          "channels_outboundmessage", "channels_inboundmessage"]
known = set(connection.introspection.table_names())
counts = {}
with connection.cursor() as cursor:
    for table in tables:
        if table in known:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
print(json.dumps(counts))
"""
        return json.loads(self.run("shell", "-c", code).strip().splitlines()[-1])

    def drain(self, timeout: float = 180) -> None:
        """Wait until the workers have run every job that is due."""
        code = """
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.filter(status__in=["READY", "RUNNING"], run_after__lte=timezone.now()).count())
"""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            left = int(self.run("shell", "-c", code).strip().splitlines()[-1])
            if left == 0:
                self.note("the queue is drained")
                return
            time.sleep(3)
        self.note("the queue did not drain in time")

    def check(self, acks: Path) -> dict[str, Any]:
        acknowledged: dict[str, list[str]] = {}
        for line in acks.read_text().splitlines() if acks.exists() else []:
            kind, ident = line.split(" ", 1)
            acknowledged.setdefault(kind, []).append(ident)
        (self.work / "acknowledged.json").write_text(json.dumps(acknowledged))
        code = f"""
import json
from collections import Counter
from datetime import timedelta
from django.db.models import Count, Sum
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from mutualaid.channels.models import Gateway, InboundMessage, OutboundMessage
from mutualaid.exchange.models import Claim, Message, Post
from mutualaid.funds.models import Entry, Transaction
acks = json.load(open({str(self.work / "acknowledged.json")!r}))
ints = lambda k: [int(x) for x in acks.get(k, [])]
def missing(model, ids):
    found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    return sorted(set(ids) - found)
unbalanced = list(Entry.objects.values("transaction__fund").annotate(total=Sum("amount")).exclude(total=0))
bad_tx = Transaction.objects.annotate(total=Sum("entries__amount")).exclude(total=0).count()
done = DBTaskResult.objects.filter(status="SUCCESSFUL", finished_at__isnull=False, started_at__isnull=False)
lat = sorted((r.finished_at - r.enqueued_at).total_seconds() for r in done.only("enqueued_at", "finished_at"))
now = timezone.now()
stuck = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"], run_after__lte=now - timedelta(minutes=1)).count()
failed = dict(Counter(DBTaskResult.objects.filter(status="FAILED").values_list("task_path", flat=True)))
gateway = Gateway.objects.get(group__slug="crown-heights", kind="generic")
print(json.dumps(dict(
    missing_posts=missing(Post, ints("post")), missing_claims=missing(Claim, ints("claim")),
    missing_messages=missing(Message, ints("message")), missing_contributions=missing(Transaction, ints("contribution")),
    acked_sms=len(set(acks.get("sms", []))), inbound_sms_rows=InboundMessage.objects.filter(gateway=gateway).count(),
    unbalanced_funds=len(unbalanced), unbalanced_transactions=bad_tx,
    jobs_done=len(lat), jobs_stuck=stuck, jobs_failed=failed,
    queue_p50_s=lat[len(lat) // 2] if lat else None, queue_p95_s=lat[int(len(lat) * 0.95)] if lat else None,
    outbound_sent=OutboundMessage.objects.filter(status="sent").count(),
    outbound_pending=OutboundMessage.objects.exclude(status__in=["sent", "failed"]).count(),
    acked=dict((k, len(v)) for k, v in acks.items()),
)))
"""
        result = json.loads(self.run("shell", "-c", code).strip().splitlines()[-1])
        result["sms_ids_sent_twice"] = sum(1 for n in self.gateway.ids.values() if n > 1)
        # Only the faults kill processes; one that exited by itself (a worker that gave up when the
        # database restarted) is a failure of its own.
        result["processes_died"] = sorted(
            name for name, proc in self.procs.items() if proc.poll() is not None
        )
        result["sms_sent_to_gateway"] = len(self.gateway.ids)
        return result

    def stop(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM if name != "nginx" else signal.SIGQUIT)
                except ProcessLookupError:
                    continue
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.gateway.shutdown()
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "pgcluster.py"), "stop", str(self.pg_dir)], check=False
        )


def stats_table(prefix: Path) -> tuple[str, int, int]:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    lines = [
        "| action | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    total = failures = 0
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        total += int(row["Request Count"])
        failures += int(row["Failure Count"])
        lines.append(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    agg = next(r for r in rows if r["Name"] == "Aggregated")
    lines.append(
        f"| **all** | {agg['Request Count']} | {agg['Failure Count']} | {float(agg['Requests/s']):.1f} | "
        f"{agg['50%']} | {agg['95%']} | {agg['99%']} |"
    )
    return "\n".join(lines), total, failures


def failures_table(prefix: Path) -> str:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return ""
    rows = list(csv.DictReader(open(path)))  # noqa: SIM115
    return "\n".join(f"- {r['Occurrences']} x {r['Method']} {r['Name']}: {r['Error'][:120]}" for r in rows)


def slope_mb_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) in MB per hour."""
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_m = sum(m for _, m in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    return sum((t - mean_t) * (m - mean_m) for t, m in points) / var * 3600


def report_memory(cluster: Cluster, duration: int) -> None:
    if len(cluster.memory) < 2:
        return
    names = sorted(set.intersection(*(set(sample) for _, sample in cluster.memory)))
    step = max(1, len(cluster.memory) // 12)
    print("\nMemory per process group (MB, resident) over the load:\n")
    print("| min | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    picked = sorted(set(range(0, len(cluster.memory), step)) | {len(cluster.memory) - 1})
    for at, sample in (cluster.memory[i] for i in picked):
        print(f"| {at / 60:.1f} | " + " | ".join(f"{sample.get(n, 0):.0f}" for n in names) + " |")
    # A process restarted by a fault starts again from zero: the slope is taken after the warm-up only.
    warm = [(t, s) for t, s in cluster.memory if t >= duration * 0.1]
    if len(warm) >= 3:
        print(
            "\nSlope after the first tenth of the run (least squares, MB per hour): "
            + ", ".join(
                f"{n} {slope_mb_per_hour([(t, s[n]) for t, s in warm if n in s]):+.1f}" for n in names
            )
        )
    if cluster.rows:
        tables = sorted(cluster.rows[-1][1])
        print("\nRows of purgeable tables over the load:\n")
        print("| min | " + " | ".join(tables) + " |")
        print("|---|" + "---|" * len(tables))
        for at, counts in cluster.rows:
            print(f"| {at / 60:.1f} | " + " | ".join(str(counts.get(t, 0)) for t in tables) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of load (default 120)")
    parser.add_argument("--users", type=int, default=24, help="simulated people (default 24)")
    parser.add_argument("--posts", type=int, default=20000, help="generated needs + offers (default 20,000)")
    parser.add_argument("--no-faults", action="store_true", help="load only, no kill -9 or restarts")
    parser.add_argument(
        "--pace", type=float, default=1.0, help="stretch every wait between tasks (4 = a quarter of the rate)"
    )
    parser.add_argument(
        "--sample-every",
        type=float,
        default=10.0,
        help="seconds between memory samples; 60 or more also counts purgeable rows (default 10)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, CSV) afterwards")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mutualaid-cluster-"))
    cluster = Cluster(work, args.posts)
    try:
        cluster.start()
        rows_before = cluster.table_rows()
        acks = cluster.load(
            args.duration, args.users, faults=not args.no_faults, pace=args.pace, every=args.sample_every
        )
        cluster.drain()
        result = cluster.check(acks)
        table, _total, _failures = stats_table(work / "locust")
        print("\n## Mixed load through nginx over 2 app servers and 2 workers on PostgreSQL\n")
        print(
            f"{args.users} users, pace x{args.pace:g}, {args.duration} s, "
            f"load average (1/5/15 min) {'/'.join(f'{x:.1f}' for x in os.getloadavg())}\n"
        )
        print(table)
        failures = failures_table(work / "locust")
        if failures:
            print("\nFailed requests (all inside the fault windows unless said otherwise):\n" + failures)
        inside, outside = cluster.failures_by_window()
        print(
            f"\nFailed requests inside fault windows: {sum(inside.values())}; outside: {sum(outside.values())}"
        )
        for what, count in outside.most_common():
            print(f"- outside: {count} x {what}")
        print("\nFaults:\n" + "\n".join(f"- {t:6.1f} s {what}" for t, what in cluster.events))
        print("\nChecks after the run:\n" + json.dumps(result, indent=2))
        rows_after = cluster.table_rows()
        purged = cluster.run("purge")
        rows_purged = cluster.table_rows()
        print(
            "\nRows of tables that are purged or expire (before -> after the load -> after `mutualaid purge`):"
        )
        for table, count in rows_after.items():
            print(f"- {table}: {rows_before.get(table, 0)} -> {count} -> {rows_purged.get(table, 0)}")
        print("  purge: " + "; ".join(line for line in purged.splitlines() if not line.endswith(" 0")))
        report_memory(cluster, args.duration)
        lost = sum(len(result[k]) for k in result if k.startswith("missing_"))
        problems = {
            "acknowledged writes missing": lost,
            "funds that do not balance": result["unbalanced_funds"] + result["unbalanced_transactions"],
            "jobs stuck": result["jobs_stuck"],
            "texts sent twice": result["sms_ids_sent_twice"],
            "acknowledged texts not recorded": max(0, result["acked_sms"] - result["inbound_sms_rows"]),
            "processes that died by themselves": len(result["processes_died"]),
            "failed requests outside fault windows": sum(outside.values()),
        }
        print("\n" + "\n".join(f"{'FAIL' if n else 'ok  '} {what}: {n}" for what, n in problems.items()))
        if any(problems.values()):
            sys.exit(1)
    finally:
        cluster.stop()
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
