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
from dataclasses import dataclass

from django.http import HttpRequest

from mutualaid.channels import conf
from mutualaid.channels.models import Gateway, GatewayKind

SEND_TIMEOUT_SECONDS = 15
GENERIC_SECRET_HEADER = "X-Webhook-Secret"  # noqa: S105 - a header name, not a secret


class BadSignature(Exception):
    """The request was not signed by the gateway (or is stale): answer 403, do nothing."""


class SendError(Exception):
    """The gateway refused or could not be reached; the job retries with backoff."""


@dataclass(frozen=True)
class InboundSms:
    phone: str
    text: str
    # Identifies this delivery across the gateway's retries: its id plus the content.
    dedupe_source: str


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
    without = urllib.parse.urlunsplit(parts._replace(netloc=f"{userinfo}{host}" if port == default else f"{userinfo}{host}:{port}"))
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


def twilio_parse(request: HttpRequest) -> list[InboundSms]:
    sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    phone, text = request.POST.get("From", ""), request.POST.get("Body", "")
    if not phone:
        return []
    return [InboundSms(phone=phone, text=text, dedupe_source=f"twilio\x00{sid}\x00{phone}\x00{text}")]


def twilio_send(gateway: Gateway, to: str, body: str) -> None:
    account = gateway.account or ""
    url = f"{conf.get('MUTUALAID_TWILIO_API_URL')}/2010-04-01/Accounts/{urllib.parse.quote(account)}/Messages.json"
    data = urllib.parse.urlencode({"From": gateway.sender or "", "To": to, "Body": body}).encode()
    _post(url, data, "application/x-www-form-urlencoded", basic=(account, gateway.secret or ""))


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


def android_parse(request: HttpRequest) -> list[InboundSms]:
    try:
        event = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(event, dict) or event.get("event") != "sms:received":
        return []  # sms:sent, sms:delivered, sms:failed, system:ping…: acknowledged and ignored
    payload = event.get("payload") or {}
    if not isinstance(payload, dict):
        return []
    phone, text = str(payload.get("phoneNumber") or ""), str(payload.get("message") or "")
    if not phone:
        return []
    # The app's messageId is not unique on its own; with the sender, content and time it is.
    source = "\x00".join(
        ["android", str(payload.get("messageId", "")), phone, text, str(payload.get("receivedAt", ""))]
    )
    return [InboundSms(phone=phone, text=text, dedupe_source=source)]


def android_send(gateway: Gateway, to: str, body: str) -> None:
    base = (gateway.api_url or "").rstrip("/")
    if not base:
        raise SendError("no API URL configured")
    data = json.dumps({"textMessage": {"text": body}, "phoneNumbers": [to]}).encode()
    _post(f"{base}/message", data, "application/json", basic=(gateway.account or "", gateway.api_password or ""))


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
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    source = request.POST if request.method == "POST" and request.POST else request.GET
    return {key: source.get(key, "") for key in source}


def generic_parse(request: HttpRequest) -> list[InboundSms]:
    fields = _generic_fields(request)
    phone = fields.get("from") or fields.get("sender") or ""
    text = fields.get("text", "")
    if not phone:
        return []
    ident = fields.get("id", "")
    when = fields.get("date", "")
    if not ident and not when:
        # Without an id or a date a retry cannot be told from the same words sent again; the minute
        # of arrival separates them well enough for people typing on a phone.
        when = time.strftime("%Y-%m-%dT%H:%M", time.gmtime())
    return [InboundSms(phone=phone, text=text, dedupe_source=f"generic\x00{ident}\x00{phone}\x00{text}\x00{when}")]


def generic_send(gateway: Gateway, to: str, body: str) -> None:
    url = gateway.api_url or ""
    if not url:
        raise SendError("no outbound URL configured")
    data = json.dumps({"to": to, "text": body}).encode()
    _post(url, data, "application/json", headers={GENERIC_SECRET_HEADER: gateway.secret or ""})


# Dispatch ----------------------------------------------------------------------------------------

VERIFY = {GatewayKind.TWILIO: twilio_verify, GatewayKind.ANDROID: android_verify, GatewayKind.GENERIC: generic_verify}
PARSE = {GatewayKind.TWILIO: twilio_parse, GatewayKind.ANDROID: android_parse, GatewayKind.GENERIC: generic_parse}
SEND = {GatewayKind.TWILIO: twilio_send, GatewayKind.ANDROID: android_send, GatewayKind.GENERIC: generic_send}


def verify_and_parse(request: HttpRequest, gateway: Gateway) -> list[InboundSms]:
    VERIFY[GatewayKind(gateway.kind)](request, gateway)
    return PARSE[GatewayKind(gateway.kind)](request)


def send(gateway: Gateway, to: str, body: str) -> None:
    SEND[GatewayKind(gateway.kind)](gateway, to, body)


def _post(
    url: str, data: bytes, content_type: str, *, basic: tuple[str, str] | None = None, headers: dict[str, str] | None = None
) -> None:
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
            response.read()
    except urllib.error.HTTPError as exc:
        # The status only: the gateway's error body may echo the number or the text.
        raise SendError(f"the gateway answered HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendError(f"the gateway could not be reached ({type(exc).__name__})") from None
