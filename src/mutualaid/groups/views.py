from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualaid.core import proofofwork, registry
from mutualaid.core.actions import flash_action
from mutualaid.core.audit import record_read
from mutualaid.core.forms import apply_errors
from mutualaid.groups import access, selectors, services
from mutualaid.groups.forms import AreaForm, DirectoryForm, GroupForm, SetupForm
from mutualaid.groups.middleware import reset_setup_cache
from mutualaid.members import names
from mutualaid.members import services as member_services
from mutualaid.members.forms import AnonymousJoinRequestForm, JoinRequestForm
from mutualaid.members.http import AuthenticatedHttpRequest
from mutualaid.members.models import Invitation, JoinRequest, Membership


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(
            request,
            "groups/dashboard.html",
            {
                "memberships": selectors.groups_of(request.user),
                "join_requests": selectors.join_requests_of(request.user),
                "public_links": registry.public_links(),
            },
        )
    return render(
        request, "groups/landing.html", {"form": DirectoryForm(), "public_links": registry.public_links()}
    )


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    search = None
    if form.is_bound and form.is_valid():
        search = selectors.directory_search(
            query=form.cleaned_data["q"],
            category=form.cleaned_data["category"],
            language=form.cleaned_data["language"],
        )
    elif not form.is_bound:
        search = selectors.directory_search()
    template = (
        "groups/_directory_results.html" if request.headers.get("HX-Request") else "groups/directory.html"
    )
    return render(request, template, {"form": form, "search": search})


def group_page(request: HttpRequest, slug: str) -> HttpResponse:
    group = access.get_listed_or_member_group(request.user, slug)  # type: ignore[arg-type]
    membership = None
    pending = False
    if request.user.is_authenticated:
        membership = Membership.objects.filter(user=request.user, group=group).first()
        pending = JoinRequest.objects.filter(
            user=request.user, group=group, status=JoinRequest.Status.PENDING
        ).exists()
    return render(
        request,
        "groups/group.html",
        {
            "group": group,
            "membership": membership,
            "pending": pending,
            "counts": selectors.member_counts(group) if membership else None,
            "coordinators": selectors.coordinators_of(group) if membership else None,
        },
    )


