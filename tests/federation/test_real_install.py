"""A real install over loopback: `mutualaid serve` (gunicorn) with its own data dir and key ring, its
`mutualaid worker` delivering, and a stand-in fediverse server (a small HTTP server in this process)
that follows a group and checks every signature it receives against the key the install publishes.

One server for the whole module; each step builds on the last (follow → Accept → public announcement →
a peer down, retried, delivered once), then forged and replayed requests are refused over real HTTP.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
from django.utils import timezone

from mutualaid.federation import rfc9421, signatures
from tests.deploy.envfile import production_env
from tests.deploy.test_proxy_drill import running
from tests.helpers import without_random
from tests.ports import free_port

pytestmark = pytest.mark.proxy

SETUP = """
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, User
group = Group.objects.create(name="Crown Heights Mutual Aid", slug="crown", postal_codes=["11216"])
ada = User.objects.create_user(username="ada", password="x-unused-x")
Membership.objects.create(user=ada, group=group, role="coordinator")
"""

BROADCAST = """
from mutualaid.channels.broadcasts import broadcast_send
from mutualaid.groups.models import Group
from mutualaid.members.models import User
broadcast_send(group=Group.objects.get(slug="crown"), author=User.objects.get(username="ada"),
               text="Pantry open Saturday", public=True)
broadcast_send(group=Group.objects.get(slug="crown"), author=User.objects.get(username="ada"),
               text="members only: the code is 4711", public=False)
import datetime
from django.utils import timezone
from mutualaid.federation.delivery import run_due
print("first", run_due())
later = timezone.now() + datetime.timedelta(minutes=5)
print("later", run_due(later))
print("again", run_due(later + datetime.timedelta(hours=1)))
"""


class _OldServer(Exception):
    pass


class Standin:
    """A minimal fediverse server: one account (sam), its inbox verifying draft-cavage signatures only,
    like an older server: an RFC 9421 request is answered 401 (counted in `knocks`, not `refused`)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.key = signatures.new_private_key()
        self.received: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self.fail_next = 0
        self.knocks: list[str] = []

    @property
    def actor(self) -> str:
        return f"{self.base}/users/sam"

    def document(self) -> dict[str, Any]:
        return {
            "id": self.actor,
            "type": "Person",
            "inbox": f"{self.actor}/inbox",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {
                "id": f"{self.actor}#main-key",
                "owner": self.actor,
                "publicKeyPem": signatures.public_pem(self.key),
            },
        }

    def check(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        self.knocks.append("rfc9421" if "signature-input" in headers else "cavage")
        if "signature-input" in headers:
            raise _OldServer
        parsed = signatures.parse(headers.get("signature", ""))
        with contextlib.closing(
            http.client.HTTPConnection(*urlsplit(parsed.key_id).netloc.split(":"))
        ) as conn:
            conn.request("GET", urlsplit(parsed.key_id).path, headers={"Accept": "application/activity+json"})
            actor = json.loads(conn.getresponse().read())
        assert actor["publicKey"]["id"] == parsed.key_id
        signatures.verify(
            parsed=parsed,
            method="POST",
            path=handler.path,
            headers=headers,
            body=body,
            public_key_pem=actor["publicKey"]["publicKeyPem"],
            now=timezone.now(),
            window=300,
        )

    def serve(self) -> ThreadingHTTPServer:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/users/sam":
                    self._answer(200, orjson.dumps(standin.document()))
                else:
                    self._answer(404, b"")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if standin.fail_next:
                    standin.fail_next -= 1
                    self._answer(503, b"")
                    return
                try:
                    standin.check(self, body)
                except _OldServer:
                    self._answer(401, b"")
                    return
                except (signatures.SignatureError, AssertionError, KeyError) as exc:
                    standin.refused.append(str(exc))
                    self._answer(401, b"")
                    return
                standin.received.append({"path": self.path, **orjson.loads(body)})
                self._answer(202, b"")

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def signed_post(
        self,
        port: int,
        path: str,
        activity: dict[str, Any],
        *,
        key: Any = None,
        when: Any = None,
        tamper: bytes | None = None,
        scheme: str = "cavage",
    ) -> int:
        body = orjson.dumps(activity)
        sign = {
            "host": f"127.0.0.1:{port}",
            "key_id": f"{self.actor}#main-key",
            "private_key": key or self.key,
            "now": when or timezone.now(),
            "body": body,
        }
        headers = (
            rfc9421.sign(method="POST", url=f"http://127.0.0.1:{port}{path}", **sign)
            if scheme == "rfc9421"
            else signatures.sign(method="POST", path=path, **sign)
        )
        with contextlib.closing(http.client.HTTPConnection("127.0.0.1", port, timeout=30)) as conn:
            conn.request("POST", path, body=tamper if tamper is not None else body, headers=headers)
            return conn.getresponse().status


def cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mutualaid.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def install(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Callable[[Path], None]
) -> Iterator[tuple[int, dict[str, str], Standin]]:
    root: Path = tmp_path_factory.mktemp("federation")
    port, standin_port = free_port(), free_port()
    env = production_env(
        root,
        MUTUALAID_PUBLIC_URL=f"http://127.0.0.1:{port}",
        MUTUALAID_ALLOWED_HOSTS="127.0.0.1",
        MUTUALAID_HTTPS="false",
        MUTUALAID_FEDERATION_ALLOW_PRIVATE="true",
        MUTUALAID_WEB_WORKERS="1",
    )
    migrated_sqlite(root)
    cli(env, "shell", "-c", SETUP)
    standin = Standin(standin_port)
    server = standin.serve()
    try:
        with running(
            [sys.executable, "-m", "mutualaid.cli", "serve", "--bind", f"127.0.0.1:{port}"],
            env,
            root / "serve.log",
        ) as proc:
            wait_for(port, proc, root / "serve.log")
            yield port, env, standin
    finally:
        server.shutdown()


def wait_for(port: int, proc: Any, log: Path) -> None:
    import time

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-2000:]
        with contextlib.suppress(OSError):
            if get(port, "/healthz", as_json=False)[0] == 200:
                return
        time.sleep(0.3)
    raise AssertionError(f"the install did not answer: {log.read_text()[-2000:]}")


