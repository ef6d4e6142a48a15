"""Pages for shifts: the group calendar, series and roles (coordinators), an occurrence (sign up,
drop out, waitlist, swap), attendance and outcomes (the lead), a member's own shifts and calendar
feed, and the one-tap "I can't make it" page. Thin: every write is a service call."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mutualaid.core.actions import flash_action, form_action
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.models import Membership, User
from mutualaid.shifts import access, calendar_feed, selectors, services
from mutualaid.shifts.forms import ChangeForm, NewSeriesForm, OutcomeForm, RoleForm, SeriesForm, StandingForm
from mutualaid.shifts.models import Occurrence, Series, SeriesKind, SignupState
from mutualaid.shifts.recurrence import zone


def _members(group: Any) -> list[tuple[str, str]]:
    return [
        (str(m.user_id), str(m.user))
        for m in Membership.objects.filter(group=group).select_related("user").order_by("user__display_name")
    ]


def _group_zone(group: Any) -> str:
    first = Series.objects.filter(group=group).values_list("time_zone", flat=True).first()
    return first or str(timezone.get_current_timezone_name())


def _form_page(request: HttpRequest, *, group: Any, title: str, form: Any, submit: str) -> HttpResponse:
    """A form page; status 400 when the form has errors."""
    return render(
        request,
        "shifts/form.html",
        {"group": group, "title": title, "form": form, "submit": submit},
        status=400 if form.errors else 200,
    )


def _series_values(data: dict[str, Any]) -> dict[str, Any]:
    """What a new or changed series takes from its form (the roles and the time zone aside)."""
    return {
        "title": data["title"],
        "rule": data["rule"],
        "starts_on": data["starts_on"],
        "start_time": data["start_time"],
        "duration_minutes": data["duration_minutes"],
        "area": data["area"],
        "address": data["address"],
        "until": data["until"],
        "alert_hours": data["alert_hours"],
        "remind_hours": data["remind_hours"],
        "lead": User.objects.filter(pk=data["lead"]).first() if data["lead"] else None,
    }


# The calendar -----------------------------------------------------------------------------------


@login_required
def calendar_page(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    tz_name = _group_zone(group)
    today = timezone.now().astimezone(zone(tz_name)).date()
    view = "week" if request.GET.get("view") == "week" else "month"
    try:
        anchor = datetime.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
    except ValueError:
        anchor = today
    if not datetime.date(2000, 1, 1) <= anchor <= datetime.date(2100, 12, 31):
        anchor = today
    mine = set(
        selectors.my_signups(request.user, group, timezone.now()).values_list("occurrence_id", flat=True)  # type: ignore[arg-type]
    )
    if view == "week":
        monday = anchor - datetime.timedelta(days=anchor.weekday())
        weeks = selectors.week_grid(group, monday, tz_name, mine)
        previous, following = monday - datetime.timedelta(days=7), monday + datetime.timedelta(days=7)
        heading = monday
    else:
        weeks = selectors.month_grid(group, anchor.year, anchor.month, tz_name, mine)
        first = anchor.replace(day=1)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        heading = first
    return render(
        request,
        "shifts/calendar.html",
        {
            "group": group,
            "membership": membership,
            "weeks": weeks,
            "view": view,
            "heading": heading,
            "previous": previous.isoformat(),
            "following": following.isoformat(),
            "today": today,
            "series_list": Series.objects.filter(group=group, active=True),
        },
    )


# Series and roles (coordinators) ----------------------------------------------------------------


@login_required
def series_new(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    form = NewSeriesForm(request.POST or None, members=_members(group))

    def save(data: dict[str, Any]) -> HttpResponse:
        series = services.series_create(
            group=group, roles=data["roles"], time_zone=data["time_zone"], **_series_values(data)
        )
        messages.success(request, _("The shift %(title)s was created.") % {"title": series.title})
        return redirect("shifts_series", slug=group.slug, series_id=series.pk)

    return form_action(request, form, save) or _form_page(
        request, group=group, title=_("New shift"), form=form, submit=_("Create the shift")
    )


@login_required
def series_page(request: HttpRequest, slug: str, series_id: int) -> HttpResponse:
    series, membership = access.get_series_for_member(request.user, slug, series_id)  # type: ignore[arg-type]
    coming = list(series.occurrences.filter(ends_at__gt=timezone.now()).order_by("starts_at")[:12])
    tz = zone(series.time_zone)
    standings = series.standings.filter(user=request.user, active=True)  # type: ignore[misc]
    return render(
        request,
        "shifts/series.html",
        {
            "group": series.group,
            "series": series,
            "membership": membership,
            "roles": list(series.roles.all()),
            "coming": [(o, o.starts_at.astimezone(tz)) for o in coming],
            "standings": standings,
            "standing_form": StandingForm(),
        },
    )


@login_required
def series_edit(request: HttpRequest, slug: str, series_id: int) -> HttpResponse:
    series, _membership = access.get_series_for_coordinator(request.user, slug, series_id)  # type: ignore[arg-type]
    initial = {
        "title": series.title,
        "area": series.area,
        "address": series.address,
        "starts_on": series.starts_on,
        "start_time": series.start_time,
        "duration_minutes": series.duration_minutes,
        "repeat": "custom",
        "custom_rule": series.rule,
        "until": series.until,
        "time_zone": series.time_zone,
        "alert_hours": ", ".join(str(h) for h in series.alert_hours),
        "remind_hours": series.remind_hours,
        "lead": str(series.lead_id or ""),
    }
    form = SeriesForm(request.POST or None, initial=initial, members=_members(series.group))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.series_update(
            series=series, time_zone=data["time_zone"] or series.time_zone, **_series_values(data)
        )
        messages.success(request, _("The shift was saved."))
        return redirect("shifts_series", slug=slug, series_id=series.pk)

    return form_action(request, form, save) or _form_page(
        request,
        group=series.group,
        title=_("Edit %(title)s") % {"title": series.title},
        form=form,
        submit=_("Save"),
    )


def _role_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "slots": data["slots"],
        "note": data["note"],
        "skill": data["skill"] or "",
        "cancel_below": data["cancel_below"] or 0,
        "cancel_hours": data["cancel_hours"] or 0,
    }


@login_required
def role_new(request: HttpRequest, slug: str, series_id: int) -> HttpResponse:
    series, _membership = access.get_series_for_coordinator(request.user, slug, series_id)  # type: ignore[arg-type]
    form = RoleForm(request.POST or None, adding_to=series)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.role_add(series=series, **_role_values(data))
        return redirect("shifts_series", slug=slug, series_id=series.pk)

    return form_action(request, form, save) or _form_page(
        request, group=series.group, title=_("New role"), form=form, submit=_("Add the role")
    )


@login_required
def role_edit(request: HttpRequest, slug: str, role_id: int) -> HttpResponse:
    role = access.get_role_for_coordinator(request.user, slug, role_id)  # type: ignore[arg-type]
    initial = {
        f: getattr(role, f) for f in ("name", "slots", "note", "skill", "cancel_below", "cancel_hours")
    }
    form = RoleForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.role_update(role=role, **_role_values(data))
        return redirect("shifts_series", slug=slug, series_id=role.series_id)

    return form_action(request, form, save) or _form_page(
        request,
        group=role.series.group,
        title=_("Role and staffing rule: %(name)s") % {"name": role.name},
        form=form,
        submit=_("Save"),
    )


@login_required
@require_POST
def standing_new(request: HttpRequest, slug: str, series_id: int) -> HttpResponse:
    series, _membership = access.get_series_for_member(request.user, slug, series_id)  # type: ignore[arg-type]
    form = StandingForm(request.POST)
    role = series.roles.filter(pk=request.POST.get("role") or 0).first() if form.is_valid() else None
    if role is None:
        messages.error(request, _("Choose a role and a last day."))
    else:
        user: User = request.user  # type: ignore[assignment]
        flash_action(
            request,
            lambda: services.standing_create(
                series=series, role=role, user=user, until=form.cleaned_data["until"]
            ),
            success=_("You are signed up for every %(title)s until then.") % {"title": series.title},
        )
    return redirect("shifts_series", slug=slug, series_id=series.pk)


@login_required
@require_POST
def standing_stop(request: HttpRequest, slug: str, standing_id: int) -> HttpResponse:
    standing = access.get_own_standing(request.user, slug, standing_id)  # type: ignore[arg-type]
    services.standing_stop(standing=standing)
    messages.success(request, _("You dropped out of the coming shifts of this series."))
    return redirect("shifts_series", slug=slug, series_id=standing.series_id)


# One occurrence ---------------------------------------------------------------------------------


def _occurrence_context(
    request: HttpRequest, occurrence: Occurrence, membership: Membership
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    series = occurrence.series
    roles = selectors.roles_of(occurrence)
    mine = next((s for r in roles for s in (*r.confirmed, *r.waitlist) if s.user_id == user.pk), None)
    may_lead = access.may_lead(user, membership, series)
    return {
        "group": series.group,
        "series": series,
        "occurrence": occurrence,
        "membership": membership,
        "local": occurrence.starts_at.astimezone(zone(series.time_zone)),
        "local_end": occurrence.ends_at.astimezone(zone(series.time_zone)),
        "roles": roles,
        "mine": mine,
        "position": services.waitlist_position(mine) if mine else None,
        "show_address": bool(series.address)
        and ((mine is not None and mine.state == SignupState.CONFIRMED) or may_lead),
        "may_lead": may_lead,
        "is_session": series.kind == SeriesKind.SKILL_SHARE,
        "is_coordinator": membership.is_coordinator,
        "future": occurrence.starts_at > timezone.now(),
        "started": occurrence.starts_at <= timezone.now(),
        "members": [m for m in _members(series.group) if m[0] != str(user.pk)],
    }


@login_required
def occurrence_page(request: HttpRequest, slug: str, occurrence_id: int) -> HttpResponse:
    occurrence, membership = access.get_occurrence_for_member(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    return render(request, "shifts/occurrence.html", _occurrence_context(request, occurrence, membership))


@login_required
@require_POST
def signup_new(request: HttpRequest, slug: str, occurrence_id: int) -> HttpResponse:
    occurrence, _membership = access.get_occurrence_for_member(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    role = (
        occurrence.series.roles.filter(pk=request.POST.get("role") or 0).first()
        if str(request.POST.get("role", "")).isdigit()
        else None
    )
    if role is None:
        raise Http404
    try:
        signup = services.signup_create(occurrence=occurrence, role=role, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if signup.state == SignupState.CONFIRMED and occurrence.series.kind == SeriesKind.SKILL_SHARE:
            messages.success(request, _("You have a seat. See you there!"))
        elif signup.state == SignupState.CONFIRMED:
            messages.success(request, _("You are signed up as %(role)s.") % {"role": role.name})
        else:
            messages.success(
                request,
                _(
                    "All places are taken: you are number %(n)d on the waitlist. We will tell you if one opens."
                )
                % {"n": services.waitlist_position(signup) or 0},
            )
    return redirect("shifts_occurrence", slug=slug, occurrence_id=occurrence.pk)


@login_required
@require_POST
def signup_drop(request: HttpRequest, slug: str, signup_id: int) -> HttpResponse:
    signup = access.get_own_signup(request.user, slug, signup_id)  # type: ignore[arg-type]
    flash_action(
        request,
        lambda: services.signup_drop(signup=signup),
        success=_("You dropped out. Thank you for telling us."),
    )
    return redirect("shifts_occurrence", slug=slug, occurrence_id=signup.occurrence_id)


@login_required
@require_POST
def signup_swap(request: HttpRequest, slug: str, signup_id: int) -> HttpResponse:
    signup = access.get_own_signup(request.user, slug, signup_id)  # type: ignore[arg-type]
    other = (
        User.objects.filter(pk=request.POST.get("to_user") or 0).first()
        if str(request.POST.get("to_user", "")).isdigit()
        else None
    )
    if other is None:
        messages.error(request, _("Choose a member of the group."))
    else:
        flash_action(
            request,
            lambda: services.swap_ask(signup=signup, to_user=other),
            success=_("We asked %(name)s to take your place.") % {"name": other},
        )
    return redirect("shifts_occurrence", slug=slug, occurrence_id=signup.occurrence_id)


@login_required
@require_POST
def swap_answer(request: HttpRequest, slug: str, swap_id: int) -> HttpResponse:
    swap = access.get_swap_for_answer(request.user, slug, swap_id)  # type: ignore[arg-type]
    accept = request.POST.get("answer") == "yes"
    flash_action(
        request,
        lambda: services.swap_answer(swap=swap, user=request.user, accept=accept),  # type: ignore[arg-type]
        success=_("You took the place.") if accept else _("You declined."),
    )
    return redirect("shifts_mine", slug=slug)


@login_required
def occurrence_change(request: HttpRequest, slug: str, occurrence_id: int) -> HttpResponse:
    occurrence, _membership = access.get_occurrence_for_coordinator(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    tz = zone(occurrence.series.time_zone)
    local = occurrence.starts_at.astimezone(tz).replace(tzinfo=None)
    length = int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60)
    with timezone.override(tz):
        form = ChangeForm(
            request.POST or None,
            initial={"starts_at": local.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": length},
        )
        valid = request.method == "POST" and form.is_valid()

    def save(data: dict[str, Any]) -> HttpResponse:
        services.occurrence_change(
            occurrence=occurrence, starts_at=data["starts_at"], duration_minutes=data["duration_minutes"]
        )
        messages.success(request, _("This one shift was changed."))
        return redirect("shifts_occurrence", slug=slug, occurrence_id=occurrence.pk)

    return form_action(request, form, save, valid=valid) or _form_page(
        request, group=occurrence.series.group, title=_("Change this one shift"), form=form, submit=_("Save")
    )


@login_required
@require_POST
def occurrence_cancel(request: HttpRequest, slug: str, occurrence_id: int) -> HttpResponse:
    occurrence, _membership = access.get_occurrence_for_coordinator(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    skip = request.POST.get("skip") == "yes"
    flash_action(
        request,
        lambda: (services.occurrence_skip if skip else services.occurrence_cancel)(occurrence=occurrence),
        success=_("The shift is cancelled and everyone signed up was told."),
    )
    return redirect("shifts_occurrence", slug=slug, occurrence_id=occurrence.pk)


# After the shift (the lead) ---------------------------------------------------------------------


@login_required
def attendance(request: HttpRequest, slug: str, occurrence_id: int) -> HttpResponse:
    occurrence, _membership = access.get_occurrence_for_lead(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    signups = list(occurrence.signups.filter(state=SignupState.CONFIRMED).select_related("user", "role"))
    error = ""
    started = occurrence.starts_at <= timezone.now()
    # Before the start the page shows a sentence instead of the form; a POST that comes too early
    # (an old tab) gets that same page back rather than an error.
    if request.method == "POST" and started:
        marks = {s.pk: request.POST.get(f"came-{s.pk}") == "yes" for s in signups}
        try:
            services.attendance_record(occurrence=occurrence, attended=marks)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Attendance was recorded."))
            return redirect("shifts_occurrence", slug=slug, occurrence_id=occurrence.pk)
    return render(
        request,
        "shifts/attendance.html",
        {
            "group": occurrence.series.group,
            "occurrence": occurrence,
            "signups": signups,
            "error": error,
            "started": started,
            "local": occurrence.starts_at.astimezone(zone(occurrence.series.time_zone)),
        },
        status=400 if error else 200,
    )


@login_required
def outcome(request: HttpRequest, slug: str, occurrence_id: int) -> HttpResponse:
    occurrence, _membership = access.get_occurrence_for_lead(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    initial = {f: getattr(occurrence, f) for f in ("households_served", "kilograms", "items", "notes")}
    form = OutcomeForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.outcome_record(occurrence=occurrence, **data)
        messages.success(request, _("The outcome was recorded."))
        return redirect("shifts_occurrence", slug=slug, occurrence_id=occurrence.pk)

    return form_action(request, form, save) or _form_page(
        request, group=occurrence.series.group, title=_("What this shift did"), form=form, submit=_("Record")
    )


# A member's own shifts, feed, and "I can't make it" ---------------------------------------------


@login_required
def mine(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    signups = list(selectors.my_signups(request.user, group, timezone.now()))  # type: ignore[arg-type]
    return render(
        request,
        "shifts/mine.html",
        {
            "group": group,
            "signups": [
                (s, s.occurrence.starts_at.astimezone(zone(s.occurrence.series.time_zone))) for s in signups
            ],
            "swaps": list(selectors.swaps_for(request.user, group)),  # type: ignore[arg-type]
        },
    )


@login_required
def feed_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    link = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_revoke(user=user)
            messages.success(request, _("The calendar link no longer works."))
            return redirect("shifts_feed_page")
        token = services.feed_create(user=user)
        link = request.build_absolute_uri(reverse("shifts_feed", kwargs={"token": token}))
    from mutualaid.shifts.models import CalendarFeed

    return render(
        request,
        "shifts/feed.html",
        {"link": link, "has_feed": CalendarFeed.objects.filter(user=user).exists()},
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    user = services.feed_user(token)
    if user is None:
        raise Http404
    body = calendar_feed.for_member(user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # the signed token in the link is the key; the member may not be logged in on this device
def cant(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    signup = services.cant_target(token)
    if signup is None:
        return render(request, "shifts/cant.html", {"state": "invalid"}, status=404)
    context: dict[str, Any] = {
        "signup": signup,
        "local": signup.occurrence.starts_at.astimezone(zone(signup.occurrence.series.time_zone)),
    }
    # Opening the link only asks (link previews fetch every link); the button frees the place.
    if request.method == "GET":
        return render(request, "shifts/cant.html", {**context, "state": "confirm"})
    try:
        services.signup_drop(signup=signup)
    except ValidationError:
        return render(request, "shifts/cant.html", {"state": "invalid"}, status=404)
    return render(request, "shifts/cant.html", {**context, "state": "done"})


@login_required
@require_POST
def skill_call(request: HttpRequest, slug: str, occurrence_id: int, role_id: int) -> HttpResponse:
    """A coordinator asks every member with the role's skill to fill its open places."""
    occurrence, _membership = access.get_occurrence_for_coordinator(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    role = occurrence.series.roles.filter(pk=role_id).first()
    if role is None:
        raise Http404
    try:
        told = services.skill_call(occurrence=occurrence, role=role)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d member with this skill was asked.",
                "%(count)d members with this skill were asked.",
                told,
            )
            % {"count": told},
        )
    return redirect("shifts_occurrence", slug=slug, occurrence_id=occurrence.pk)
