"""Referral pages for coordinators: the referrals of their group (both ways), referring an open need to
a peer's group, and answering an offer. Server-rendered, no JavaScript."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualaid.core.actions import flash_action, form_action
from mutualaid.core.audit import record_read
from mutualaid.exchange.models import Kind, Post, Status
from mutualaid.groups.access import get_group_for_coordinator
from mutualaid.groups.models import Group
from mutualaid.peers import selectors, services
from mutualaid.peers.forms import ReferForm
from mutualaid.peers.models import PeerGroup, Referral


@login_required
def referral_list(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    return render(
        request,
        "peers/list.html",
        {
            "group": group,
            "incoming": selectors.referrals(group, "in"),
            "outgoing": selectors.referrals(group, "out"),
            "open_needs": selectors.referable_needs(group),
            "linked": selectors.has_peers(),
        },
    )


@login_required
def refer(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    post = Post.objects.filter(group=group, pk=post_id, kind=Kind.NEED, status=Status.OPEN).first()
    if post is None:
        raise Http404
    options = services.targets(post)
    form = ReferForm(request.POST or None, targets=[(g.pk, f"{g.name} · {g.peer.url}") for g in options])

    def save(data: dict[str, int]) -> HttpResponse:
        target = PeerGroup.objects.select_related("peer").get(pk=data["target"])
        services.refer(post=post, actor=request.user, target=target)  # type: ignore[arg-type]
        messages.success(request, _("The need was offered to %(group)s.") % {"group": target.name})
        return redirect("referrals", slug=group.slug)

    return form_action(request, form, save) or render(
        request,
        "peers/refer.html",
        {"group": group, "post": post, "form": form, "options": options},
        status=400 if form.errors else 200,
    )


def _referral(request: HttpRequest, slug: str, uid: str) -> tuple[Group, Referral]:
    group, _membership = get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    try:
        key = uuid.UUID(uid)
    except ValueError:
        raise Http404 from None
    referral = selectors.referral(group, key)
    if referral is None:
        raise Http404
    return group, referral


@login_required
def referral_detail(request: HttpRequest, slug: str, uid: str) -> HttpResponse:
    group, referral = _referral(request, slug, uid)
    details = services.details_of(referral)
    if details is not None:
        record_read(
            reader=request.user, subject=referral, fields=["details", "contact"], group_id=referral.group_id
        )
    return render(
        request,
        "peers/detail.html",
        {"group": group, "referral": referral, "details": details, "events": list(referral.events.all())},
    )


@login_required
@require_POST
def referral_decide(request: HttpRequest, slug: str, uid: str) -> HttpResponse:
    _group, referral = _referral(request, slug, uid)
    accept = request.POST.get("answer") == "accept"
    flash_action(
        request,
        lambda: services.decide(referral=referral, actor=request.user, accept=accept),  # type: ignore[arg-type]
        success=_("Accepted: the details will arrive here shortly.")
        if accept
        else _("Declined: the need goes back."),
    )
    return redirect("referrals_detail", slug=slug, uid=referral.uid)
