"""Three real installs over loopback: A ↔ B and B ↔ C linked, C not linked to A. Each is `mutualaid
serve` (gunicorn) with its own data dir, database and key ring; the worker's jobs run through the CLI
(`mutualaid shell`), as in tests/federation/test_real_install.py, whose helpers this reuses.

One set of servers for the module; each step builds on the last: link, shared directory, a referral
accepted (details arrive sealed on the other side, the original closes as referred) and one declined
(returned), C stopped while B delivers (retried later, delivered once), forged and replayed requests
refused, and C unlinking B (either side can; B's requests are refused from then on).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from mutualaid.federation import signatures
from tests.deploy.envfile import production_env
from tests.deploy.test_proxy_drill import running
from tests.federation.test_real_install import cli, get, wait_for
from tests.ports import free_port

pytestmark = pytest.mark.proxy

SETUP = """
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, User
group = Group.objects.create(name={name!r}, slug={slug!r}, postal_codes=[{postal!r}], categories=["food"])
user = User.objects.create_user(username={user!r}, password="x-unused-x", display_name={user!r})
Membership.objects.create(user=user, group=group, role="coordinator")
"""

LINK = """
from mutualaid.peers import services
for url in {urls!r}:
    services.link(services.describe(url))
"""

RESULT = "RESULT "


def result(out: str) -> Any:
    line = next(line for line in out.splitlines() if line.startswith(RESULT))
    return json.loads(line.removeprefix(RESULT))


@dataclass
class Node:
    name: str
    port: int
    env: dict[str, str]
    root: Path
    proc: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def shell(self, code: str) -> Any:
        return result(cli(self.env, "shell", "-c", "import json\n" + code))


def parallel(jobs: list[tuple[dict[str, str], tuple[str, ...]]]) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "mutualaid.cli", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for env, args in jobs
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()[-2000:]


@pytest.fixture(scope="module")
def nodes(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Callable[[Path], None]
) -> Iterator[dict[str, Node]]:
    made: dict[str, Node] = {}
    for name in ("a", "b", "c"):
        root = tmp_path_factory.mktemp(f"peer_{name}")
        port = free_port()
        env = production_env(
            root,
            MUTUALAID_PUBLIC_URL=f"http://127.0.0.1:{port}",
            MUTUALAID_ALLOWED_HOSTS="127.0.0.1",
            MUTUALAID_HTTPS="false",
            MUTUALAID_FEDERATION_ALLOW_PRIVATE="true",
            MUTUALAID_FEDERATION_TIMEOUT="2",
            MUTUALAID_WEB_WORKERS="1",
            MUTUALAID_REQUIRE_COORDINATOR_MFA="false",
        )
        made[name] = Node(name, port, env, root)
    a, b, c = made["a"], made["b"], made["c"]
    # One migrated empty database copied: three installs, separate data dirs and key rings, one migrate.
    for node in (a, b, c):
        migrated_sqlite(node.root)
    groups = {
        "a": ("Crown Heights Mutual Aid", "crown", "11216", "ada"),
        "b": ("Ayuda Mutua Bushwick", "bush", "11221", "dee"),
        "c": ("Flatbush Food Share", "flat", "11226", "flo"),
    }
    parallel(
        [
            (node.env, ("shell", "-c", SETUP.format(name=n, slug=s, postal=p, user=u)))
            for node, (n, s, p, u) in ((made[k], v) for k, v in groups.items())
        ]
    )
    with contextlib.ExitStack() as stack:
        for node in made.values():
            node.proc = stack.enter_context(
                running(
                    [sys.executable, "-m", "mutualaid.cli", "serve", "--bind", f"127.0.0.1:{node.port}"],
                    node.env,
                    node.root / "serve.log",
                )
            )
        for node in made.values():
            wait_for(node.port, node.proc, node.root / "serve.log")
        parallel(
            [
                (a.env, ("peers", "link", b.url, "--yes")),
                (b.env, ("shell", "-c", LINK.format(urls=[a.url, c.url]))),
                (c.env, ("shell", "-c", LINK.format(urls=[b.url]))),
            ]
        )
        yield made


def page(port: int, path: str) -> tuple[int, str]:
    with contextlib.closing(http.client.HTTPConnection("127.0.0.1", port, timeout=30)) as conn:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.status, answer.read().decode()


def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    with contextlib.closing(http.client.HTTPConnection("127.0.0.1", port, timeout=30)) as conn:
        conn.request("POST", path, body=body, headers=headers)
        return conn.getresponse().status


A_REFER = """
from mutualaid.exchange import services as exchange
from mutualaid.groups.models import Group
from mutualaid.members.models import User
from mutualaid.peers import delivery, directory, keys, services
from mutualaid.peers.models import PeerGroup
from mutualaid.federation import signatures
from django.utils import timezone
import datetime, orjson
print("directory", directory.refresh_all())
group, ada = Group.objects.get(slug="crown"), User.objects.get(username="ada")
def need(title):
    post = exchange.post_create(group=group, author=ada, data=exchange.PostInput(
        kind="need", title=title, details="Call Rosa on 555-0199, 41 Secret Street", category="food", quantity=2))
    post.address = "41 Secret Street, apt 2"
    post.save(update_fields=["address"])
    return post
