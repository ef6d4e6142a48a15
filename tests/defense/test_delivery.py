"""The bulk path delivers: rows stored by plain inserts read back sealed and decrypted, the batch job
sends each through the group's gateway (a local stand-in) and by e-mail, verifiers see the progress,
and a spent rate limit defers the rest of the batch instead of failing it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from mutualaid.channels.bulk import deliver_batch
from mutualaid.channels.models import Gateway, Notice, OutboundMessage
from mutualaid.defense import selectors, services
from mutualaid.defense.models import Dispatch
from tests.defense.conftest import web_report


class Counting(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.server.received.append(body)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": "gw-1"}).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stand_in(gateway: Gateway) -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    server.received = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Gateway.objects.filter(pk=gateway.pk).update(api_url=f"http://127.0.0.1:{server.server_address[1]}/send")
    yield server
    server.shutdown()
    server.server_close()


def _send_alert(crown: Any, ada: Any, ida: Any) -> Any:
    report = web_report(crown, None)
    services.report_confirm(report=report, verifier=ada, seen="Seen")
    return services.report_confirm(report=report, verifier=ida, seen="Seen")


def test_bulk_rows_are_sealed_and_delivered(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any, stand_in: Any
) -> None:
    report = _send_alert(crown, ada, ida)
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, body FROM channels_outboundmessage")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert "+1718" not in raw and "fay@" not in raw and "VERIFIED" not in raw
    notice = Notice.objects.get(user=responders["ben"], kind="alert_raid")
    assert notice.url == "/rights/crown/" and "Crown Heights" in (notice.context or "")
    dispatch = Dispatch.objects.get(report=report)
    assert deliver_batch.call(list(dispatch.message_ids)) == {"sent": 2}
    assert [m["to"] for m in stand_in.received] == ["+17185550101"]
    assert "VERIFIED" in stand_in.received[0]["text"]
    assert [m.to for m in mail.outbox] == [["fay@example.org"]]
    assert mail.outbox[0].subject.startswith("Verified alert: immigration enforcement near")
    progress = selectors.progress(report)[0]
    assert (progress.sent, progress.queued, progress.failed, progress.total) == (2, 0, 0, 2)


def test_a_spent_rate_limit_defers_the_rest_of_the_batch(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any, stand_in: Any
) -> None:
    from mutualaid.defense.models import Responder

    Gateway.objects.update(rate_per_minute=1)
    Responder.objects.filter(user=responders["fay"]).update(by_sms=True, by_email=False)
    responders["fay"].phone = "+17185550104"
    responders["fay"].save()
    report = _send_alert(crown, ada, ida)
    ids = list(Dispatch.objects.get(report=report).message_ids)
    assert deliver_batch.call(ids) == {"sent": 1, "deferred": 1}
    assert len(stand_in.received) == 1
    assert OutboundMessage.objects.filter(status="queued").count() == 1
