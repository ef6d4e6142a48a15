"""Pages for housing offers: a member offers a place; coordinators see the offers, propose a stay for
a housing need, confirm another coordinator's proposal, check in and end the stay; the host agrees;
the guest sees the address once the stay is arranged. Thin: every write is a service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualaid.core.forms import apply_errors
from mutualaid.exchange.models import Post
from mutualaid.groups.access import get_group_for_member
from mutualaid.housing import access, selectors, services, states
from mutualaid.housing.forms import CheckInForm, OfferForm, ProposeForm
from mutualaid.housing.models import Offer


@login_required
def home(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    coordinator = services.is_coordinator(request.user, group.pk)  # type: ignore[arg-type]
    return render(
        request,
        "housing/home.html",
        {
            "group": group,
            "is_coordinator": coordinator,
            "offers": selectors.offers_for(group, request.user, coordinator=coordinator),  # type: ignore[arg-type]
            "stays": selectors.stays_for(group, request.user, coordinator=coordinator),  # type: ignore[arg-type]
        },
    )


@login_required
def offer_new(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(
                group=group,
                host=request.user,  # type: ignore[arg-type]
                data=services.OfferInput(**form.cleaned_data),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you. Only coordinators see your offer."))
            return redirect("housing_offer", slug, offer.pk)
    status = 400 if form.is_bound else 200
    return render(request, "housing/offer_form.html", {"group": group, "form": form}, status=status)


def _offer_context(request: HttpRequest, offer: Offer, coordinator: bool, form: Any = None) -> dict[str, Any]:
    needs = services.housing_needs(offer.group) if coordinator else []
    return {
        "group": offer.group,
        "offer": offer,
        "is_coordinator": coordinator,
        "address": selectors.offer_address(offer, request.user),  # type: ignore[arg-type]
        "free": selectors.is_free(offer),
        "stays": offer.stays.select_related("guest").order_by("-pk")[:20],
        "form": form or (ProposeForm(needs=needs) if coordinator and needs else None),
        "no_needs": coordinator and not needs,
    }


@login_required
def offer_page(request: HttpRequest, slug: str, offer_id: int) -> HttpResponse:
    offer, coordinator = access.get_offer(request.user, slug, offer_id)  # type: ignore[arg-type]
    return render(request, "housing/offer.html", _offer_context(request, offer, coordinator))


@login_required
@require_POST
def propose(request: HttpRequest, slug: str, offer_id: int) -> HttpResponse:
    offer, coordinator = access.get_offer(request.user, slug, offer_id)  # type: ignore[arg-type]
    if not coordinator:
        raise PermissionDenied
    needs = services.housing_needs(offer.group)
    form = ProposeForm(request.POST, needs=needs)
    if form.is_valid():
        need = Post.objects.get(pk=form.cleaned_data["need"])
        try:
            stay = services.stay_propose(
                offer=offer,
                actor=request.user,  # type: ignore[arg-type]
                need=need,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                checkin_every_days=form.cleaned_data["checkin_every_days"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Stay proposed. The host and a second coordinator must now agree."))
            return redirect("housing_stay", slug, stay.pk)
    return render(
        request, "housing/offer.html", _offer_context(request, offer, coordinator, form), status=400
    )


@login_required
def offer_edit(request: HttpRequest, slug: str, offer_id: int) -> HttpResponse:
    offer, _coordinator = access.get_offer(request.user, slug, offer_id)  # type: ignore[arg-type]
    if request.method == "POST":
        form = OfferForm(request.POST)
    else:
        initial = {name: getattr(offer, name) or "" for name in OfferForm.base_fields}
        initial["address"] = selectors.offer_address(offer, request.user)  # type: ignore[arg-type]
        form = OfferForm(initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(
                offer=offer,
                actor=request.user,  # type: ignore[arg-type]
                data=services.OfferInput(**form.cleaned_data),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The offer is saved."))
            return redirect("housing_offer", slug, offer.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "housing/offer_form.html",
        {"group": offer.group, "form": form, "offer": offer},
        status=status,
    )


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, slug: str, offer_id: int) -> HttpResponse:
    offer, _coordinator = access.get_offer(request.user, slug, offer_id)  # type: ignore[arg-type]
    try:
        services.offer_withdraw(offer=offer, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The place is no longer offered."))
    return redirect("housing_offer", slug, offer.pk)


@login_required
def stay_page(request: HttpRequest, slug: str, stay_id: int) -> HttpResponse:
    stay, coordinator = access.get_stay(request.user, slug, stay_id)  # type: ignore[arg-type]
    user = request.user
    return render(
        request,
        "housing/stay.html",
        {
            "group": stay.offer.group,
            "stay": stay,
            "is_coordinator": coordinator,
            "is_host": user.pk == stay.offer.host_id,
            "is_guest": user.pk == stay.guest_id,
            "address": selectors.address_for(stay, user, coordinator=coordinator),  # type: ignore[arg-type]
            "proposed_by_me": user.pk == stay.proposed_by_id,
            "checkins": stay.checkins.all()[:20] if coordinator else [],
            "checkin_form": CheckInForm() if coordinator else None,
            "checkin_due": services.checkin_due_at(stay),
        },
    )


@login_required
@require_POST
def stay_step(request: HttpRequest, slug: str, stay_id: int, action: str) -> HttpResponse:
    if action not in states.ACTIONS:
        raise Http404
    stay, _coordinator = access.get_stay(request.user, slug, stay_id)  # type: ignore[arg-type]
    form = CheckInForm(request.POST)
    extra: dict[str, Any] = {}
    if action == states.CHECKIN and form.is_valid():
        extra = {"all_well": form.cleaned_data["all_well"], "note": form.cleaned_data["note"]}
    seen = request.POST.get("seen") or None
    try:
        services.stay_step(stay=stay, actor=request.user, action=action, seen=seen, **extra)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("housing_stay", slug, stay.pk)
    done = {
        states.AGREE: _("Thank you: you agreed to host. A second coordinator confirms the stay."),
        states.DECLINE: _("You declined the stay."),
        states.CONFIRM: _("The stay is arranged. The guest now sees the address."),
        states.CANCEL: _("The stay is cancelled."),
        states.END: _("The stay has ended: the place is free again."),
        states.CHECKIN: _("Check-in recorded."),
    }
    messages.success(request, done[action])
    return redirect("housing_stay", slug, stay.pk)