bush = PeerGroup.objects.get(slug="bush")
first = services.refer(post=need("Groceries for Rosa"), actor=ada, target=bush)
second = services.refer(post=need("Diapers for Sam"), actor=ada, target=bush)
sent = delivery.run_due()
# Requests signed with this install's real key, for the forgery checks: fresh, and an hour old.
def signed(body, when):
    raw = orjson.dumps(body)
    headers = signatures.sign(method="POST", path="/peers/inbox", host={host!r}, key_id=keys.key_id(),
                              private_key=keys.private_key(), now=when, body=raw)
    return {{"body": raw.decode(), "headers": headers}}
hello = {{"id": "00000000-0000-4000-8000-0000000000aa", "type": "hello"}}
print("RESULT " + json.dumps({{
    "sent": sent, "peer_groups": sorted(PeerGroup.objects.values_list("slug", flat=True)),
    "first": str(first.uid), "second": str(second.uid),
    "fresh": signed(hello, timezone.now()), "old": signed(hello, timezone.now() - datetime.timedelta(hours=1)),
}}))
"""

B_ANSWER = """
import os, signal
from mutualaid.exchange import services as exchange
from mutualaid.groups.models import Group
from mutualaid.members.models import User
from mutualaid.peers import delivery, directory, services
from mutualaid.peers.models import PeerGroup, Referral
print("directory", directory.refresh_all())
dee = User.objects.get(username="dee")
seen = {{str(r.uid): [r.state, r.category, r.quantity, r.details, r.contact] for r in Referral.objects.filter(direction="in")}}
services.decide(referral=Referral.objects.get(uid={first!r}, direction="in"), actor=dee, accept=True)
services.decide(referral=Referral.objects.get(uid={second!r}, direction="in"), actor=dee, accept=False)
# A need of Bush's for Flatbush, on C, stopped while B delivers: the offer waits and is retried.
post = exchange.post_create(group=Group.objects.get(slug="bush"), author=dee, data=exchange.PostInput(
    kind="need", title="Bread", category="food"))
to_c = services.refer(post=post, actor=dee, target=PeerGroup.objects.get(slug="flat"))
os.killpg({c_group}, signal.SIGSTOP)
try:
    sent = delivery.run_due()
finally:
    os.killpg({c_group}, signal.SIGCONT)
print("RESULT " + json.dumps({{"seen": seen, "sent": sent, "to_c": str(to_c.uid),
    "peer_groups": sorted(PeerGroup.objects.values_list("slug", flat=True))}}))
"""

A_DETAILS = """
from mutualaid.exchange.models import Post, PostEvent
from mutualaid.peers import delivery
from mutualaid.peers.models import Referral
sent = delivery.run_due()
states = {{r: [Referral.objects.get(uid=r).state, Referral.objects.get(uid=r).post.status,
              list(PostEvent.objects.filter(post=Referral.objects.get(uid=r).post).values_list("action", flat=True))]
          for r in ({first!r}, {second!r})}}
print("RESULT " + json.dumps({{"sent": sent, "states": states}}))
"""

B_CHECK = """
import datetime
from django.db import connection
from django.utils import timezone
from mutualaid.peers import delivery, services
from mutualaid.peers.models import Referral
first = Referral.objects.get(uid={first!r}, direction="in")
with connection.cursor() as cursor:
    cursor.execute("SELECT details, contact FROM peers_referral WHERE id = %s", [first.pk])
    raw = " ".join(cursor.fetchone())