def get(port: int, path: str, *, as_json: bool = True) -> tuple[int, dict[str, Any]]:
    with contextlib.closing(http.client.HTTPConnection("127.0.0.1", port, timeout=30)) as conn:
        conn.request("GET", path, headers={"Accept": "application/activity+json"})
        answer = conn.getresponse()
        body = answer.read()
        return answer.status, (json.loads(body) if body and as_json else {})


def worker(env: dict[str, str]) -> None:
    cli(env, "worker", "--batch", "--no-schedule")


def test_follow_announce_and_retry_between_real_servers(install: tuple[int, dict[str, str], Standin]) -> None:
    port, env, standin = install
    status, finger = get(port, f"/.well-known/webfinger?resource=acct:crown@127.0.0.1:{port}")
    assert status == 200
    actor_url = next(link["href"] for link in finger["links"] if link["rel"] == "self")
    status, actor = get(port, urlsplit(actor_url).path)
    assert status == 200 and actor["type"] == "Group"
    inbox = urlsplit(actor["inbox"]).path

    follow = {
        "id": f"{standin.actor}/follows/1",
        "type": "Follow",
        "actor": standin.actor,
        "object": actor_url,
    }
    assert standin.signed_post(port, inbox, follow) == 202
    worker(env)
    accepts = [a for a in standin.received if a["type"] == "Accept"]
    assert len(accepts) == 1 and accepts[0]["path"] == "/users/sam/inbox"
    # The double knock: RFC 9421 first, refused by this older server, draft-cavage at once.
    assert standin.knocks == ["rfc9421", "cavage"]
    assert accepts[0]["object"]["id"] == follow["id"]
    assert get(port, urlsplit(actor["followers"]).path)[1]["totalItems"] == 1

    # A public announcement reaches the follower's server once (its shared inbox); the private one never.
    # The follower's server is down for the first try: retried once the backoff has passed, sent once.
    standin.fail_next = 1
    out = cli(env, "shell", "-c", BROADCAST)
    assert "first {'sent': 0, 'retry': 1, 'gave_up': 0}" in out, out
    assert "later {'sent': 1, 'retry': 0, 'gave_up': 0}" in out, out
    assert "again {'sent': 0, 'retry': 0, 'gave_up': 0}" in out, out
    creates = [a for a in standin.received if a["type"] == "Create"]
    assert len(creates) == 1 and creates[0]["path"] == "/inbox"
    assert creates[0]["object"]["content"] == "<p>Pantry open Saturday</p>"
    assert "4711" not in without_random(json.dumps(standin.received))
    assert not standin.refused
    # Remembered (by another worker process): no more RFC 9421 knocks at this server.
    assert standin.knocks[2:] == ["cavage"]


def test_forged_and_replayed_requests_are_refused_over_http(
    install: tuple[int, dict[str, str], Standin],
) -> None:
    port, _env, standin = install
    inbox = "/ap/groups/crown/inbox"
    undo = {"id": f"{standin.actor}/undo/1", "type": "Undo", "actor": standin.actor,
            "object": {"type": "Follow", "actor": standin.actor, "object": f"http://127.0.0.1:{port}/ap/groups/crown"}}  # fmt: skip
    for scheme in ("cavage", "rfc9421"):
        wrong_key = standin.signed_post(port, inbox, undo, key=signatures.new_private_key(), scheme=scheme)
        assert wrong_key == 401
        changed = standin.signed_post(
            port, inbox, undo, tamper=orjson.dumps({**undo, "id": "x"}), scheme=scheme
        )
        assert changed == 401
        old = standin.signed_post(port, inbox, undo, when=timezone.now() - timedelta(hours=1), scheme=scheme)
        assert old == 401  # an old Date (draft-cavage) or created (RFC 9421)
    assert get(port, "/ap/groups/crown/followers")[1]["totalItems"] == 1
    assert standin.signed_post(port, inbox, undo, scheme="rfc9421") == 202
    assert get(port, "/ap/groups/crown/followers")[1]["totalItems"] == 0
    assert standin.signed_post(port, inbox, undo, scheme="rfc9421") == 202  # a replay: nothing more happens
