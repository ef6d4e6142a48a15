from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mutualaid.core.actions import flash_action
from mutualaid.core.forms import apply_errors
from mutualaid.members import services
from mutualaid.members.forms import DeleteAccountForm, ProfileForm, SignupForm, TokenForm
from mutualaid.members.http import AuthenticatedHttpRequest
from mutualaid.members.models import AccessToken

INVITATION_PROBLEMS = {
    "invalid": gettext_lazy("This invitation link is not valid. Check that you copied the whole link."),
    "used": gettext_lazy("This invitation has already been used. Each link works once; ask for a new one."),
    "expired": gettext_lazy("This invitation has expired. Ask the person who invited you for a new link."),
    "revoked": gettext_lazy("This invitation was withdrawn. Ask the group for a new link."),
}


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = services.invitation_lookup(token)
    except services.InvitationUnusable as problem:
        return render(
            request,
            "members/invitation_problem.html",
            {"problem": str(INVITATION_PROBLEMS.get(problem.state, INVITATION_PROBLEMS["invalid"]))},
            status=410,
        )
    group = found.group
    if request.user.is_authenticated:
        if request.method == "POST":
            member = request.user
            try:
                flash_action(
                    request,
                    lambda: services.invitation_accept(token=token, user=member),
                    success=_("Welcome to %(group)s!") % {"group": group.name},
                )
            except services.InvitationUnusable as problem:
                return render(
                    request,
                    "members/invitation_problem.html",
                    {"problem": str(INVITATION_PROBLEMS[problem.state])},
                    status=410,
                )
            return redirect("group", slug=group.slug)
        return render(request, "members/invitation.html", {"group": group, "form": None})
    form = SignupForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, _membership = services.signup_with_invitation(token=token, **data)
        except services.InvitationUnusable as problem:
            return render(
                request,
                "members/invitation_problem.html",
                {"problem": str(INVITATION_PROBLEMS[problem.state])},
                status=410,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(group)s!") % {"group": group.name})
            return redirect("group", slug=group.slug)
    return render(request, "members/invitation.html", {"group": group, "form": form})


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    initial = {
        "display_name": user.display_name,
        "language": user.language,
        "email": user.email or "",
        "phone": user.phone or "",
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            response = redirect("profile")
            from django.conf import settings

            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                samesite="Lax",
                secure=settings.HTTPS,
            )
            return response
    return render(request, "members/profile.html", {"form": form})


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _record, new_token = services.access_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm()
    listed = AccessToken.objects.filter(user=request.user)
    return render(request, "members/tokens.html", {"form": form, "new_token": new_token, "tokens": listed})


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = AccessToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        raise Http404
    services.access_token_revoke(token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("tokens")


@login_required
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", _("That password is not right."))
        else:
            try:
                services.account_delete(user=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                logout(request)
                messages.success(request, _("Your account was deleted. Take care."))
                return redirect("home")
    return render(request, "members/delete_account.html", {"form": form})