later = timezone.now() + datetime.timedelta(minutes=5)
print("RESULT " + json.dumps({{
    "details": services.details_of(first), "raw_has_words": "Secret" in raw or "Rosa" in raw,
    "states": [first.state, Referral.objects.get(uid={second!r}).state],
    "events": list(first.events.values_list("action", flat=True)),
    "later": delivery.run_due(later), "again": delivery.run_due(later + datetime.timedelta(hours=1)),
    "to_c": Referral.objects.get(uid={to_c!r}).state,
}}))
"""

C_CHECK = """
from mutualaid.peers.models import Referral
print("RESULT " + json.dumps([[str(r.uid), r.state, r.group.slug] for r in Referral.objects.filter(direction="in")]))
"""


def test_three_installs_link_share_directories_and_refer_needs(nodes: dict[str, Node]) -> None:
    a, b, c = nodes["a"], nodes["b"], nodes["c"]
    first = a.shell(A_REFER.format(host=f"127.0.0.1:{b.port}"))
    assert first["sent"] == {"sent": 2, "retry": 0, "gave_up": 0}
    assert first["peer_groups"] == ["bush"]  # C is not linked to A: its groups are not shared here

    # The shared directory: B's group in A's public search, marked as on another server, linking there.
    status, html = page(a.port, "/directory/?q=Bushwick")
    assert status == 200 and "On another server" in html and f"{b.url}/g/bush/" in html

    # Forged and replayed requests to B's inbox (B links A): wrong key, changed body, old Date refused.
    fresh, old = first["fresh"], first["old"]
    forged = signatures.sign(
        method="POST",
        path="/peers/inbox",
        host=f"127.0.0.1:{b.port}",
        key_id=f"{a.url}/peers/actor#main-key",
        private_key=signatures.new_private_key(),
        now=timezone.now(),
        body=fresh["body"].encode(),
    )
    assert post(b.port, "/peers/inbox", fresh["body"].encode(), forged) == 401
    assert (
        post(b.port, "/peers/inbox", fresh["body"].replace("hello", "unlink").encode(), fresh["headers"])
        == 401
    )
    assert post(b.port, "/peers/inbox", old["body"].encode(), old["headers"]) == 401
    assert post(b.port, "/peers/inbox", fresh["body"].encode(), fresh["headers"]) == 202

    # B sees the coarse form only; accepts the first, declines the second. C is stopped while B delivers.
    answered = b.shell(B_ANSWER.format(first=first["first"], second=first["second"], c_group=c.proc.pid))
    assert answered["peer_groups"] == ["crown", "flat"]
    assert answered["seen"] == {
        first["first"]: ["offered", "food", 2, "", ""],
        first["second"]: ["offered", "food", 2, "", ""],
    }
    assert answered["sent"] == {"sent": 2, "retry": 1, "gave_up": 0}  # accept and decline to A; C down

    # A sends the accepted need's details, encrypted to B; the original closes as referred.
    details = a.shell(A_DETAILS.format(first=first["first"], second=first["second"]))
    assert details["sent"] == {"sent": 1, "retry": 0, "gave_up": 0}
    assert details["states"][first["first"]] == [
        "referred",
        "withdrawn",
        ["post", "referral offered", "referral accepted", "referred"],
    ]
    assert details["states"][first["second"]] == [
        "declined",
        "open",
        ["post", "referral offered", "referral returned"],
    ]

    checked = b.shell(B_CHECK.format(first=first["first"], second=first["second"], to_c=answered["to_c"]))
    assert checked["details"]["title"] == "Groceries for Rosa"
    assert checked["details"]["address"] == "41 Secret Street, apt 2"
    assert checked["details"]["contact"]["name"] == "ada"
    assert not checked["raw_has_words"]  # sealed with B's own key ring
    assert checked["states"] == ["referred", "declined"]
    assert checked["events"] == ["offered", "accepted", "details arrived"]
    # C is back: the offer is retried once its backoff passed, and delivered once.
    assert checked["later"] == {"sent": 1, "retry": 0, "gave_up": 0}
    assert checked["again"] == {"sent": 0, "retry": 0, "gave_up": 0}
    assert checked["to_c"] == "offered"
    on_c = c.shell(C_CHECK)
    assert on_c == [[answered["to_c"], "offered", "flat"]]


def test_either_side_unlinks_and_is_refused_from_then_on(nodes: dict[str, Node]) -> None:
    b, c = nodes["b"], nodes["c"]
    out = cli(c.env, "peers", "unlink", b.url)
    assert "Unlinked" in out and "1 of theirs dropped" in out
    listing = cli(b.env, "peers", "list")
    # C told B: B no longer trusts C either, and its offer to C came back.
    assert f"{c.url}\tunlinked" in listing and f"{nodes['a'].url}\tlinked" in listing
    status, _ = get(c.port, "/peers/directory", as_json=False)
    assert status == 401
    assert (
        b.shell(C_CHECK.replace('direction="in"', 'direction="out", peer__url="' + c.url + '"'))[0][1]
        == "returned"
    )
