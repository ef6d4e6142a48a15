"""SMS gateway protocols: check an inbound webhook's signature, read its messages, send outbound.

Three kinds, chosen per group (docs/sms-gateways.md):
- Twilio: form POST signed with X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL + sorted params)).
  Implemented from Twilio's documented algorithm (the same as `twilio.request_validator`), including
  its tolerance of an explicit or implicit default port in the URL.
- SMS Gateway for Android: JSON events signed with X-Signature = hex(HMAC-SHA256(signing key,
  raw body + X-Timestamp)); stale timestamps are refused so a captured request cannot be replayed.
- Generic: form or JSON fields `from`/`sender`, `text`, `date`, `id`, with a shared secret header.

Nothing here logs a phone number or a message body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from mutualaid.channels import conf
from mutualaid.channels.models import Gateway, GatewayKind

SEND_TIMEOUT_SECONDS = 15
GENERIC_SECRET_HEADER = "X-Webhook-Secret"  # noqa: S105 - a header name, not a secret


class BadSignature(Exception):
    """The request was not signed by the gateway (or is stale): answer 403, do nothing."""


class SendError(Exception):
    """The gateway refused or could not be reached; the job retries with backoff."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class InboundSms:
    phone: str
    text: str
    # Identifies this delivery across the gateway's retries: its id plus the content.
    dedupe_source: str
    # Pictures or other attachments (MMS): counted, never fetched or stored.
    media: int = 0


@dataclass(frozen=True)
class DeliveryReport:
    """A gateway's word on a message we sent: its id (the one the gateway gave when sending) and outcome."""

    gateway_id: str
    failed: bool


@dataclass(frozen=True)
class Webhook:
    """What one webhook call carried: texts people sent, and reports on texts we sent."""

    messages: list[InboundSms] = field(default_factory=list)
    reports: list[DeliveryReport] = field(default_factory=list)


# Twilio ------------------------------------------------------------------------------------------


def twilio_signature(url: str, params: dict[str, list[str]], auth_token: str) -> str:
    """Twilio's request signature: the URL, then each parameter name + value, sorted by name."""
    payload = url
    for name in sorted(params):
        for value in sorted(set(params[name])):
            payload += name + value
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _url_variants(url: str) -> list[str]:
    """The URL as given, without its default port and with it: Twilio signs whichever it used."""
    parts = urllib.parse.urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    port = parts.port or default
    without = urllib.parse.urlunsplit(
        parts._replace(netloc=f"{userinfo}{host}" if port == default else f"{userinfo}{host}:{port}")
    )
    with_port = urllib.parse.urlunsplit(parts._replace(netloc=f"{userinfo}{host}:{port}"))
    return list(dict.fromkeys([url, without, with_port]))


def request_url(request: HttpRequest) -> str:
    """The URL the gateway called: the configured public URL when behind a reverse proxy."""
    base = conf.public_url()
    if base:
        return base + request.get_full_path()
    return request.build_absolute_uri()


def twilio_verify(request: HttpRequest, gateway: Gateway) -> None:
    signature = request.headers.get("X-Twilio-Signature", "")
    token = gateway.secret or ""
    if not signature or not token:
        raise BadSignature
    params = {key: request.POST.getlist(key) for key in request.POST}
    for url in _url_variants(request_url(request)):
        if hmac.compare_digest(twilio_signature(url, params, token), signature):
            return
    raise BadSignature


# Twilio's message statuses that say a text we sent will not arrive.
TWILIO_FAILED = {"failed", "undelivered", "canceled"}


def twilio_parse(request: HttpRequest) -> Webhook:
    sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    status = (request.POST.get("MessageStatus") or request.POST.get("SmsStatus") or "").lower()
    if status and status not in ("received", "receiving"):
        # A status callback about a text we sent (queued, sent, delivered, failed…), posted to the same
        # address when the number or messaging service is set up that way. Its `From` is our own number:
        # answering it as an inbound text would have the group's number talk to itself.
        return Webhook(
            reports=[DeliveryReport(gateway_id=sid, failed=status in TWILIO_FAILED)] if sid else []
        )
    phone, text = request.POST.get("From", ""), request.POST.get("Body", "")
    if not phone:
        return Webhook()
    media = _count(request.POST.get("NumMedia"))
    return Webhook(
        messages=[
            InboundSms(
                phone=phone, text=text, media=media, dedupe_source=f"twilio\x00{sid}\x00{phone}\x00{text}"
            )
        ]
    )


