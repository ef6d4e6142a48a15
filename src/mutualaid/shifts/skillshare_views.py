"""Pages for skill-shares: sessions where a member teaches (repair café, English class, know-your-rights
training) and members take seats. Built on the shifts machinery: a skill-share is a series of kind
"skillshare" whose lead is the teacher and whose one role holds the seats, so sign-up, the waitlist,
reminders and attendance (the teacher's, on the shift attendance page) are the shifts' own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualaid.core.actions import flash_action, form_action
from mutualaid.groups.access import (
    coordinator_has_second_factor,
    get_group_for_member,
)
from mutualaid.members.models import User
from mutualaid.shifts import access, selectors, services
from mutualaid.shifts.forms import SkillShareDescriptionForm, SkillShareForm
from mutualaid.shifts.models import SeriesKind, SignupState


@login_required
def skillshares(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    user: User = request.user  # type: ignore[assignment]
    coordinator = membership.is_coordinator and coordinator_has_second_factor(user)
    now = timezone.now()
    sessions = selectors.skillshare_sessions(group, user, now)
    for session in sessions:
        if session.mine is not None and session.mine.state == SignupState.WAITLISTED:
            session.position = services.waitlist_position(session.mine)
    return render(
        request,
        "shifts/skillshares.html",
        {
            "group": group,
            "sessions": sessions,
            "proposals": list(selectors.skillshare_proposals(group, user, coordinator=coordinator)),
            "is_coordinator": coordinator,
            "to_record": selectors.skillshares_to_record(group, user, now),
            "now": now,
        },
    )


@login_required
def skillshare_propose(request: HttpRequest, slug: str) -> HttpResponse:
    """Any member proposes a session they will teach; a coordinator's is approved at once."""
    group, membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    user: User = request.user  # type: ignore[assignment]
    coordinator = membership.is_coordinator and coordinator_has_second_factor(user)
    form = SkillShareForm(request.POST or None, coordinator=coordinator)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.skillshare_create(
            group=group,
            teacher=user,
            by_coordinator=coordinator,
            title=data["title"],
            description=data["description"],
            rule=data["rule"],
            starts_on=data["starts_on"],
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            seats=data["seats"],
            area=data["area"],
            address=data["address"],
            until=data["until"],
            public=bool(data.get("public")),
        )
        if coordinator:
            messages.success(request, _("Your skill-share is open: members can take seats."))
        else:
            messages.success(request, _("Thank you: a coordinator will look at your proposal."))
        return redirect("shifts_skillshares", slug=group.slug)

    return form_action(request, form, save) or render(
        request,
        "shifts/form.html",
        {
            "group": group,
            "title": _("Teach a skill-share"),
            "form": form,
            "submit": _("Propose the session") if not coordinator else _("Open the session"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def skillshare_edit(request: HttpRequest, slug: str, series_id: int) -> HttpResponse:
    """The teacher (or a coordinator) rewrites what the skill-share is about."""
    series, _membership = access.get_series_for_lead(request.user, slug, series_id)  # type: ignore[arg-type]
    if series.kind != SeriesKind.SKILL_SHARE:
        raise Http404
    form = SkillShareDescriptionForm(request.POST or None, initial={"description": series.description})

    def save(data: dict[str, Any]) -> HttpResponse:
        services.skillshare_describe(series=series, description=data["description"])
        messages.success(request, _("The description is saved: every session shows it."))
        return redirect("shifts_skillshares", slug=slug)

    return form_action(request, form, save) or render(
        request,
        "shifts/form.html",
        {
            "group": series.group,
            "title": _("About %(title)s") % {"title": series.title},
            "form": form,
            "submit": _("Save"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def skillshare_decide(request: HttpRequest, slug: str, series_id: int) -> HttpResponse:
    series, _membership = access.get_series_for_coordinator(request.user, slug, series_id)  # type: ignore[arg-type]
    if series.kind != SeriesKind.SKILL_SHARE:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    flash_action(
        request,
        lambda: services.skillshare_decide(series=series, approve=approve),
        success=_("The skill-share is approved.") if approve else _("The proposal was declined."),
    )
    return redirect("shifts_skillshares", slug=slug)


@login_required
@require_POST
def skillshare_join(request: HttpRequest, slug: str, occurrence_id: int) -> HttpResponse:
    occurrence, _membership = access.get_occurrence_for_member(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    if occurrence.series.kind != SeriesKind.SKILL_SHARE:
        raise Http404
    try:
        signup = services.signup_create(
            occurrence=occurrence,
            role=services.seat_role(occurrence.series),
            user=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if signup.state == SignupState.CONFIRMED:
            messages.success(request, _("You have a seat. See you there!"))
        else:
            messages.success(
                request,
                _("All seats are taken: you are number %(n)d on the waitlist. We will tell you if one opens.")
                % {"n": services.waitlist_position(signup) or 0},
            )
    return redirect("shifts_skillshares", slug=slug)


@login_required
@require_POST
def skillshare_leave(request: HttpRequest, slug: str, signup_id: int) -> HttpResponse:
    """ "I can't come": the seat (or waitlist place) is freed and the next person waiting gets it."""
    signup = access.get_own_signup(request.user, slug, signup_id)  # type: ignore[arg-type]
    if signup.occurrence.series.kind != SeriesKind.SKILL_SHARE:
        raise Http404
    flash_action(
        request,
        lambda: services.signup_drop(signup=signup),
        success=_("Your seat is freed. Thank you for telling us."),
    )
    return redirect("shifts_skillshares", slug=slug)


@login_required
@require_POST
def skillshare_cancel(request: HttpRequest, slug: str, occurrence_id: int) -> HttpResponse:
    """The teacher (or a coordinator) calls one session off; everyone with a seat or waiting is told."""
    occurrence, _membership = access.get_occurrence_for_lead(request.user, slug, occurrence_id)  # type: ignore[arg-type]
    if occurrence.series.kind != SeriesKind.SKILL_SHARE:
        raise Http404
    flash_action(
        request,
        lambda: services.occurrence_cancel(occurrence=occurrence),
        success=_("The session is cancelled and everyone with a seat was told."),
    )
    return redirect("shifts_skillshares", slug=slug)
