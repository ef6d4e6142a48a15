"""Pages of the board. Thin: access helpers fetch and authorise, services write, selectors read."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualaid.core.actions import flash_action
from mutualaid.core.audit import record_read
from mutualaid.core.forms import apply_errors
from mutualaid.exchange import access, selectors, services
from mutualaid.exchange.forms import AssignForm, BoardForm, ContactForm, MessageForm, PostForm
from mutualaid.exchange.models import Claim, Kind
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.http import AuthenticatedHttpRequest
from mutualaid.members.models import Membership, Role


def _filters(form: BoardForm, *, mine: bool = False) -> selectors.BoardFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.BoardFilters(
        kind=data.get("kind") or "",
        category=data.get("category") or "",
        urgency=data.get("urgency") or "",
        status=data.get("status") or "",
        language=data.get("language") or "",
        area=data.get("area") or "",
        q=data.get("q") or "",
        mine=mine,
        page=data.get("page") or 1,
        unplaced=bool(data.get("unplaced")),
    )


def _without_empty(request: HttpRequest) -> str | None:
    """The address without its empty parameters, when it has some: a search form sent without JavaScript
    carries every field (`?q=rice&category=&…`), an address too long to share. None when it is clean."""
    if request.method != "GET" or request.headers.get("HX-Request"):
        return None
    query = request.GET.copy()
    if all(value.strip() for key in query for value in query.getlist(key)):
        return None
    for key in list(query):
        kept = [value for value in query.getlist(key) if value.strip()]
        if kept:
            query.setlist(key, kept)
        else:
            del query[key]
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _board(request: HttpRequest, slug: str, *, mine: bool) -> HttpResponse:
    group, membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    clean = _without_empty(request)
    if clean is not None:
        return redirect(clean)
    form = BoardForm(request.GET or None)
    if membership.role != Role.COORDINATOR:
        del form.fields["unplaced"]
    page = selectors.board(
        group=group,
        user=request.user,  # type: ignore[arg-type]
        membership=membership,
        filters=_filters(form, mine=mine),
        cards=True,
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = "exchange/_board_results.html" if request.headers.get("HX-Request") else "exchange/board.html"
    return render(
        request,
        template,
        {
            "group": group,
            "membership": membership,
            "form": form,
            "page": page,
            "mine": mine,
            "query": query.urlencode(),
            # a search or filter that finds nothing says so, and how to widen it
            "searching": any(value.strip() for key in query for value in query.getlist(key)),
            "is_coordinator": membership.role == Role.COORDINATOR,
        },
    )


@login_required
def board(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _board(request, slug, mine=False)


@login_required
def mine(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _board(request, slug, mine=True)


@login_required
def post_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_member(request.user, slug)
    initial = {"kind": request.GET.get("kind") if request.GET.get("kind") in Kind.values else Kind.NEED}
    form = PostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.post_input()
            post = services.post_create(group=group, author=request.user, data=data, ask_area=True)
        except services.PostingFlood as exc:
            messages.error(request, str(exc.args[0]))
            return render(request, "exchange/post_form.html", {"group": group, "form": form}, status=429)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your post is on the board."))
            return redirect("exchange_post", slug=group.slug, post_id=post.pk)
    return render(request, "exchange/post_form.html", {"group": group, "form": form})


@login_required
def post_edit(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> HttpResponse:
    group, _m, post = access.get_post_for_member(request.user, slug, post_id)
    services.check_may_edit(post, request.user)
    if post.address and post.author_id != request.user.pk:
        record_read(reader=request.user, subject=post, fields=["address"], group_id=group.pk)
    form = PostForm(request.POST or None, initial=PostForm.initial_for(post))
    form.fields["kind"].disabled = True
    for name in ("on_behalf", "contact_name", "contact_phone", "contact_note"):
        del form.fields[name]
    if request.method == "POST" and form.is_valid():
        try:
            data = form.post_input()
            # Fixing the place of a flagged post, or moving it: a place that cannot be found is asked again.
            services.post_update(post=post, actor=request.user, data=data, ask_area=data.area != post.area)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The post was updated."))
            return redirect("exchange_post", slug=group.slug, post_id=post.pk)
    return render(request, "exchange/post_form.html", {"group": group, "form": form, "post": post})


@login_required
def contact_edit(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> HttpResponse:
    """The private details of the neighbour a post is held for: the member who took them in, or a coordinator."""
    group, _m, post = access.get_post_for_member(request.user, slug, post_id)
    if post.contact is None:
        raise Http404
    if post.author_id != request.user.pk:
        services.require_coordinator(
            request.user,
            group.pk,
            _("Only the member who took the neighbour in or a coordinator can change their details."),
        )
    record_read(reader=request.user, subject=post, fields=["contact"], group_id=group.pk)
    form = ContactForm(request.POST or None, initial=ContactForm.initial_for(post.contact))
    if post.contact.source == "sms":
        form.fields["phone"].disabled = True
        form.fields["phone"].help_text = _(
            "This neighbour texts the group from this number; it cannot be changed here."
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(post=post, actor=request.user, data=form.contact_input())
        except ValidationError as exc:
            apply_errors(form, _renamed(exc, CONTACT_FIELDS))
        else:
            messages.success(request, _("The neighbour's details were saved."))
            return redirect("exchange_post", slug=group.slug, post_id=post.pk)
    return render(request, "exchange/contact_form.html", {"group": group, "post": post, "form": form})


# The service names the contact's fields as the intake form does (contact_phone…); this form has them bare.
CONTACT_FIELDS = {
    "contact_name": "name",
    "contact_phone": "phone",
    "contact_email": "email",
    "contact_note": "note",
}


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({names.get(key, key): errors for key, errors in exc.error_dict.items()})
    return exc


@login_required
def post_detail(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> HttpResponse:
    group, membership, post = access.get_post_for_member(request.user, slug, post_id)
    user = request.user
    coordinator = services.acts_as_coordinator(user, group.pk, membership)
    live = selectors.live_claim(post)
    poster = post.author_id == user.pk
    claimant = live is not None and live.claimant_id == user.pk
    show_address = access.may_see_exact_address(post, user, coordinator=coordinator, live=live)
    show_contact = post.contact is not None and (poster or coordinator)
    # A post taken in by text message keeps the texter's words in the sealed note (they may hold an
    # address); the accepted helper reads them, as they read any poster's details (the number stays hidden).
    by_sms = post.author_id is None and post.contact is not None and post.contact.source == "sms"
    show_words = (
        by_sms
        and bool(post.private_note)
        and claimant
        and live is not None
        and live.state == Claim.State.ACCEPTED
    )
    if show_address or show_contact or show_words:
        fields = (
            (["address"] if show_address else [])
            + (["contact"] if show_contact else [])
            + (["private_note"] if show_words else [])
        )
        record_read(reader=user, subject=post, fields=fields, group_id=group.pk)
    claims = selectors.claims_of(post) if (poster or coordinator) else [c for c in [live] if c and claimant]
    return render(
        request,
        "exchange/post.html",
        {
            "group": group,
            "membership": membership,
            "post": post,
            "live": live,
            "poster": poster,
            "claimant": claimant,
            "coordinator": coordinator,
            "show_address": show_address,
            "show_contact": show_contact,
            "by_sms": by_sms,
            "show_words": show_words,
            "history": selectors.history_for(post, user, coordinator=coordinator),
            "claims": claims,
            # A coordinator sees every claim but reads a conversation only once invited: link only what opens.
            "joinable": {c.pk for c in claims if services.can_join_conversation(c, user)},
            "members": selectors.group_members(group) if coordinator and post.status == "open" else [],
            "may_claim": post.status == "open" and not poster,
            "may_edit": (poster or coordinator) and post.status not in ("fulfilled", "withdrawn"),
            "may_edit_contact": show_contact,
        },
    )


def _done(
    request: HttpRequest, group_slug: str, post_id: int, call: Callable[[], object], success: str
) -> HttpResponse:
    """A POST button on the post page: run the service, flash its refusal or the success, back to the post."""
    flash_action(request, call, success=success)
    return redirect("exchange_post", slug=group_slug, post_id=post_id)


@login_required
@require_POST
def claim(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> HttpResponse:
    _group, _m, post = access.get_post_for_member(request.user, slug, post_id)
    return _done(
        request,
        slug,
        post.pk,
        lambda: services.claim_create(post=post, claimant=request.user),
        _("Thank you. The poster will answer your claim."),
    )


@login_required
@require_POST
def claim_decide(request: AuthenticatedHttpRequest, slug: str, post_id: int, claim_id: int) -> HttpResponse:
    _g, _m, post, found = access.get_claim_for_member(request.user, slug, post_id, claim_id)
    accept = request.POST.get("decision") == "accept"
    return _done(
        request,
        slug,
        post.pk,
        lambda: services.claim_decide(claim=found, actor=request.user, accept=accept),
        _("Claim accepted. You can now talk privately.")
        if accept
        else _("Claim declined. The post is open again."),
    )


@login_required
@require_POST
def post_assign(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> HttpResponse:
    group, _m = get_group_for_coordinator(request.user, slug)
    _g, _m2, post = access.get_post_for_member(request.user, slug, post_id)
    form = AssignForm(request.POST)
    member = None
    if form.is_valid():
        member = (
            Membership.objects.filter(group=group, pk=form.cleaned_data["member"])
            .select_related("user")
            .first()
        )
    if member is None:
        messages.error(request, _("Choose a member of the group."))
        return redirect("exchange_post", slug=slug, post_id=post.pk)
    return _done(
        request,
        slug,
        post.pk,
        lambda: services.post_assign(post=post, actor=request.user, claimant=member.user),
        _("Assigned to %(name)s.") % {"name": member.user.display_name},
    )


@login_required
@require_POST
def post_act(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> HttpResponse:
    _g, _m, post = access.get_post_for_member(request.user, slug, post_id)
    action = request.POST.get("action", "")
    done = {
        "release": _("You released your claim. The post is open again."),
        "fulfil": _("Marked as fulfilled. Thank you!"),
        "withdraw": _("The post was withdrawn."),
        "renew": _("The post was renewed."),
    }.get(action, "")
    return _done(
        request,
        slug,
        post.pk,
        lambda: services.post_act(post=post, actor=request.user, action=action),
        done,
    )


@login_required
def conversation(request: AuthenticatedHttpRequest, slug: str, post_id: int, claim_id: int) -> HttpResponse:
    group, _m, post, found = access.get_claim_for_member(request.user, slug, post_id, claim_id)
    if not services.can_join_conversation(found, request.user):
        from django.http import Http404

        raise Http404
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(claim=found, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("exchange_conversation", slug=slug, post_id=post.pk, claim_id=found.pk)
    found_messages = selectors.messages_of(found)
    if any(m.author_id != request.user.pk for m in found_messages):
        record_read(reader=request.user, subject=found, fields=["messages"], group_id=group.pk)
    return render(
        request,
        "exchange/conversation.html",
        {
            "group": group,
            "post": post,
            "claim": found,
            "chat": found_messages,
            "form": form,
            "is_side": request.user.pk in services.conversation_members(found),
        },
    )


@login_required
@require_POST
def conversation_invite(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, claim_id: int
) -> HttpResponse:
    _g, _m, post, found = access.get_claim_for_member(request.user, slug, post_id, claim_id)
    services.conversation_invite_coordinators(claim=found, actor=request.user)
    messages.success(request, _("Coordinators can now read and write in this conversation."))
    return redirect("exchange_conversation", slug=slug, post_id=post.pk, claim_id=found.pk)


@login_required
def triage(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _m = get_group_for_coordinator(request.user, slug)
    return render(request, "exchange/triage.html", {"group": group, "triage": selectors.triage(group=group)})
