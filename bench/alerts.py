"""Rapid-response alerts: from "verified" to every message queued for 10,000 responders, then sending.

    MUTUALAID_DATA_DIR=$(mktemp -d) .venv/bin/python bench/alerts.py [--responders 10000] [--send-seconds 10]

1. One group, `--responders` members opted in as responders for one area (half by SMS, half by e-mail,
   all in the app), two verifiers. A report is confirmed by the first verifier; the second verifier's
   confirmation is timed: it sends the alert, i.e. selects the audience, stores every SMS, e-mail and
   in-app notice and queues their sending (target: <= 10 s for 10,000 responders).
2. A local gateway stand-in (an HTTP server on loopback that counts the messages it is handed) takes the
   SMS; the queued batch jobs run in this process for `--send-seconds` at the gateway's rate limit and
   the verifiers' progress figures (sent / waiting / failed) are printed along the way.
Run it against a scratch data dir (SQLite there) or a scratch PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from mutualaid.channels import services as channels  # noqa: E402
from mutualaid.channels.bulk import deliver_batch  # noqa: E402
from mutualaid.core.encryption import blind_index  # noqa: E402
from mutualaid.defense import geo, selectors, services  # noqa: E402
from mutualaid.defense.models import Dispatch, Responder, ResponderCell  # noqa: E402
from mutualaid.groups.models import Group  # noqa: E402
from mutualaid.members.models import Membership, User  # noqa: E402


class Counting(BaseHTTPRequestHandler):
    """The gateway stand-in: answers every send with an id and counts it."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        with self.server.lock:  # type: ignore[attr-defined]
            self.server.count += 1  # type: ignore[attr-defined]
        answer = json.dumps({"id": f"gw-{body.get('id', '')}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


def gateway_stand_in() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    server.count = 0  # type: ignore[attr-defined]
    server.lock = threading.Lock()  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_world(count: int, server: ThreadingHTTPServer, rate: int) -> tuple[Group, User, User]:
    group = Group.objects.create(
        name="Bench Heights",
        slug=f"bench-{time.time_ns()}",
        centre_lat=40.6694,
        centre_lon=-73.9422,
        radius_km=3,
    )
    channels.gateway_save(
        group=group,
        kind="generic",
        enabled=True,
        secret="bench-secret",
        api_url=f"http://127.0.0.1:{server.server_address[1]}/send",
        rate_per_minute=rate,
    )
    tag = group.slug
    users = []
    for i in range(count):
        phone, email = (f"+1718{i:07d}", "") if i % 2 == 0 else ("", f"responder{i}@example.org")
        users.append(
            User(
                username=f"{tag}-r{i}",
                display_name=f"Responder {i}",
                phone=phone,
                phone_index=blind_index(phone, purpose="phone") if phone else "",
                email=email,
                email_index=blind_index(email, purpose="email") if email else "",
                language="es" if i % 3 == 0 else "en",
                password="!",  # an unusable password: bench accounts never log in
            )
        )
    users = User.objects.bulk_create(users, batch_size=1000)
    Membership.objects.bulk_create([Membership(user=u, group=group) for u in users], batch_size=1000)
    cells = geo.cells_within(40.6794, -73.9502, 2)
    responders = Responder.objects.bulk_create(
        [
            Responder(
                group=group, user=u, area="11216", radius_km=2, by_sms=bool(u.phone), by_email=bool(u.email)
            )
            for u in users
        ],
        batch_size=1000,
    )
    ResponderCell.objects.bulk_create(
        [ResponderCell(responder=r, group=group, cell=c) for r in responders for c in cells], batch_size=2000
    )
    first = User.objects.create_user(f"{tag}-v1", password=None, display_name="Verifier one")
    second = User.objects.create_user(f"{tag}-v2", password=None, display_name="Verifier two")
    for verifier in (first, second):
        Membership.objects.create(user=verifier, group=group)
        services.verifier_grant(group=group, user=verifier, actor=verifier)
    return group, first, second


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responders", type=int, default=10_000)
    parser.add_argument("--send-seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=600, help="the gateway's messages per minute (1 to 600)")
    args = parser.parse_args()
    settings.MUTUALAID_REQUIRE_COORDINATOR_MFA = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    server = gateway_stand_in()
    started = time.perf_counter()
    group, first, second = make_world(args.responders, server, args.rate)
    print(
        f"{connection.vendor}: {args.responders} responders set up in {time.perf_counter() - started:.1f} s"
    )

    report = services.report_create(
        group=group, kind="raid", what="Vans", where="Fulton and Nostrand", when_seen="now", area="11216"
    )
    services.report_confirm(report=report, verifier=first, seen="Two vans")
    started = time.perf_counter()
    report = services.report_confirm(report=report, verifier=second, seen="Agents at a door")
    elapsed = time.perf_counter() - started
    dispatch = Dispatch.objects.get(report=report)
    print(
        f"verified -> queued: {elapsed:.2f} s for {len(dispatch.recipients)} responders "
        f"({len(dispatch.message_ids)} SMS and e-mails, {dispatch.notices} in-app notices; "
        f"{dispatch.queued_ms} ms inside the service; target <= 10 s)"
    )

    # The worker's part, in this process: run the queued batches until the time is up.
    from django.core import mail

    ids = list(dispatch.message_ids)
    batches = [ids[i : i + 200] for i in range(0, len(ids), 200)]
    started = time.perf_counter()
    deadline = started + args.send_seconds
    next_print = started + 2
    for batch in batches:
        if time.perf_counter() > deadline:
            break
        deliver_batch.call(batch)
        if time.perf_counter() >= next_print:
            p = selectors.progress(report)[0]
            print(
                f"  after {time.perf_counter() - started:4.1f} s: {p.sent} sent, {p.queued} waiting, {p.failed} failed"
            )
            next_print += 2
    spent = time.perf_counter() - started
    p = selectors.progress(report)[0]
    print(
        f"sending for {spent:.1f} s: {p.sent} of {p.total} sent ({p.sent / spent:.0f}/s), "
        f"gateway stand-in counted {server.count} SMS, {len(getattr(mail, 'outbox', []))} e-mails handed to the mail backend; "
        f"the SMS gateway's limit is {args.rate}/min, so deferred batches come back when tokens are free"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
