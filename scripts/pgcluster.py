"""Start and stop a throwaway PostgreSQL cluster for the test suite.

    python scripts/pgcluster.py start DIR [DBNAME]  -> prints a DATABASE_URL (creating DBNAME if given)
    python scripts/pgcluster.py restart DIR [fast|immediate]  -> the same cluster, restarted
    python scripts/pgcluster.py stop DIR

Uses the initdb/pg_ctl binaries of Debian's postgresql package (installed with apt-get when missing).
initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path


def _bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        if os.geteuid() != 0:
            sys.exit("PostgreSQL is not installed; install Debian's postgresql package.")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "postgresql"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0]


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _options(port: int | str, directory: Path) -> str:
    # fsync off: a throwaway cluster; a killed server process still loses nothing the OS has.
    return f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200"


def start(directory: Path, database: str = "") -> str:
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    port = _free_port()
    subprocess.run(
        _as_owner(
            [
                _bin("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = _options(port, directory)
    subprocess.run(
        _as_owner(
            [
                _bin("pg_ctl"),
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
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (directory / "port").write_text(str(port))
    if database:
        # The database a server uses (the test suite makes its own test_ databases beside it).
        subprocess.run(
            _as_owner([_bin("createdb"), "-h", str(directory), "-p", str(port), "-U", "postgres", database]),
            check=True,
        )
    return f"postgres://postgres@127.0.0.1:{port}/mutualaid"


def restart(directory: Path, mode: str = "fast") -> None:
    """Stop the cluster (`immediate` is a crash: no checkpoint) and start it again on the same port."""
    data = directory / "data"
    port = (directory / "port").read_text().strip()
    options = _options(port, directory)
    subprocess.run(
        _as_owner([_bin("pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        _as_owner(
            [
                _bin("pg_ctl"),
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
        check=True,
        stdout=subprocess.DEVNULL,
    )


def stop(directory: Path) -> None:
    data = directory / "data"
    if data.exists():
        subprocess.run(
            _as_owner([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 3 or not sys.argv[2].strip():
        sys.exit("usage: pgcluster.py start|restart|stop DIR (a directory of its own: stop deletes it)")
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(where, sys.argv[3] if len(sys.argv) > 3 else ""))
    elif action == "restart":
        restart(where, sys.argv[3] if len(sys.argv) > 3 else "fast")
    else:
        stop(where)