def twilio_send(gateway: Gateway, to: str, body: str, ref: str) -> str:
    account = gateway.account or ""
    url = f"{conf.get('MUTUALAID_TWILIO_API_URL')}/2010-04-01/Accounts/{urllib.parse.quote(account)}/Messages.json"
    data = urllib.parse.urlencode({"From": gateway.sender or "", "To": to, "Body": body}).encode()
    answer = _post(url, data, "application/x-www-form-urlencoded", basic=(account, gateway.secret or ""))
    return _answer_id(answer, "sid")


# SMS Gateway for Android -------------------------------------------------------------------------


def android_signature(body: bytes, timestamp: str, key: str) -> str:
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def android_verify(request: HttpRequest, gateway: Gateway) -> None:
    signature = request.headers.get("X-Signature", "")
    timestamp = request.headers.get("X-Timestamp", "")
    key = gateway.secret or ""
    if not signature or not timestamp or not key:
        raise BadSignature
    try:
        sent = int(timestamp)
    except ValueError:
        raise BadSignature from None
    if abs(time.time() - sent) > conf.get("MUTUALAID_SMS_MAX_AGE_SECONDS"):
        raise BadSignature
    if not hmac.compare_digest(android_signature(request.body, timestamp, key), signature.lower()):
        raise BadSignature


# Events that carry texts people sent. Newer app versions batch them when asked to
# ("sms:batch:received": payload.messages is a list). An MMS (a picture, or a long text some phones send
# as MMS) arrives as "mms:received" (a notice: no text) or, in versions that download it, "mms:downloaded"
# (with the text in `body`); register one of the two, not both.
ANDROID_RECEIVED = {"sms:received", "mms:received", "mms:downloaded"}
ANDROID_BATCH = {
    "sms:batch:received": "sms:received",
    "mms:batch:received": "mms:received",
    "mms:batch:downloaded": "mms:downloaded",
}


def _android_message(event: str, payload: dict[str, Any]) -> InboundSms | None:
    # "phoneNumber" in every app version; newer ones add "sender" (and "recipient", our own number).
    phone = str(payload.get("sender") or payload.get("phoneNumber") or "")
    if not phone:
        return None
    if event == "sms:received":
        text, media = str(payload.get("message") or ""), 0
    elif event == "mms:downloaded":
        attachments = payload.get("attachments")
        text = str(payload.get("body") or "")
        media = (
            sum(
                1
                for a in attachments
                if isinstance(a, dict) and not str(a.get("contentType", "")).startswith("text/")
            )
            if isinstance(attachments, list)
            else 0
        )
    else:
        text, media = "", _count(payload.get("attachmentCount")) or 1
    # The app's messageId is not unique on its own (older versions send none); with the sender,
    # content and time it is.
    source = "\x00".join(
        [
            "android",
            event,
            str(payload.get("messageId") or ""),
            str(payload.get("transactionId") or ""),
            phone,
            text,
            str(payload.get("receivedAt") or ""),
        ]
    )
    return InboundSms(phone=phone, text=text, dedupe_source=source, media=media)


def android_parse(request: HttpRequest) -> Webhook:
    try:
        event = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return Webhook()
    if not isinstance(event, dict) or not isinstance(event.get("payload"), dict):
        return Webhook()
    name, payload = str(event.get("event") or ""), event["payload"]
    if name in ANDROID_RECEIVED:
        found = _android_message(name, payload)
        return Webhook(messages=[found] if found else [])
    if name in ANDROID_BATCH:
        items = payload.get("messages")
        found_all = (
            [_android_message(ANDROID_BATCH[name], i) for i in items if isinstance(i, dict)]
            if isinstance(items, list)
            else []
        )
        return Webhook(messages=[m for m in found_all if m is not None])
    if name in ("sms:failed", "sms:delivered") and payload.get("messageId"):
        return Webhook(
            reports=[DeliveryReport(gateway_id=str(payload["messageId"]), failed=name == "sms:failed")]
        )
    # sms:sent, system:ping, app:started, data SMS (binary, not meant for people)…: acknowledged, ignored.
    return Webhook()


def android_send(gateway: Gateway, to: str, body: str, ref: str) -> str:
    """Send through the phone (local server) or the app's cloud/private server.

    `ref` is our id for the message: the app keeps it as the message's id, so a second request for the
    same message (after a worker died mid-send) names the same message, and its delivery reports name it.
    App versions before `textMessage` existed (1.40) only know the older shape with a top-level `message`;
    they refuse the newer one with HTTP 400 or 500 without queuing anything, so that answer is retried
    once in the older shape, which every version accepts.
    """
    base = (gateway.api_url or "").rstrip("/")
    if not base:
        raise SendError("no API URL configured")
    basic = (gateway.account or "", gateway.api_password or "")
    current = {"id": ref, "textMessage": {"text": body}, "phoneNumbers": [to], "withDeliveryReport": True}
    try:
        answer = _post(f"{base}/message", json.dumps(current).encode(), "application/json", basic=basic)
    except SendError as exc:
        if exc.status not in (400, 500):
            raise
        legacy = {"id": ref, "message": body, "phoneNumbers": [to], "withDeliveryReport": True}
        answer = _post(f"{base}/message", json.dumps(legacy).encode(), "application/json", basic=basic)
    return _answer_id(answer, "id") or ref


