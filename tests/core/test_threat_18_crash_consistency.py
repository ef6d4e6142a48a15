"""THREATS.md property 18: crash consistency. Under write load through the API, `kill -9` the app server
(`mutualaid serve`: gunicorn master and workers); after a restart every write that was acknowledged is in
the database, the database is intact, and the server's own log shows no client address.

On SQLite the server runs on a file in its own data dir (WAL; a process crash loses nothing committed).
In the PostgreSQL pass, a throwaway cluster of its own is killed with the app server, then restarted.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.ports import free_port

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


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUTUALAID_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        MUTUALAID_DATA_DIR=str(data),
        MUTUALAID_RATE_INVITATION_CREATE="100000/h",
        MUTUALAID_ACCESS_LOG="true",
        MUTUALAID_REQUIRE_COORDINATOR_MFA="false",
    )
    return env


def _mutualaid(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutualaid.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        **kwargs,
    )


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    handle = open(log, "ab")  # noqa: SIM115 - the server writes to it until it is killed
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mutualaid.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        env=env,
        stdout=handle,
        stderr=handle,
        start_new_session=True,
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


def _stored_ids(env: dict[str, str]) -> set[int]:
    script = "from mutualaid.members.models import Invitation; print(list(Invitation.objects.values_list('id', flat=True)))"
    return set(json.loads(_mutualaid(env, "shell", "-c", script).stdout.strip().splitlines()[-1]))


def _drill(
    env: dict[str, str],
    tmp_path: Path,
    *,
    crash_database: Any = None,
    after_crash: Any = None,
    migrated: bool = False,
) -> None:
    """Load, kill -9 the app server (and the database, if given), restart, compare."""
    if not migrated:
        _mutualaid(env, "migrate", "-v0")
    token = _mutualaid(env, "shell", "-c", SETUP).stdout.strip().splitlines()[-1]
    port = free_port()
    log = tmp_path / "server.log"
    server = _start(env, port, log)

    acknowledged: list[int] = []
    errors: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def write() -> None:
        while not stop.is_set():
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/groups/crown/invitations",
                method="POST",
                data=json.dumps({"days": 3, "note": "load"}).encode(),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "X-Forwarded-For": CANARY_IP,
                    "User-Agent": CANARY_AGENT,
                },
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
        # Mid-flight: requests are being written as the processes die.
        if crash_database is not None:
            crash_database()
        _kill(server)
        stop.set()
        for thread in writers:
            thread.join(timeout=15)
    finally:
        stop.set()
        _kill(server)
    assert len(acknowledged) >= 60, f"too little load got through: {errors[:3]}"
    if after_crash is not None:
        after_crash()

    server = _start(env, port, log)  # restarts cleanly on the crashed files
    try:
        missing = sorted(set(acknowledged) - _stored_ids(env))
        assert missing == [], f"{len(missing)} acknowledged writes were lost"
        with urllib.request.urlopen(
            urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
            ),
            timeout=10,
        ) as response:
            assert json.loads(response.read())["username"] == "ada"
    finally:
        _kill(server, signal.SIGTERM)

    server_log = log.read_text()
    assert "POST 201" in server_log  # the access log was on
    assert CANARY_IP not in server_log and CANARY_AGENT not in server_log


@pytest.mark.own_install
def test_acknowledged_writes_survive_kill_9_on_sqlite(tmp_path: Path, migrated_sqlite: Any) -> None:
    data = tmp_path / "data"
    env = _env(data)
    migrated_sqlite(data)

    def intact() -> None:
        with sqlite3.connect(data / "mutualaid.sqlite3") as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    _drill(env, tmp_path, after_crash=intact, migrated=True)


def _pgcluster() -> Any:
    spec = importlib.util.spec_from_file_location(
        "pgcluster", Path(__file__).parents[2] / "scripts" / "pgcluster.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pids: list[int]) -> bool:
    return any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in pids)


def _state(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}") / "status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


@pytest.mark.postgres_only
def test_acknowledged_writes_survive_kill_9_of_app_server_and_postgresql(tmp_path: Path) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs in the PostgreSQL pass of the suite")
    pg = _pgcluster()
    directory = Path(tempfile.mkdtemp(prefix="mutualaid-crash-pg-"))
    url = pg.start(directory)
    try:
        port = (directory / "port").read_text().strip()
        subprocess.run(
            [pg._bin("createdb"), "-h", "127.0.0.1", "-p", port, "-U", "postgres", "mutualaid"], check=True
        )
        env = {**_env(tmp_path / "data"), "DATABASE_URL": url}
        data = directory / "data"

        killed: list[int] = []

        def crash_postgres() -> None:
            postmaster = int((data / "postmaster.pid").read_text().split()[0])
            for pid in [postmaster, *_children(postmaster)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

        def restart_postgres() -> None:
            deadline = time.monotonic() + 20
            while _alive(killed) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not _alive(killed)
            # The killed postmaster may linger as a zombie where nothing reaps orphans (containers), and
            # PostgreSQL then takes its pid file for a live server. It is dead: remove the stale lock.
            (data / "postmaster.pid").unlink(missing_ok=True)
            (directory / f".s.PGSQL.{port}.lock").unlink(missing_ok=True)
            options = (
                f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off -c max_connections=200"
            )
            result = subprocess.run(
                pg._as_owner(
                    [
                        pg._bin("pg_ctl"),
                        "-D",
                        str(data),
                        "-w",
                        "-l",
                        str(directory / "server.log"),
                        "-o",
                        options,
                        "start",
                    ]
                ),
                check=False,
                capture_output=True,
                text=True,
            )
            assert result.returncode == 0, (directory / "server.log").read_text()[-3000:]
            assert "database system was interrupted" in (directory / "server.log").read_text()

        _drill(env, tmp_path, crash_database=crash_postgres, after_crash=restart_postgres)
    finally:
        pg.stop(directory)