def join_request(request: HttpRequest, slug: str) -> HttpResponse:
    group = access.get_listed_or_member_group(request.user, slug)  # type: ignore[arg-type]
    if not group.accepts_requests:
        return render(request, "groups/join_closed.html", {"group": group}, status=403)
    form_class = JoinRequestForm if request.user.is_authenticated else AnonymousJoinRequestForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.user.is_authenticated:
                member_services.join_request_create(group=group, user=request.user, message=data["message"])
            else:
                # Not logged in: the account can log in once approved, and the answer is the same whether
                # the username chosen was free or taken (no username oracle; see the service).
                proof = (request.POST.get("proof_challenge", ""), request.POST.get("proof_solution", ""))
                member_services.signup_with_join_request(group=group, proof=proof, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if request.user.is_authenticated:
                text = _("Your request was sent. A coordinator of %(group)s will look at it.")
            else:
                text = _(
                    "Your request was sent. A coordinator of %(group)s will look at it; once they approve "
                    "it, log in with your username and password. If you gave an e-mail address or phone "
                    "number, we will tell you."
                )
            messages.success(request, text % {"group": group.name})
            return redirect("group", slug=group.slug)
    context: dict[str, object] = {"group": group, "form": form}
    if not request.user.is_authenticated:
        # A cost per attempt that the page's script pays (core.proofofwork); without it, the plain limit.
        context["proof_challenge"] = proofofwork.challenge("signup_open", "install")
    return render(request, "groups/join_request.html", context)


@login_required
def group_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        return render(request, "groups/group_new_closed.html", status=403)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(profile=form.profile(), creator=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("%(group)s was created. You are its coordinator.") % {"group": group.name}
            )
            return redirect("group", slug=group.slug)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@login_required
def group_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    form = GroupForm(request.POST or None, initial=GroupForm.initial_for(group))
    area_form = AreaForm()
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_update(group=group, profile=form.profile())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("group", slug=group.slug)
    return render(request, "groups/group_form.html", {"form": form, "group": group, "area_form": area_form})


@login_required
@require_POST
def area_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    form = AreaForm(request.POST)
    if form.is_valid():
        try:
            services.area_add(group=group, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
    if form.errors:
        return render(
            request,
            "groups/group_form.html",
            {"form": GroupForm(initial=GroupForm.initial_for(group)), "group": group, "area_form": form},
            status=400,
        )
    messages.success(request, _("Neighbourhood added."))
    return redirect("group_edit", slug=group.slug)


@login_required
@require_POST
def area_remove(request: AuthenticatedHttpRequest, slug: str, area_id: int) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    area = group.areas.filter(pk=area_id).first()
    if area is not None:
        services.area_remove(area=area)
    return redirect("group_edit", slug=group.slug)


@login_required
def members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, membership = access.get_group_for_coordinator(request.user, slug)
    requests = list(
        JoinRequest.objects.filter(group=group, status=JoinRequest.Status.PENDING).select_related("user")
    )
    members = selectors.members_of(group)
    member_names = [m.user.display_name for m in members]
    for join_request in requests:
        if join_request.message:  # shown on this page: a read of someone's private words (property 15)
            record_read(reader=request.user, subject=join_request, fields=["message"], group_id=group.pk)
        # A newcomer whose name looks like a member's cannot be approved as is (no impersonation).
        join_request.looks_like = names.clashes(join_request.user.display_name, member_names)  # type: ignore[attr-defined]
    return render(
        request,
        "groups/members.html",
        {"group": group, "membership": membership, "members": members, "requests": requests},
    )


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    target = access.get_membership_in_group(group, membership_id)
    flash_action(
        request,
        lambda: member_services.membership_set_role(membership=target, role=request.POST.get("role", "")),
        success=_("Role changed for %(name)s.") % {"name": target.user},
    )
    return redirect("members", slug=group.slug)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    target = access.get_membership_in_group(group, membership_id)
    flagged: list[int] = []
    removed = flash_action(
        request,
        lambda: flagged.append(member_services.membership_remove(membership=target)),
        success=_("%(name)s was removed from the group.") % {"name": target.user},
    )
    if removed and flagged[0]:
        messages.warning(
            request, _("%(count)d member(s) they vouched for are marked for review.") % {"count": flagged[0]}
        )
    return redirect("members", slug=group.slug)


@login_required
@require_POST
def member_reviewed(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    member_services.membership_clear_review(membership=access.get_membership_in_group(group, membership_id))
    return redirect("members", slug=group.slug)


@login_required
@require_POST
def join_request_decide(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    join = JoinRequest.objects.filter(group=group, pk=request_id).select_related("user").first()
    if join is None:
        from django.http import Http404

        raise Http404
    approve = request.POST.get("decision") == "approve"
    flash_action(
        request,
        lambda: member_services.join_request_decide(
            join_request=join,
            decided_by=request.user,
            approve=approve,
        ),
        success=_("Request approved.") if approve else _("Request declined."),
    )
    return redirect("members", slug=group.slug)


@login_required
@require_POST
def leave(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, membership = access.get_group_for_member(request.user, slug)
    if flash_action(
        request,
        lambda: member_services.membership_leave(membership=membership),
        success=_("You left %(group)s.") % {"group": group.name},
    ):
        return redirect("home")
    return redirect("group", slug=group.slug)


@login_required
def invitations(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Any member can vouch for someone by inviting them; coordinators see and revoke all invitations."""
    from mutualaid.members.forms import InvitationForm
    from mutualaid.members.models import Role

    group, membership = access.get_group_for_member(request.user, slug)
    form = InvitationForm(request.POST or None)
    if not membership.is_coordinator:
        form.fields.pop("role")
    new_link = None
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data.get("role", Role.MEMBER)
        if role == Role.COORDINATOR:
            access.get_group_for_coordinator(request.user, slug)
        try:
            _invitation, token = member_services.invitation_create(
                group=group,
                created_by=request.user,
                role=role,
                days=form.cleaned_data["days"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            new_link = request.build_absolute_uri(f"/invite/#{token}")
            form = InvitationForm()
            if not membership.is_coordinator:
                form.fields.pop("role")
    visible = Invitation.objects.filter(group=group).select_related("created_by", "used_by")
    if not membership.is_coordinator:
        visible = visible.filter(created_by=request.user)
    return render(
        request,
        "groups/invitations.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "new_link": new_link,
            "invitations": visible[:200],
        },
    )


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    group, membership = access.get_group_for_member(request.user, slug)
    invitation = Invitation.objects.filter(group=group, pk=invitation_id).first()
    if invitation is None or (invitation.created_by_id != request.user.pk and not membership.is_coordinator):
        from django.http import Http404

        raise Http404
    flash_action(
        request,
        lambda: member_services.invitation_revoke(invitation=invitation),
        success=_("The invitation was revoked; its link no longer works."),
    )
    return redirect("invitations", slug=group.slug)


def setup(request: HttpRequest) -> HttpResponse:
    if selectors.install_is_set_up():
        return redirect("home")
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, group = services.setup_complete(
                code=data["code"],
                profile=form.profile(),
                username=data["username"],
                password=data["password"],
                display_name=data["display_name"],
                language=data["language"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            reset_setup_cache()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome! %(group)s is ready. Invite your first members.") % {"group": group.name}
            )
            return redirect("group", slug=group.slug)
    return render(request, "groups/setup.html", {"form": form})
