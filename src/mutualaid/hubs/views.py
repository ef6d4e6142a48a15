"""Pages for hubs: "find a fridge / pantry" (across the install and per group, nearest first, no
JavaScript, a server-drawn sketch map), a hub's page, the report form a passer-by fills in seconds,
and the coordinators' forms. Thin: every write is a service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from mutualaid.core import photos
from mutualaid.core.actions import form_action
from mutualaid.core.forms import apply_errors
from mutualaid.core.geo import Place
from mutualaid.exchange.models import Post
from mutualaid.groups.access import get_group_for_coordinator, get_listed_or_member_group
from mutualaid.hubs import access, selectors, services
from mutualaid.hubs import hours as opening
from mutualaid.hubs.forms import (
    ClosureForm,
    CountForm,
    FindForm,
    HubForm,
    MovementForm,
    ReportForm,
    StockItemForm,
)
from mutualaid.hubs.models import Hub, Movement, StockItem
from mutualaid.members.models import Membership, Role


def _find(request: HttpRequest, group: Any = None) -> dict[str, Any]:
    form = FindForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    place = selectors.find_place(query, group) if query else None
    place_for_order = place
    if place is None and group is not None and group.centre_lat is not None and group.centre_lon is not None:
        place_for_order = Place(group.centre_lat, group.centre_lon, group.name)
    results = selectors.hubs_near(user=request.user, place=place_for_order, group=group)  # type: ignore[arg-type]
    return {
        "form": form,
        "query": query,
        "place": place,
        "place_unknown": bool(query) and place is None,
        "results": results,
        "sketch": selectors.sketch(results, place_for_order, group),
    }


def find(request: HttpRequest) -> HttpResponse:
    """Public hubs of every group, nearest first from a postal code or place."""
    return render(request, "hubs/find.html", {"group": None, **_find(request)})


def group_hubs(request: HttpRequest, slug: str) -> HttpResponse:
    """A group's hubs: its public ones for everyone, and its members-only ones for its members."""
    group = get_listed_or_member_group(request.user, slug)  # type: ignore[arg-type]
    membership = access.membership_in(request.user, group.pk)  # type: ignore[arg-type]
    return render(
        request,
        "hubs/find.html",
        {
            "group": group,
            "is_coordinator": membership is not None and membership.role == Role.COORDINATOR,
            **_find(request, group),
        },
    )


def hub_page(request: HttpRequest, slug: str, hub_id: int) -> HttpResponse:
    hub, membership = access.get_hub_for_viewer(request.user, slug, hub_id)  # type: ignore[arg-type]
    context = _hub_context(hub, membership)
    if membership:
        context["pointed"] = selectors.pointed_offers(hub)
        context["pointable"] = selectors.pointable_offers(request.user, hub)  # type: ignore[arg-type]
    return render(request, "hubs/hub.html", context)


