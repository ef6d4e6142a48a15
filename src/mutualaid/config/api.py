"""The JSON API at /api/v1: personal access tokens, one router per domain."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaError

from mutualaid.core import errors
from mutualaid.core.api_types import MissingFields
from mutualaid.core.encryption import KeyRingError
from mutualaid.core.ratelimit import RateLimited
from mutualaid.core.registry import api_routers
from mutualaid.members.http import TokenAuth


class MutualaidAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        # The function name, which is also the URL name: the access matrix ties the two together.
        return str(operation.view_func.__name__)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_not_allowed(pattern.callback)
        return urls


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a method a path does not have with a plain-text 405: in the API's shape."""

    @functools.wraps(view)  # keeps csrf_exempt
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith("application/json"):
            return response
        message = _("This address does not take %(method)s; it takes %(allowed)s.") % {
            "method": request.method,
            "allowed": response.get("Allow", ""),
        }
        refused = refusal(request, 405, {ALL: [message]})
        refused["Allow"] = response.get("Allow", "")
        return refused

    return wrapped


api = MutualaidAPI(
    title="mutualaid API",
    version="1",
    urls_namespace="api",
    docs_url=None,  # the Swagger page loads from a CDN; the schema is at openapi.json
    auth=TokenAuth(),
    description="Personal access tokens are created and revoked in the profile. Send them as `Authorization: Bearer <token>`.",
)


# Every 4xx answer has one shape (docs/api.md): {"detail": <code>, "errors": {<field>: [<message>, …]}}.
# `detail` is a short English code a client can branch on, never translated; the messages are in the
# language the request asks for (Accept-Language, else the member's language: members.http.TokenAuth).
# "__all__" holds what belongs to no one field.
CODES = {
    400: "bad request",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
    413: "too large",
    422: "invalid",
    429: "too many requests",
}
ALL = "__all__"


def refusal(
    request: HttpRequest, status: int, errors: dict[str, list[str]], *, detail: str = "", **extra: Any
) -> HttpResponse:
    body = {"detail": detail or CODES.get(status, "refused"), "errors": errors, **extra}
    return api.create_response(request, body, status=status)


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()
        }
    return {ALL: [str(m) for m in exc.messages]}


@api.exception_handler(MissingFields)
def missing_fields(request: HttpRequest, exc: MissingFields) -> HttpResponse:
    return refusal(request, 400, _errors(exc))


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return refusal(request, 422, _errors(exc))


def _field(loc: tuple[Any, ...]) -> str:
    """The field a schema error is about: `("body", "payload", "amount")` -> "amount"; the whole body
    (or a part with no name) -> "__all__"."""
    source, *path = loc or ("",)
    if source == "body" and path:
        path = path[1:]  # the operation's body parameter, a name only the server knows
    return ".".join(str(part) for part in path) or ALL


def _schema_message(error: dict[str, Any]) -> str:
    """A pydantic error, in words a member reads in their language (pydantic's own are English only)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith(("float_", "decimal_")):
        return _("Enter a number.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind.startswith("datetime_"):
        return _("Enter a date and time, such as 2026-03-01T14:30.")
    if kind.startswith("date_"):
        return _("Enter a date, such as 2026-03-01.")
    if kind.startswith("time_"):
        return _("Enter a time, such as 14:30.")
    if kind.startswith("uuid_"):
        return _("Enter a valid identifier.")
    if kind in ("string_too_long", "too_long"):
        return _("This is too long (at most %(limit)s).") % {"limit": ctx.get("max_length", "")}
    if kind in ("string_too_short", "too_short"):
        return _("This is too short (at least %(limit)s).") % {"limit": ctx.get("min_length", "")}
    if kind == "greater_than":
        return _("Enter a value greater than %(limit)s.") % {"limit": ctx.get("gt", "")}
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(limit)s.") % {"limit": ctx.get("ge", "")}
    if kind == "less_than":
        return _("Enter a value less than %(limit)s.") % {"limit": ctx.get("lt", "")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(limit)s.") % {"limit": ctx.get("le", "")}
    if kind in ("enum", "literal_error"):
        return _("Choose one of the allowed values.")
    if kind.startswith("string_"):
        return _("Enter text.")
    if kind.startswith("list_") or kind in ("tuple_type", "set_type"):
        return _("Send a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Send an object with named fields.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind == "value_error" and isinstance(ctx.get("error"), str):
        return str(ctx["error"])  # the project's own validators speak the member's language
    return _("Enter a valid value.")


@api.exception_handler(SchemaError)
def schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(tuple(error.get("loc", ()))), []).append(_schema_message(error))
    return refusal(request, 422, errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, AuthenticationError):
        message = _("Send a valid personal access token: Authorization: Bearer <token>.")
    elif status == 404:
        message = _("Not found.")
    elif isinstance(exc, Throttled):
        message = _("Too many requests; wait a moment and try again.")
    elif status == 400 and isinstance(exc.__cause__, Exception) and exc.message.startswith("Cannot parse"):
        message = _("The request body could not be read: send JSON with Content-Type: application/json.")
    else:
        message = str(exc.message)
    return refusal(request, status, {ALL: [message]})


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    from mutualaid.core.access import SecondFactorRequired

    if isinstance(exc, SecondFactorRequired):
        message = _("Coordinator actions need a second factor: set one up in your profile first.")
        return refusal(request, 403, {ALL: [message]}, detail="second factor required")
    # The services' own reasons are gettext'd where they are raised, in the request's language.
    message = str(exc.args[0]) if exc.args and exc.args[0] else _("You may not do this.")
    return refusal(request, 403, {ALL: [message]})


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = refusal(request, 429, {ALL: [_("Too many requests; wait a moment and try again.")]})
    response.headers["Retry-After"] = str(max(exc.retry_after, 1))
    return response


@api.exception_handler(KeyRingError)
def keys_destroyed(request: HttpRequest, exc: KeyRingError) -> HttpResponse:
    return api.create_response(request, {"detail": "the encryption keys were destroyed"}, status=503)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    if not errors.database_unavailable(exc):
        raise exc
    return errors.unavailable(request)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return refusal(request, 404, {ALL: [_("Not found.")]})


for router in api_routers():
    api.add_router("/", router)
