"""Fixtures for channels: gateways of the `crown` group, signed webhook requests, a local HTTP server
standing in for gateway APIs, a real SMTP server on loopback, and a way to run queued jobs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

TWILIO_TOKEN = "twilio-auth-token-42"
ANDROID_KEY = "android-signing-key-42"
GENERIC_SECRET = "generic-shared-secret-42"


def twilio_sign(url: str, params: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    # Computed here from Twilio's documented rule, independently of mutualaid.channels.gateways.
    payload = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def android_sign(body: bytes, timestamp: str, key: str = ANDROID_KEY) -> str:
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


class Recorder(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]]
    fail_next = 0

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        server = self.server
        if server.delay:  # type: ignore[attr-defined]
            time.sleep(server.delay)  # type: ignore[attr-defined]
        if server.fail_next:  # type: ignore[attr-defined]
            server.fail_next -= 1  # type: ignore[attr-defined]
            self.send_response(503)
            self.end_headers()
            return
        if server.answer is not None:  # type: ignore[attr-defined]
            # A scripted gateway: (status, body) for this request; refused requests are not recorded.
            status, answer = server.answer(self.path, body)  # type: ignore[attr-defined]
        else:
            status, answer = 201, b'{"sid": "SM1"}'
        if status < 300:
            server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})  # type: ignore[attr-defined]
        else:
            server.refused.append({"path": self.path, "body": body})  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_server() -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests = []  # type: ignore[attr-defined]
    server.refused = []  # type: ignore[attr-defined]
    server.answer = None  # type: ignore[attr-defined]
    server.fail_next = 0  # type: ignore[attr-defined]
    server.delay = 0.0  # type: ignore[attr-defined]
    server.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def twilio(crown: Any, http_server: Any, settings: Any) -> Any:
    from mutualaid.channels import services

    settings.MUTUALAID_TWILIO_API_URL = http_server.url
    return services.gateway_save(
        group=crown,
        kind="twilio",
        enabled=True,
        account="AC0123456789abcdef",
        secret=TWILIO_TOKEN,
        sender="+17185550100",
        rate_per_minute=60,
    )


@pytest.fixture
def android(crown: Any, http_server: Any) -> Any:
    from mutualaid.channels import services

    return services.gateway_save(
        group=crown,
        kind="android",
        enabled=True,
        account="sms",
        secret=ANDROID_KEY,
        api_password="phone-pass",
        api_url=http_server.url,
        rate_per_minute=60,
    )


@pytest.fixture
def generic(crown: Any, http_server: Any) -> Any:
    from mutualaid.channels import services

    return services.gateway_save(
        group=crown,
        kind="generic",
        enabled=True,
        secret=GENERIC_SECRET,
        api_url=http_server.url + "/out",
        rate_per_minute=60,
    )


def webhook_url(kind: str, slug: str = "crown") -> str:
    return reverse("channels_sms_webhook", kwargs={"kind": kind, "slug": slug})


_sid = iter(range(10_000, 99_999))


def twilio_payload(phone: str, text: str, sid: str | None = None) -> dict[str, str]:
    sid = sid or f"SM{next(_sid):032d}"
    return {
        "ToCountry": "US",
        "ToState": "NY",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "BROOKLYN",
        "FromZip": "11216",
        "SmsSid": sid,
        "FromState": "NY",
        "SmsStatus": "received",
        "FromCity": "BROOKLYN",
        "Body": text,
        "FromCountry": "US",
        "To": "+17185550100",
        "MessagingServiceSid": "MG0123",
        "ToZip": "11225",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC0123456789abcdef",
        "From": phone,
        "ApiVersion": "2010-04-01",
    }


def post_twilio(
    client: Client,
    phone: str,
    text: str,
    *,
    sid: str | None = None,
    token: str = TWILIO_TOKEN,
    params: dict[str, str] | None = None,
) -> Any:
    """A signed Twilio webhook; `params` replaces the whole form (status callbacks, MMS…)."""
    params = params if params is not None else twilio_payload(phone, text, sid)
    url = webhook_url("twilio")
    signature = twilio_sign("http://testserver" + url, params, token)
    return client.post(
        url,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )


def android_event(phone: str, text: str, message_id: str = "msg-1", event: str = "sms:received") -> bytes:
    return json.dumps(
        {
            "deviceId": "ffffffffceb0b1db0000018e937c815b",
            "event": event,
            "id": "Ey6ECgOkVVFjz3CL48B8C",
            "webhookId": "LreFUt-Z3sSq0JufY9uWB",
            "payload": {
                "messageId": message_id,
                "message": text,
                "phoneNumber": phone,
                "simNumber": 1,
                "receivedAt": "2026-11-25T10:00:00.000+00:00",
            },
        }
    ).encode()


def post_android(client: Client, body: bytes, *, timestamp: int | None = None, key: str = ANDROID_KEY) -> Any:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return client.post(
        webhook_url("android"),
        body,
        content_type="application/json",
        headers={"X-Signature": android_sign(body, ts, key), "X-Timestamp": ts},
    )


def run_jobs() -> None:
    """Run every due job through `mutualaid worker --batch`, inside the test's transaction.

    The worker closes "old" connections between jobs; inside a test transaction on PostgreSQL that
    would close the test's own connection, so that one call is stubbed here.
    """
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--batch", "--no-schedule", verbosity=0)


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """A real SMTP server (aiosmtpd) on a free loopback port; messages land in `.messages`."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self) -> None:
            self.messages: list[Any] = []

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.MUTUALAID_PUBLIC_URL = "https://aid.example.org"
    yield handler
    controller.stop()


def member_request(user: Any, group: Any, category: str = "food") -> Any:
    """A member's need on the board with its check-in record (the e-mail check-in path)."""
    from mutualaid.channels.models import IntakeRequest
    from mutualaid.exchange.services import PostInput, post_create

    post = post_create(
        group=group, author=user, data=PostInput(kind="need", category=category, title="Groceries")
    )
    return IntakeRequest.objects.create(group=group, post=post, user=user)


def sms_request(group: Any, contact: Any, category: str = "food") -> Any:
    """A need that came by SMS, put on the board the way the conversation does."""
    from mutualaid.channels import board

    return board.create_from_sms(
        group=group,
        contact=contact,
        kind="need",
        category=category,
        area_text="",
        urgency="anytime",
        details="",
        language="en",
    )