@login_required
@require_POST
def offer_point(request: HttpRequest, slug: str, hub_id: int) -> HttpResponse:
    """A member brings one of their open offers to this hub."""
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    post_id = _int(request.POST.get("post"))
    post = Post.objects.filter(pk=post_id, group_id=hub.group_id).first() if post_id else None
    if post is None:
        messages.error(request, _("Choose one of your offers in this group."))
        return redirect("hubs_hub", slug, hub.pk)
    try:
        services.offer_point(hub=hub, post=post, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Your offer is shown on this hub's page."))
    return redirect("hubs_hub", slug, hub.pk)


@login_required
@require_POST
def offer_unpoint(request: HttpRequest, slug: str, hub_id: int, post_id: int) -> HttpResponse:
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    post = Post.objects.filter(pk=post_id, group_id=hub.group_id).first()
    if post is None:
        raise Http404
    services.offer_unpoint(hub=hub, post=post, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The offer is no longer shown on this hub's page."))
    return redirect("hubs_hub", slug, hub.pk)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _hub_context(hub: Hub, membership: Membership | None) -> dict[str, Any]:
    latest = selectors.latest_report(hub)
    return {
        "group": hub.group,
        "hub": hub,
        "membership": membership,
        "is_coordinator": membership is not None and membership.role == Role.COORDINATOR,
        "address": hub.street_address if hub.public else (hub.sealed_address if membership else ""),
        "latest": latest,
        "checked": selectors.checked_ago(hub.last_report_at),
        "fresh": selectors.is_fresh(hub),
        "open_now": selectors.open_now(hub),
        "week": selectors.week_rows(hub),
        "closures": selectors.coming_closures(hub),
        "restock": hub.restock_post
        if hub.restock_post and hub.restock_post.is_active and membership
        else None,
    }


def _hub_data(data: dict[str, Any]) -> services.HubInput:
    return services.HubInput(**data)


@login_required
def hub_new(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    form = HubForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        hub = services.hub_create(group=group, actor=request.user, data=_hub_data(data))  # type: ignore[arg-type]
        messages.success(request, _("The hub is set up."))
        return redirect("hubs_hub", slug, hub.pk)

    status = 400 if form.is_bound else 200
    return form_action(request, form, save) or render(
        request, "hubs/form.html", {"group": group, "form": form, "title": _("New hub")}, status=status
    )


@login_required
def hub_edit(request: HttpRequest, slug: str, hub_id: int) -> HttpResponse:
    hub = access.get_hub_for_coordinator(request.user, slug, hub_id)  # type: ignore[arg-type]
    initial = {
        "name": hub.name,
        "kind": hub.kind,
        "public": hub.public,
        "address": hub.street_address if hub.public else hub.sealed_address,
        "area": hub.area,
        "hours": opening.unparse(hub.hours),
        "accessibility": hub.accessibility,
        "takes": hub.takes,
        "refuses": hub.refuses,
        "restock_category": hub.restock_category,
        "restock_quantity": hub.restock_quantity,
        "restock_unit": hub.restock_unit,
        "active": hub.active,
    }
    form = HubForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.hub_update(hub=hub, actor=request.user, data=_hub_data(form.cleaned_data))  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The hub is saved."))
            return redirect("hubs_hub", slug, hub.pk)
    return render(
        request,
        "hubs/form.html",
        {"group": hub.group, "hub": hub, "form": form, "closure_form": ClosureForm(), "title": hub.name},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def closure_new(request: HttpRequest, slug: str, hub_id: int) -> HttpResponse:
    hub = access.get_hub_for_coordinator(request.user, slug, hub_id)  # type: ignore[arg-type]
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            services.closure_add(hub=hub, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The closure is added."))
            return redirect("hubs_edit", slug, hub.pk)
    return render(
        request,
        "hubs/form.html",
        {"group": hub.group, "hub": hub, "form": None, "closure_form": form, "title": hub.name},
        status=400,
    )


@login_required
@require_POST
def closure_delete(request: HttpRequest, slug: str, closure_id: int) -> HttpResponse:
    closure = access.get_closure_for_coordinator(request.user, slug, closure_id)  # type: ignore[arg-type]
    hub_id = closure.hub_id
    services.closure_remove(closure=closure, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The closure is removed."))
    return redirect("hubs_edit", slug, hub_id)


@csrf_exempt  # checked below, once the upload handler is in place (CSRF checks read the body)
def report(request: HttpRequest, slug: str, hub_id: int) -> HttpResponse:
    """The report form: a passer-by on a public hub, a member on any hub of their group.

    The photo is read with one handler that keeps it in memory and stops past 5 MB: it never reaches
    the disk before it is cleaned."""
    handler = photos.MemoryPhotoHandler(request)
    request.upload_handlers = [handler]
    return _report(request, slug, hub_id, handler)


@csrf_protect
def _report(request: HttpRequest, slug: str, hub_id: int, handler: photos.MemoryPhotoHandler) -> HttpResponse:
    hub, membership = access.get_hub_for_viewer(request.user, slug, hub_id)  # type: ignore[arg-type]
    member = request.user if membership is not None else None
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if handler.too_big:
            form.add_error("photo", _("The photo is larger than 5 MB."))
        if form.is_valid():
            upload = form.cleaned_data["photo"]
            try:
                services.report_create(
                    hub=hub,
                    condition=form.cleaned_data["condition"],
                    food_level=form.cleaned_data["food_level"],
                    note=form.cleaned_data["note"],
                    photo=upload.read() if upload else None,
                    member=member,  # type: ignore[arg-type]
                    proof=(request.POST.get("proof_challenge", ""), request.POST.get("proof_solution", "")),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Thank you: the hub's page shows what you found."))
                return redirect("hubs_hub", slug, hub.pk)
        status = 400
    else:
        form = ReportForm()
        status = 200
    context: dict[str, object] = {"group": hub.group, "hub": hub, "form": form}
    if member is None:
        # A cost per attempt that the page's script pays (core.proofofwork); without it, the plain limits.
        context["proof_challenge"] = services.report_challenge(hub)
    return render(request, "hubs/report.html", context, status=status)


def photo(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    found = access.get_report_photo(request.user, slug, report_id)  # type: ignore[arg-type]
    response = HttpResponse(photos.from_text(found.photo or ""), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


# Stock (pantries) ---------------------------------------------------------------------------------


@login_required
def stock(request: HttpRequest, slug: str, hub_id: int) -> HttpResponse:
    """A hub's stock: members record what goes in and out; coordinators add items."""
    hub, membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    is_coordinator = membership.role == Role.COORDINATOR
    item_form = StockItemForm(request.POST if request.POST.get("action") == "add" else None)
    move_form = MovementForm(request.POST if request.POST.get("action") == "move" else None)
    status = 200
    if request.method == "POST":
        try:
            if item_form.is_bound and item_form.is_valid():
                services.stock_item_create(hub=hub, actor=request.user, **item_form.cleaned_data)  # type: ignore[arg-type]
                messages.success(request, _("The item is added."))
                return redirect("hubs_stock", slug, hub.pk)
            if move_form.is_bound and move_form.is_valid():
                item = StockItem.objects.filter(hub=hub, pk=move_form.cleaned_data["item"]).first()
                if item is None:
                    raise Http404
                services.movement_record(
                    item=item,
                    actor=request.user,  # type: ignore[arg-type]
                    kind=move_form.cleaned_data["kind"],
                    amount=move_form.cleaned_data["amount"],
                )
                messages.success(request, _("Recorded."))
                return redirect("hubs_stock", slug, hub.pk)
        except ValidationError as exc:
            apply_errors(item_form if item_form.is_bound else move_form, exc)
        status = 400
    items = list(StockItem.objects.filter(hub=hub, active=True))
    return render(
        request,
        "hubs/stock.html",
        {
            "group": hub.group,
            "hub": hub,
            "items": items,
            "is_coordinator": is_coordinator,
            "item_form": item_form,
            "move_form": move_form,
            "recent": Movement.objects.filter(item__hub=hub).select_related("item", "recorded_by")[:20],
        },
        status=status,
    )


@login_required
def stock_sheet(request: HttpRequest, slug: str, hub_id: int) -> HttpResponse:
    """A count sheet to print: every item, what the system thinks, and a blank to write the count."""
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    items = list(StockItem.objects.filter(hub=hub, active=True))
    return render(request, "hubs/stock_sheet.html", {"group": hub.group, "hub": hub, "items": items})


@login_required
def stock_count(request: HttpRequest, slug: str, hub_id: int) -> HttpResponse:
    hub, _membership = access.get_hub_for_member(request.user, slug, hub_id)  # type: ignore[arg-type]
    items = list(StockItem.objects.filter(hub=hub, active=True))
    form = CountForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.count_record(hub=hub, actor=request.user, counts=form.counts())  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The count is recorded (%(n)d corrected).") % {"n": len(moved)})
            return redirect("hubs_stock", slug, hub.pk)
    return render(
        request,
        "hubs/stock_count.html",
        {"group": hub.group, "hub": hub, "form": form},
        status=400 if form.is_bound else 200,
    )
