"""The JSON API at /api/v1: personal access tokens, one router per domain."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from mutualaid.core import errors
from mutualaid.core.encryption import KeyRingError
from mutualaid.core.ratelimit import RateLimited
from mutualaid.core.registry import api_routers
from mutualaid.members.http import TokenAuth


class MutualaidAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        # The function name, which is also the URL name: the access matrix ties the two together.
        return str(operation.view_func.__name__)


api = MutualaidAPI(
    title="mutualaid API",
    version="1",
    urls_namespace="api",
    docs_url=None,  # the Swagger page loads from a CDN; the schema is at openapi.json
    auth=TokenAuth(),
    description="Personal access tokens are created and revoked in the profile. Send them as `Authorization: Bearer <token>`.",
)


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": "invalid", "errors": _errors(exc)}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    from mutualaid.core.access import SecondFactorRequired

    detail = "second factor required" if isinstance(exc, SecondFactorRequired) else "forbidden"
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(request, {"detail": "too many requests"}, status=429)
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
    return api.create_response(request, {"detail": "not found"}, status=404)


for router in api_routers():
    api.add_router("/", router)
