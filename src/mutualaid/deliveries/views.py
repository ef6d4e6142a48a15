"""Delivery pages. Thin: access helpers fetch and authorise, services write, selectors read."""

from __future__ import annotations

from typing import Any, cast

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mutualaid.core.actions import flash_action, form_action
from mutualaid.deliveries import access, forms, pdf, selectors, services
from mutualaid.deliveries.models import DeliveryRun, Depot, Driver, Stop
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.models import Membership, Role, User


def _me(request: HttpRequest) -> User:
    """The signed-in member (login_required / the API auth guarantee one)."""
    return cast(User, request.user)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _coordinator_run(request: HttpRequest, slug: str, run_id: int) -> tuple[Any, DeliveryRun]:
    group, _m = get_group_for_coordinator(_me(request), slug)
    return group, selectors.run_of(group, run_id)


def _back(run: DeliveryRun) -> HttpResponse:
    return redirect("deliveries_run", slug=run.group.slug, run_id=run.pk)


@login_required
def runs(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators: the group's delivery runs, and a new one."""
    group, _m = get_group_for_coordinator(_me(request), slug)
    form = forms.RunForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            run = services.run_create(group=group, actor=_me(request), day=form.cleaned_data["date"])
            return redirect("deliveries_run", slug=group.slug, run_id=run.pk)
        _form_errors(request, form)
    return render(
        request, "deliveries/runs.html", {"group": group, "runs": selectors.runs_of(group), "form": form}
    )


def _members(run: DeliveryRun) -> list[tuple[int, str]]:
    rows = (
        Membership.objects.filter(group_id=run.group_id).select_related("user").order_by("user__display_name")
    )
    return [(m.user_id, m.user.display_name) for m in rows]


def _depots(run: DeliveryRun) -> list[tuple[int, str]]:
    return [(d.pk, d.name or "") for d in run.depots.all()]


def _needs(run: DeliveryRun) -> list[tuple[int, str]]:
    pickup = _("pick up")
    return [
        (
            p.pk,
            f"#{p.pk} {p.title} · {p.area or '?'} · {p.quantity}"
            + (f" · {pickup}" if p.kind == "offer" else ""),
        )
        for p in selectors.deliverable_needs(run)[:200]
    ]


@login_required
def run_detail(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """The coordinator's run page: set-up forms, the routes (ordered stops, ETAs, loads, km), unroutable stops."""
    group, run = _coordinator_run(request, slug, run_id)
    return _run_page(request, group, run)


def _run_page(
    request: HttpRequest,
    group: Any,
    run: DeliveryRun,
    *,
    depot_form: forms.DepotForm | None = None,
    stop_form: forms.StopForm | None = None,
) -> HttpResponse:
    """The run page; a refused depot or stop comes back with what was typed and its fields marked (400)."""
    view = selectors.run_view(run)
    refused = (depot_form is not None and bool(depot_form.errors)) or (
        stop_form is not None and bool(stop_form.errors)
    )
    if refused:
        messages.error(request, _("Not added: see the marked fields below; what you typed is kept."))
    return render(
        request,
        "deliveries/run.html",
        {
            "group": group,
            "run": run,
            "view": view,
            "depot_form": depot_form or forms.DepotForm(),
            "driver_form": forms.DriverForm(members=_members(run), depots=_depots(run)),
            "stop_form": stop_form or forms.StopForm(needs=_needs(run)),
            "settings_form": forms.SettingsForm(
                initial={
                    "exact_routing": run.exact_routing,
                    "max_leg_min": run.max_leg_min,
                    "relay_phone": run.relay_phone,
                }
            ),
            "drivers": [r.driver for r in view.routes],
            "travel_note": travel_note(str(run.plan_stats.get("matrix", "")) if run.plan_stats else ""),
        },
        status=400 if refused else 200,
    )


@login_required
@require_POST
def depot_add(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    group, run = _coordinator_run(request, slug, run_id)
    form = forms.DepotForm(request.POST)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.depot_add(
            run=run,
            actor=_me(request),
            name=data["name"],
            address=data["address"],
            area=data["area"],
            lat=data["lat"],
            lon=data["lon"],
            exact_point=data["exact_point"],
        )
        messages.success(request, _("Depot added."))
        return _back(run)

    return form_action(request, form, save) or _run_page(request, group, run, depot_form=form)


@login_required
@require_POST
def driver_add(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    _group, run = _coordinator_run(request, slug, run_id)
    form = forms.DriverForm(request.POST, members=_members(run), depots=_depots(run))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(run)
    data = form.cleaned_data
    member = Membership.objects.select_related("user").get(group_id=run.group_id, user_id=data["member"]).user
    end = Depot.objects.get(run=run, pk=data["end_depot"]) if data["end_depot"] else None
    flash_action(
        request,
        lambda: services.driver_add(
            run=run,
            actor=_me(request),
            data=services.DriverInput(
                member=member,
                capacity=data["capacity"],
                depot=Depot.objects.get(run=run, pk=data["depot"]),
                end_depot=end,
                shift_start=forms.at(run.date, data["shift_start"]),
                shift_end=forms.at(run.date, data["shift_end"]),
                max_duration_min=data["max_duration_min"],
            ),
        ),
        success=_("Driver added."),
    )
    return _back(run)


@login_required
@require_POST
def stop_add(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """Add a stop; a refused one (a window ending before it starts…) keeps what was typed and the chosen post."""
    group, run = _coordinator_run(request, slug, run_id)
    form = forms.StopForm(request.POST, needs=_needs(run))

    def save(data: dict[str, Any]) -> HttpResponse:
        post = selectors.deliverable_needs(run).get(pk=data["post"])
        services.stop_add(
            run=run,
            actor=_me(request),
            post=post,
            quantity=data["quantity"],
            service_min=data["service_min"],
            window_start=forms.at(run.date, data["window_start"]),
            window_end=forms.at(run.date, data["window_end"]),
            door_note=data["door_note"],
            exact_point=data["exact_point"],
            text_on_way=forms.consent(data["text_on_way"]),
        )
        messages.success(request, _("Stop added."))
        return _back(run)

    return form_action(request, form, save) or _run_page(request, group, run, stop_form=form)


def _same_or_at(run: DeliveryRun, current: Any, hour: Any) -> Any:
    """The typed hour on the run's day, or the stop's own moment when the hour is unchanged (a window
    taken from the post may lie on another day)."""
    if current is not None and hour is not None and timezone.localtime(current).time() == hour:
        return current
    return forms.at(run.date, hour)


def _stop_initial(stop: Stop) -> dict[str, Any]:
    def hour(moment: Any) -> Any:
        return None if moment is None else timezone.localtime(moment).time().replace(second=0, microsecond=0)

    return {
        "quantity": stop.quantity,
        "service_min": stop.service_min,
        "window_start": hour(stop.window_start),
        "window_end": hour(stop.window_end),
        "text_on_way": "yes" if stop.text_on_way else "no",
    }


@login_required
def stop_edit(request: HttpRequest, slug: str, run_id: int, stop_id: int) -> HttpResponse:
    """Change a stop after it was added: quantity, minutes at the door, window, door notes and exact map point
    (sealed: never shown back; a point change is audited) and the neighbour's consent to an "on the way"
    text. A published stop's driver is told."""
    run, stop = access.get_stop_for_coordinator(_me(request), slug, run_id, stop_id)
    group = run.group
    form = forms.StopEditForm(request.POST or None, initial=_stop_initial(stop))

    def save(data: dict[str, Any]) -> HttpResponse:
        door_note = data["door_note"].strip() or None
        if data["remove_door_note"]:
            door_note = ""
        exact_point = "" if data["remove_exact_point"] else (data["exact_point"].strip() or None)
        _stop, changed, told = services.stop_edit(
            stop=stop,
            actor=_me(request),
            edit=services.StopEdit(
                quantity=data["quantity"],
                service_min=data["service_min"],
                window_start=_same_or_at(run, stop.window_start, data["window_start"]),
                window_end=_same_or_at(run, stop.window_end, data["window_end"]),
                text_on_way=data["text_on_way"] == "yes",
                door_note=door_note,
                exact_point=exact_point,
            ),
        )
        replan = set(changed) - {"text_on_way", "door_note", *(() if run.exact_routing else ("exact_point",))}
        if not changed:
            messages.success(request, _("Nothing changed."))
        elif told:
            messages.success(
                request, _("Stop saved; its driver was told. Re-plan if the route should change.")
            )
        elif run.planned_at is not None and replan:
            messages.success(request, _("Stop saved; re-plan to use it."))
        else:
            messages.success(request, _("Stop saved."))
        return _back(run)

    response = form_action(request, form, save)
    if response is not None:
        return response
    if form.errors:
        messages.error(request, _("Not saved: see the marked fields below; what you typed is kept."))
    return render(
        request,
        "deliveries/stop_edit.html",
        {
            "group": group,
            "run": run,
            "stop": stop,
            "form": form,
            "has_note": bool(stop.door_note),
            "has_point": bool(stop.exact_point),
            "point_changes": list(stop.point_changes.select_related("by")[:10]),
            "neighbour": services.held_for_neighbour(stop.post),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def run_settings(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    _group, run = _coordinator_run(request, slug, run_id)
    form = forms.SettingsForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(run)
    data = form.cleaned_data
    flash_action(
        request,
        lambda: services.run_settings(
            run=run,
            actor=_me(request),
            exact_routing=data["exact_routing"],
            max_leg_min=data["max_leg_min"],
            relay_phone=data["relay_phone"],
        ),
        success=_("Saved; re-plan to use them."),
    )
    return _back(run)


def travel_note(matrix: str) -> str:
    """Where the last plan's travel times came from, in plain words."""
    if not matrix:
        return ""
    if matrix == "road":
        return _("Travel times of the last plan came from the road map.")
    if matrix.startswith("haversine ("):
        return _(
            "Travel times of the last plan were estimated from straight-line distance: the road map server "
            "did not answer (%(reason)s)."
        ) % {"reason": matrix.removeprefix("haversine (").removesuffix(")")}
    return _("Travel times of the last plan were estimated from straight-line distance.")


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "1"


def _asks_to_confirm(error: ValidationError) -> bool:
    """The service refused an unconfirmed re-plan: it read the run as published under the run's lock, so a
    coordinator who published a moment ago is not overtaken by a re-plan read from before."""
    return "confirm" in getattr(error, "error_dict", {})


def _confirm_page(
    request: HttpRequest, group: Any, run: DeliveryRun, *, action: str, driver: str = ""
) -> HttpResponse:
    """Drivers of a published run already have their routes: ask before a re-plan may move their stops."""
    return render(
        request,
        "deliveries/confirm_replan.html",
        {"group": group, "run": run, "action": action, "driver": driver},
    )


def _replanned(request: HttpRequest, run: DeliveryRun, done: str) -> None:
    run.refresh_from_db()
    told = run.plan_stats.get("told") if run.status == DeliveryRun.Status.PUBLISHED else None
    if told is None:
        messages.success(request, done)
    elif told:
        messages.success(
            request,
            ngettext(
                "%(done)s The driver whose route changed was told.",
                "%(done)s The %(n)d drivers whose routes changed were told.",
                told,
            )
            % {"done": done, "n": told},
        )
    else:
        messages.success(request, _("%(done)s No driver's route changed.") % {"done": done})


@login_required
@require_POST
def plan(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    group, run = _coordinator_run(request, slug, run_id)
    try:
        services.run_plan(run=run, actor=_me(request), confirm=_confirmed(request))
    except ValidationError as error:
        if _asks_to_confirm(error):
            action = reverse("deliveries_plan", args=[group.slug, run.pk])
            return _confirm_page(request, group, run, action=action)
        messages.error(request, " ".join(error.messages))
        return _back(run)
    _replanned(request, run, _("Planned."))
    return _back(run)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    _group, run = _coordinator_run(request, slug, run_id)
    flash_action(
        request,
        lambda: services.run_publish(run=run, actor=_me(request)),
        success=_("Published to the drivers."),
    )
    return _back(run)


@login_required
@require_POST
def stop_move(request: HttpRequest, slug: str, run_id: int, stop_id: int) -> HttpResponse:
    group, run = _coordinator_run(request, slug, run_id)
    stop = selectors.stop_of(run, stop_id)
    raw = request.POST.get("driver", "")
    driver = None
    if raw:
        driver = Driver.objects.filter(run=run, pk=int(raw) if raw.isdigit() else 0).first()
        if driver is None:
            messages.error(request, _("Choose a driver of this run."))
            return _back(run)
    try:
        services.stop_move(stop=stop, actor=_me(request), driver=driver, confirm=_confirmed(request))
    except ValidationError as error:
        if _asks_to_confirm(error):
            action = reverse("deliveries_stop_move", args=[group.slug, run.pk, stop.pk])
            return _confirm_page(request, group, run, action=action, driver=raw)
        messages.error(request, " ".join(error.messages))
        return _back(run)
    _replanned(request, run, _("Moved and re-planned.") if driver else _("Unlocked and re-planned."))
    return _back(run)


@login_required
@require_POST
def stop_pair(request: HttpRequest, slug: str, run_id: int, stop_id: int) -> HttpResponse:
    """ "Deliver this pickup to that stop" (or to the end depot again, with no stop chosen)."""
    _group, run = _coordinator_run(request, slug, run_id)
    stop = selectors.stop_of(run, stop_id)
    raw = request.POST.get("deliver_to", "")
    target = None
    if raw:
        target = selectors.stop_of(run, int(raw)) if raw.isdigit() else None
        if target is None:
            messages.error(request, _("Choose a stop of this run."))
            return _back(run)
    flash_action(
        request,
        lambda: services.stop_pair(stop=stop, actor=_me(request), target=target),
        success=_("Paired; re-plan to route them together.")
        if target
        else _("The pickup goes to the depot again; re-plan to use it."),
    )
    return _back(run)


def _qr(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, omitsize=False)


def _sheet_context(request: HttpRequest, slug: str, run_id: int, driver_id: int) -> dict[str, Any]:
    """What a route sheet shows, for coordinators or the driver themself."""
    group, membership = get_group_for_member(_me(request), slug)
    run = selectors.run_of(group, run_id)
    driver = Driver.objects.filter(run=run, pk=driver_id).select_related("member", "depot").first()
    if driver is None:
        raise Http404
    if driver.member_id != request.user.pk:
        if membership.role != Role.COORDINATOR:
            raise PermissionDenied
        get_group_for_coordinator(_me(request), slug)
    link = request.build_absolute_uri(
        reverse("deliveries_route", kwargs={"slug": group.slug, "run_id": run.pk})
    )
    return {
        "group": group,
        "run": run,
        "driver": driver,
        "stops": selectors.sheet_stops(run, driver),
        "qr": mark_safe(_qr(link)),  # noqa: S308 - segno's own SVG of our own URL
        "link": link,
    }


@login_required
def sheet(request: HttpRequest, slug: str, run_id: int, driver_id: int) -> HttpResponse:
    """A printable route sheet (print CSS); generated on request, never stored."""
    return render(request, "deliveries/sheet.html", _sheet_context(request, slug, run_id, driver_id))


@login_required
def sheet_pdf(request: HttpRequest, slug: str, run_id: int, driver_id: int) -> HttpResponse:
    """The same sheet as a PDF (WeasyPrint), rendered in memory; never stored."""
    context = _sheet_context(request, slug, run_id, driver_id)
    try:
        data = pdf.render(render_to_string("deliveries/sheet_pdf.html", context, request=request))
    except pdf.PdfUnavailable:
        messages.error(request, _("PDF sheets are not installed on this server; print this page instead."))
        return redirect("deliveries_sheet", slug=slug, run_id=run_id, driver_id=driver_id)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="route-{context["run"].date}-{driver_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def mine(request: HttpRequest, slug: str) -> HttpResponse:
    group, _m = get_group_for_member(_me(request), slug)
    return render(
        request,
        "deliveries/mine.html",
        {"group": group, "runs": selectors.runs_driven_by(group, _me(request))},
    )


@login_required
def route(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """The driver's phone view: next stop first; the exact address only today, for this driver."""
    group, run, driver = access.get_run_for_driver(_me(request), slug, run_id)
    todo, done = selectors.driver_route(run, driver, _me(request))
    return render(
        request,
        "deliveries/route.html",
        {
            "group": group,
            "run": run,
            "driver": driver,
            "next": todo[0] if todo else None,
            "later": todo[1:],
            "done": done,
            "today": selectors.reveals_today(run),
            "form": forms.ReportForm(),
        },
    )


@login_required
@require_POST
def report(request: HttpRequest, slug: str, run_id: int, stop_id: int) -> HttpResponse:
    group, run, stop = access.get_stop_for_driver(_me(request), slug, run_id, stop_id)
    form = forms.ReportForm(request.POST)
    if form.is_valid():
        flash_action(
            request,
            lambda: services.stop_report(
                stop=stop,
                user=_me(request),
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            ),
            success=_("Saved."),
        )
    else:
        _form_errors(request, form)
    return redirect("deliveries_route", slug=group.slug, run_id=run.pk)


@login_required
@require_POST
def start(request: HttpRequest, slug: str, run_id: int, stop_id: int) -> HttpResponse:
    """The driver sets out toward a stop: the recipient is told the driver is on the way (once)."""
    group, run, stop = access.get_stop_for_driver(_me(request), slug, run_id, stop_id)
    if flash_action(request, lambda: services.stop_start(stop=stop, user=_me(request))):
        stop.refresh_from_db()
        # Only say the recipient is told when they were: a neighbour without an account who did not agree
        # to a text, or whose group has no gateway, hears nothing (the route page says so).
        messages.success(
            request,
            _("On your way: the recipient is told.") if stop.recipient_told else _("On your way."),
        )
    return redirect("deliveries_route", slug=group.slug, run_id=run.pk)
