"""THREATS.md property 18: crash consistency. Under write load through the API, `kill -9` the app server
(`mutualaid serve`: gunicorn master and workers); after a restart every write that was acknowledged is in
the database, the database is intact, and the server's own log shows no client address.

The server runs on an SQLite file in its own data dir (WAL; a process crash loses nothing committed).
Killing PostgreSQL itself under load is left to the operator's drill in docs/security.md.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

CANARY_IP = "198.51.100.181"
CANARY_AGENT = "CrashCanary/1.0"
SETUP = """
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership
from mutualaid.members.services import access_token_create, user_create
ada = user_create(username="ada", password="a-long-test-password-42", display_name="Ada")
group = Group.objects.create(name="Crown", slug="crown")
Membership.objects.create(user=ada, group=group, role="coordinator")
print(access_token_create(user=ada, name="load")[1])
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUTUALAID_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        MUTUALAID_DATA_DIR=str(data), MUTUALAID_RATE_INVITATION_CREATE="100000/h", MUTUALAID_ACCESS_LOG="true",
        MUTUALAID_REQUIRE_COORDINATOR_MFA="false",
    )
    return env


def _mutualaid(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "mutualaid.cli", *args], env=env, capture_output=True, text=True, check=True,
        timeout=120, **kwargs,
    )


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    handle = open(log, "ab")  # noqa: SIM115 - the server writes to it until it is killed
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "mutualaid.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4"],
        env=env, stdout=handle, stderr=handle, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}")


def _kill(server: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, sig)
    server.wait(timeout=30)


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = _env(data)
    _mutualaid(env, "migrate", "-v0")
    token = _mutualaid(env, "shell", "-c", SETUP).stdout.strip().splitlines()[-1]
    port = _free_port()
    log = tmp_path / "server.log"
    server = _start(env, port, log)

    acknowledged: list[int] = []
    errors: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def write() -> None:
        while not stop.is_set():
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/groups/crown/invitations", method="POST",
                data=json.dumps({"days": 3, "note": "load"}).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                         "X-Forwarded-For": CANARY_IP, "User-Agent": CANARY_AGENT},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    body = json.loads(response.read())
                    if response.status == 201:
                        with lock:
                            acknowledged.append(body["id"])
            except (OSError, http.client.HTTPException, ValueError) as exc:
                if not stop.is_set():
                    errors.append(repr(exc))
                return

    writers = [threading.Thread(target=write) for _ in range(6)]
    try:
        for thread in writers:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        _kill(server)  # mid-flight: requests are being written as the processes die
        stop.set()
        for thread in writers:
            thread.join(timeout=15)
    finally:
        stop.set()
        _kill(server)
    assert len(acknowledged) >= 60, f"too little load got through: {errors[:3]}"

    database = data / "mutualaid.sqlite3"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    server = _start(env, port, log)  # restarts cleanly on the crashed files
    try:
        with sqlite3.connect(database) as db:
            stored = {row[0] for row in db.execute("SELECT id FROM members_invitation")}
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        missing = sorted(set(acknowledged) - stored)
        assert missing == [], f"{len(missing)} acknowledged writes were lost"
        with urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Bearer {token}"}),
            timeout=10,
        ) as response:
            assert json.loads(response.read())["username"] == "ada"
    finally:
        _kill(server, signal.SIGTERM)

    server_log = log.read_text()
    assert "POST 201" in server_log  # the access log was on
    assert CANARY_IP not in server_log and CANARY_AGENT not in server_log