# Generic -----------------------------------------------------------------------------------------


def generic_verify(request: HttpRequest, gateway: Gateway) -> None:
    given = request.headers.get(GENERIC_SECRET_HEADER, "")
    if not given:
        auth = request.headers.get("Authorization", "")
        given = auth[7:] if auth.startswith("Bearer ") else ""
    secret = gateway.secret or ""
    if not given or not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        raise BadSignature


def _generic_fields(request: HttpRequest) -> dict[str, str]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            str(k): "" if v is None else str(v) for k, v in data.items() if not isinstance(v, (dict, list))
        }
    source = request.POST if request.method == "POST" and request.POST else request.GET
    return {key: source.get(key, "") for key in source}


GENERIC_FAILED = {"failed", "undelivered", "errored", "error", "rejected"}


def generic_parse(request: HttpRequest) -> Webhook:
    fields = _generic_fields(request)
    phone = fields.get("from") or fields.get("sender") or ""
    text = fields.get("text", "")
    if not phone:
        # A status callback (RapidPro-style: the `id` we sent, and a status) about a text we sent.
        status = fields.get("status", "").lower()
        if fields.get("id") and status:
            return Webhook(reports=[DeliveryReport(gateway_id=fields["id"], failed=status in GENERIC_FAILED)])
        return Webhook()
    ident = fields.get("id", "")
    when = fields.get("date", "")
    if not ident and not when:
        # Without an id or a date a retry cannot be told from the same words sent again; the minute
        # of arrival separates them well enough for people typing on a phone.
        when = time.strftime("%Y-%m-%dT%H:%M", time.gmtime())
    return Webhook(
        messages=[
            InboundSms(
                phone=phone, text=text, dedupe_source=f"generic\x00{ident}\x00{phone}\x00{text}\x00{when}"
            )
        ]
    )


def generic_send(gateway: Gateway, to: str, body: str, ref: str) -> str:
    """POST {"id", "to", "text"}; the bridge may use `id` to drop a repeated request and in its status callbacks."""
    url = gateway.api_url or ""
    if not url:
        raise SendError("no outbound URL configured")
    data = json.dumps({"id": ref, "to": to, "text": body}).encode()
    answer = _post(url, data, "application/json", headers={GENERIC_SECRET_HEADER: gateway.secret or ""})
    return _answer_id(answer, "id") or ref


# Dispatch ----------------------------------------------------------------------------------------

VERIFY = {
    GatewayKind.TWILIO: twilio_verify,
    GatewayKind.ANDROID: android_verify,
    GatewayKind.GENERIC: generic_verify,
}
PARSE = {
    GatewayKind.TWILIO: twilio_parse,
    GatewayKind.ANDROID: android_parse,
    GatewayKind.GENERIC: generic_parse,
}
SEND = {GatewayKind.TWILIO: twilio_send, GatewayKind.ANDROID: android_send, GatewayKind.GENERIC: generic_send}


def verify_and_parse(request: HttpRequest, gateway: Gateway) -> Webhook:
    VERIFY[GatewayKind(gateway.kind)](request, gateway)
    return PARSE[GatewayKind(gateway.kind)](request)


def send(gateway: Gateway, to: str, body: str, ref: str) -> str:
    """Hand one text to the gateway; returns the id the gateway gave it (empty when it gave none)."""
    return SEND[GatewayKind(gateway.kind)](gateway, to, body, ref)


def _count(value: Any) -> int:
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _answer_id(answer: bytes, name: str) -> str:
    try:
        data = json.loads(answer or b"{}")
    except (ValueError, UnicodeDecodeError):
        return ""
    value = data.get(name) if isinstance(data, dict) else None
    return str(value)[:64] if isinstance(value, (str, int)) and value != "" else ""


def _post(
    url: str,
    data: bytes,
    content_type: str,
    *,
    basic: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise SendError("the gateway URL must start with https:// or http://")
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 - scheme checked above
    request.add_header("Content-Type", content_type)
    if basic is not None:
        token = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as response:  # noqa: S310
            return bytes(response.read(65536))
    except urllib.error.HTTPError as exc:
        # The status only: the gateway's error body may echo the number or the text.
        raise SendError(f"the gateway answered HTTP {exc.code}", status=exc.code) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendError(f"the gateway could not be reached ({type(exc).__name__})") from None
