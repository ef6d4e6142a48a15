"""Request-wide protections: no client address, strict headers, second factor, protective errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

logger = logging.getLogger("mutualaid.api")

Handler = Callable[[HttpRequest], HttpResponse]

# Headers that identify the client's network or device. Removed before any code can log or store them
# (THREATS.md property 5). Behind Tor they would all say 127.0.0.1 anyway.
_IDENTIFYING = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_USER_AGENT",
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def forget_client_address(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        for key in _IDENTIFYING:
            request.META.pop(key, None)
        request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104 - a placeholder, never a bind address
        return get_response(request)

    return middleware


_NUL_MARKERS = (b"\x00", b"%00", b"\\u0000")
_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded", "text/")


def refuse_nul_characters(get_response: Handler) -> Handler:
    """Refuse text input that carries a NUL character (THREATS.md property 22).

    No member means to type one, PostgreSQL cannot store one in a text column (the request would fail
    with a server error after half its work), and some tools cut strings at it. Django's forms already
    refuse it field by field; this covers the API and query strings too. File uploads are not checked.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "").encode()
        content_type = request.META.get("CONTENT_TYPE", "")
        body = request.body if content_type.startswith(_TEXT_BODIES) else b""
        if any(marker in query for marker in _NUL_MARKERS[:2]) or any(
            marker in body.lower() for marker in _NUL_MARKERS
        ):
            from django.http import JsonResponse
            from django.utils import translation
            from django.utils.translation import gettext as _

            # This runs before LocaleMiddleware: speak the request's language, not the thread's last one.
            with translation.override(translation.get_language_from_request(request)):
                message = _("The request contains a NUL character, which is not allowed in text.")
            if request.path_info.startswith("/api/"):
                # The API's one error shape (docs/api.md).
                return JsonResponse({"detail": "bad request", "errors": {"__all__": [message]}}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def security_headers(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.pop("Server", None)
        # Whatever a logged-in member or an API token sees may hold decrypted personal data: a seized
        # laptop's browser cache must not keep it.
        user = getattr(request, "user", None)
        if "Authorization" in request.headers or (user is not None and user.is_authenticated):
            existing = response.headers.get("Cache-Control", "")
            if "no-store" not in existing:
                response.headers["Cache-Control"] = f"{existing}, no-store" if existing else "no-store"
        return response

    return middleware


def health_check(get_response: Handler) -> Handler:
    """Answer ``/healthz`` before sessions, language, authentication and the rest are set up.

    Placed after the security middleware, so the answer carries the same security headers as any page
    (CSP and friends from ``security_headers``, nosniff, Referrer-Policy and HSTS behind TLS from Django's
    SecurityMiddleware); X-Frame-Options is set here because its middleware comes later. A load balancer
    polls this often: it should cost next to nothing. The URL stays routed (``config.urls``) as well."""

    def middleware(request: HttpRequest) -> HttpResponse:
        # Reads only: any other method still meets the CSRF check and the rest, as every URL does.
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            response = HttpResponse("ok", content_type="text/plain")
            response.headers["X-Frame-Options"] = "DENY"
            return response
        return get_response(request)

    return middleware


class SecondFactorRedirect:
    """Coordinator views without a second factor send the coordinator to set one up (property 11)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.contrib import messages
        from django.utils.translation import gettext as _

        from mutualaid.core.access import SecondFactorRequired

        if isinstance(exception, SecondFactorRequired):
            messages.warning(
                request,
                _(
                    "Coordinators must set up a second factor (an authenticator app) before using coordinator pages."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return None


class ProtectiveErrors:
    """Turn two protective refusals into clear pages instead of server errors; JSON errors under /api/.

    - A JSON body under /api/ that is not an object (`null`, a list, a number): 400.
    - Any other server error under /api/: 500 as JSON (the error goes to the log).

    - RateLimited (a member posted too much): 429 Too Many Requests, with Retry-After.
    - KeyRingError (the key ring was destroyed by `mutualaid panic`): 503, saying so; the site stays up.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and request.content_type == "application/json" and request.body:
            # Every operation takes an object: `null`, a list or a bare value must not become defaults.
            try:
                body = json.loads(request.body)
            except ValueError:
                body = None
            if not isinstance(body, dict):
                return JsonResponse({"detail": "The body must be a JSON object."}, status=400)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from mutualaid.core.encryption import KeyRingError
        from mutualaid.core.ratelimit import RateLimited

        if isinstance(exception, RateLimited):
            response = render(request, "core/too_many.html", status=429)
            response.headers["Retry-After"] = str(max(exception.retry_after, 1))
            return response
        api = request.path.startswith("/api/")
        if isinstance(exception, KeyRingError):
            if api:
                return JsonResponse({"detail": "The key ring was destroyed."}, status=503)
            return render(request, "core/keys_destroyed.html", status=503)
        from mutualaid.core import errors

        if errors.database_unavailable(exception):
            return errors.unavailable(request)  # 503 "try again": nothing was saved
        if api and not isinstance(exception, Http404 | PermissionDenied):
            # API clients read JSON, also when something failed; the error itself goes to the log.
            logger.error(
                "API error on %s",
                request.resolver_match.route if request.resolver_match else "?",
                exc_info=exception,
            )
            return JsonResponse({"detail": "Server error."}, status=500)
        return None
