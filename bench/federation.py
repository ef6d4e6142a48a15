"""Federation: one public announcement to 10,000 followers on 500 servers (stand-in inboxes on loopback).

    MUTUALAID_DATA_DIR=$(mktemp -d) .venv/bin/python bench/federation.py [--followers 10000] [--servers 500]

1. A listed group with `--followers` followers spread over `--servers` servers, each with a shared inbox
   (bulk-created, sealed like real ones; not timed).
2. Queued: the announcement published (the Create Note built, every follower's sealed inbox opened,
   one delivery per shared inbox written). Target: <= 5 s.
3. Sent: the worker's delivery run (`federation.delivery.run_due`) against `--servers` local HTTP
   servers, each one port, each checking the first signature it receives against the group's key and
   recording how many requests it had in flight at once. Prints the time, deliveries per second, the
   most requests any one server had at once (must be 1: one connection at a time per host) and the
   most in flight overall (at most MUTUALAID_FEDERATION_CONCURRENCY).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")
os.environ.setdefault("MUTUALAID_DATA_DIR", tempfile.mkdtemp())
os.environ["MUTUALAID_FEDERATION_ALLOW_PRIVATE"] = "true"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from mutualaid.core.encryption import blind_index  # noqa: E402
from mutualaid.core.publishing import PublicAnnouncement  # noqa: E402
from mutualaid.federation import conf, delivery, documents, services, signatures  # noqa: E402
from mutualaid.federation.models import Delivery, Follower  # noqa: E402
from mutualaid.groups.models import Group  # noqa: E402

lock = threading.Lock()
state: dict[str, Any] = {"in_flight": 0, "max_in_flight": 0, "per_host_max": 0, "received": 0, "bad": 0}
per_host: dict[int, int] = {}
checked: set[int] = set()


def standin(public_pem: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            port = self.server.server_address[1]
            with lock:
                state["in_flight"] += 1
                per_host[port] = per_host.get(port, 0) + 1
                state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
                state["per_host_max"] = max(state["per_host_max"], per_host[port])
                first = port not in checked
                checked.add(port)
            if first:
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    signatures.verify(
                        parsed=signatures.parse(headers["signature"]), method="POST", path=self.path,
                        headers=headers, body=body, public_key_pem=public_pem, now=timezone.now(), window=300,
                    )  # fmt: skip
                except (signatures.SignatureError, KeyError):
                    with lock:
                        state["bad"] += 1
            time.sleep(0.002)  # a little server work, so overlapping requests would show
            with lock:
                state["in_flight"] -= 1
                per_host[port] -= 1
                state["received"] += 1
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--servers", type=int, default=500)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    group = Group.objects.create(name="Bench group", slug=f"bench{int(time.time())}", listed=True)
    public_pem = services.actor_for(group).public_key_pem
    # A running worker or app server has its URL configuration loaded; load it before timing.
    documents.actor_id(group.slug)
    servers = [standin(public_pem) for _ in range(args.servers)]
    real_ports = [s.server_address[1] for s in servers]
    started = time.perf_counter()
    rows = []
    for n in range(args.followers):
        port = real_ports[n % args.servers]
        actor = f"http://127.0.0.1:{port}/users/u{n}"
        rows.append(
            Follower(
                group=group,
                actor_index=blind_index(actor, purpose="federation.actor"),
                actor_url=actor,
                inbox_url=actor + "/inbox",
                shared_inbox_url=f"http://127.0.0.1:{port}/inbox",
                target_index=services.target_index(f"http://127.0.0.1:{port}/inbox"),
            )
        )
    Follower.objects.bulk_create(rows, batch_size=1000)
    print(
        f"{args.followers} followers on {args.servers} servers seeded in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    activity = services.publish_announcement(
        PublicAnnouncement(
            group_id=group.pk, source="bench", text="Pantry open Saturday", published_at=timezone.now()
        )
    )
    queued = time.perf_counter() - started
    assert activity is not None
    count = Delivery.objects.filter(activity=activity).count()
    print(f"queued: {queued:.2f} s for {count} deliveries (target <= 5 s)")

    started = time.perf_counter()
    totals = {"sent": 0, "retry": 0, "gave_up": 0}
    while Delivery.objects.filter(activity=activity, state="pending").exists():
        for key, value in delivery.run_due().items():
            totals[key] += value
    sent = time.perf_counter() - started
    print(
        f"sent: {sent:.2f} s, {totals['sent'] / sent:.0f} deliveries/s, {totals} at concurrency "
        f"{conf.concurrency()}; received {state['received']}, most in flight {state['max_in_flight']}, "
        f"most at one server {state['per_host_max']}, bad signatures {state['bad']}"
    )
    assert totals["sent"] == count == state["received"] == args.servers
    assert state["per_host_max"] == 1 and state["max_in_flight"] <= conf.concurrency() and not state["bad"]


if __name__ == "__main__":
    main()
