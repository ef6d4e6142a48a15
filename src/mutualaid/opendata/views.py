"""Open data: the page that explains it, the HSDS dataset and API, a group's published offers (ValueFlows)
and the coordinators' publishing choice.

Everything here except the publishing choice is public and the same for everyone who asks (nothing
depends on the session), so the JSON answers allow any origin to read them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mutualaid.core import ratelimit
from mutualaid.core.categories import Category
from mutualaid.groups.access import get_group_for_coordinator, get_listed_or_member_group
from mutualaid.opendata import cache, hsds, selectors, services, valueflows
from mutualaid.opendata import dataset as tabular
from mutualaid.opendata.forms import PublishingForm

JSON_PARAMS = {"ensure_ascii": False}
# The HSDS API's limits (MUTUALAID_RATE_HSDS_API overrides both): generous for a directory tool that
# pages through everything, tight enough that one client cannot keep the server busy.
API_ACTION = "hsds_api"
API_RATE_ANONYMOUS = "600/m"
API_RATE_MEMBER = "600/m"


def _json(data: Any, status: int = 200, content_type: str = "application/json") -> JsonResponse:
    response = JsonResponse(
        data, status=status, safe=False, json_dumps_params=JSON_PARAMS, content_type=content_type
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _refused(status: int, detail: str, message: str) -> JsonResponse:
    """The API's one error shape (docs/api.md): a code, and the message in the request's language."""
    return _json({"detail": detail, "errors": {"__all__": [message]}}, status=status)


def _not_found() -> JsonResponse:
    return _refused(404, "not found", _("Not found."))


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "opendata/index.html", {"categories": Category.choices})


@require_GET
def dataset(request: HttpRequest) -> HttpResponse:
    body = cache.package(
        selectors.base_url(request),
        lambda: tabular.zipped(selectors.directory(request), created=hsds.now_stamp()),
    )
    response = HttpResponse(body, content_type="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="hsds.zip"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- HSDS API (https://docs.openreferral.org/en/v3.0/hsds/api_reference.html) -----------------------

Shape = Callable[[hsds.Directory, dict[str, Any]], dict[str, Any]]


def _limited(request: HttpRequest) -> JsonResponse | None:
    """Count one API request: per member when signed in, otherwise against one install-wide anonymous
    budget (no address is ever seen, so none is counted); a 429 with Retry-After when over."""
    user = request.user if request.user.is_authenticated else None
    try:
        ratelimit.limit(
            action=API_ACTION,
            user=user,
            scope=None if user else "hsds:anonymous",
            rate=API_RATE_MEMBER if user else API_RATE_ANONYMOUS,
        )
    except ratelimit.RateLimited as exc:
        response = _refused(429, "too many requests", _("Too many requests; wait a moment and try again."))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return None


def _flat(_d: hsds.Directory, record: dict[str, Any]) -> dict[str, Any]:
    return record


def _with_organization(d: hsds.Directory, service: dict[str, Any]) -> dict[str, Any]:
    return {**service, "organization": d.by_id("organizations", service["organization_id"])}


def _listing(request: HttpRequest, table: str, shape: Shape, *, filters: bool = True) -> JsonResponse:
    query = request.GET
    try:
        page = selectors.page_request(query.get("page", ""), query.get("per_page", ""))
        since = selectors.parse_modified_after(query.get("modified_after", "")) if filters else None
    except selectors.BadQuery as exc:
        return _refused(400, "bad request", str(exc))
    d = selectors.directory(request)
    records: list[dict[str, Any]] = getattr(d, table)
    search = query.get("search", "")[:100]
    term = query.get("taxonomy_term_id", "")
    organization = query.get("organization_id", "")
    taxonomy = query.get("taxonomy_id", "")

    def service_of(record: dict[str, Any]) -> dict[str, Any]:
        if table == "service_at_locations":
            return d.by_id("services", record["service_id"]) or {}
        return record

    def keep(record: dict[str, Any]) -> bool:
        if table == "taxonomy_terms":
            return (not taxonomy or record.get("taxonomy_id") == taxonomy) and selectors.matches(
                record, search
            )
        if table in ("organizations", "taxonomies"):
            return selectors.matches(record, search)
        service = service_of(record)
        codes = d.service_terms.get(service.get("id", ""), set())
        return (
            selectors.matches(service, search)
            and (not term or any(d.id("taxonomy_term", code) == term for code in codes))
            and (not taxonomy or (bool(codes) and taxonomy == d.id("taxonomy", "categories")))
            and (not organization or service.get("organization_id") == organization)
            and selectors.modified_since(service, since)
        )

    # Page first, shape after: only the records on the page are nested.
    chosen = selectors.paginate([record for record in records if keep(record)], page)
    chosen["contents"] = [shape(d, record) for record in chosen["contents"]]
    return _json(chosen)


def _lister(table: str, shape: Shape, *, filters: bool = True) -> Callable[[HttpRequest], JsonResponse]:
    @require_GET
    def view(request: HttpRequest) -> JsonResponse:
        return _limited(request) or _listing(request, table, shape, filters=filters)

    view.__name__ = f"hsds_{table}"
    return view


def _detailer(table: str, full: Shape) -> Callable[[HttpRequest, str], JsonResponse]:
    @require_GET
    def view(request: HttpRequest, record_id: str) -> JsonResponse:
        refused = _limited(request)
        if refused:
            return refused
        d = selectors.directory(request)
        found = d.by_id(table, record_id)
        return _json(full(d, found)) if found else _not_found()

    view.__name__ = f"hsds_{table}_one"
    return view


@require_GET
def hsds_root(request: HttpRequest) -> JsonResponse:
    return _json({"version": hsds.HSDS_VERSION, "profile": hsds.PROFILE, "openapi_url": hsds.OPENAPI})


hsds_organizations = _lister("organizations", _flat)
hsds_organization = _detailer("organizations", hsds.organization_full)
hsds_services = _lister("services", _with_organization)
hsds_service = _detailer("services", hsds.service_full)
hsds_service_at_locations = _lister("service_at_locations", hsds.service_at_location_listed)
hsds_service_at_location = _detailer("service_at_locations", hsds.service_at_location_full)
hsds_taxonomies = _lister("taxonomies", _flat, filters=False)
hsds_taxonomy = _detailer("taxonomies", _flat)
hsds_taxonomy_terms = _lister("taxonomy_terms", _flat, filters=False)
hsds_taxonomy_term = _detailer("taxonomy_terms", _flat)


# --- A group's published offers (ValueFlows) and the coordinators' choice ----------------------------


@require_GET
def offers(request: HttpRequest, slug: str) -> HttpResponse:
    """The group's published offers as ValueFlows JSON-LD; 404 unless the group is listed and publishes."""
    group = get_listed_or_member_group(request.user, slug)  # type: ignore[arg-type]
    if not selectors.publishes_offers(group):
        return _not_found()
    document = valueflows.document(
        base_url=selectors.base_url(request), group=group, offers=selectors.published_offers(group)
    )
    return _json(document, content_type="application/ld+json")


@login_required
def publishing(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    current = services.publishing_of(group)
    # An unticked box sends an empty POST: bind the form on every POST, not only on a non-empty one.
    form = PublishingForm(
        request.POST if request.method == "POST" else None, initial={"publish_offers": current.publish_offers}
    )
    if request.method == "POST" and form.is_valid():
        services.publishing_set(
            group=group,
            actor=request.user,  # type: ignore[arg-type]
            publish_offers=form.cleaned_data["publish_offers"],
        )
        messages.success(request, _("Saved."))
        return redirect("opendata_publishing", slug)
    return render(
        request,
        "opendata/publishing.html",
        {"group": group, "form": form, "publishing": current},
        status=400 if form.errors else 200,
    )
