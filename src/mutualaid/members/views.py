from __future__ import annotations

import contextlib
import time
from urllib.parse import urlencode

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mutualaid.core.actions import flash_action
from mutualaid.core.forms import apply_errors
from mutualaid.members import services
from mutualaid.members.forms import (
    DataExportForm,
    DeleteAccountForm,
    InvitationLinkForm,
    ProfileSkillsForm,
    SignupForm,
    TokenForm,
)
from mutualaid.members.http import AuthenticatedHttpRequest
from mutualaid.members.models import AccessToken

INVITATION_PROBLEMS = {
    "invalid": gettext_lazy("This invitation link is not valid. Check that you copied the whole link."),
    "used": gettext_lazy("This invitation has already been used. Each link works once; ask for a new one."),
    "expired": gettext_lazy("This invitation has expired. Ask the person who invited you for a new link."),
    "revoked": gettext_lazy("This invitation was withdrawn. Ask the group for a new link."),
}


# Invitation links are https://site/invite/#TOKEN: the token sits in the fragment, which browsers never send,
# so no proxy or server log can record it. /invite/ shows a form for the link; members/invite.js fills it
# from the fragment and posts it at once, and without JavaScript the person pastes the link they received.
# The token then travels only in POST bodies, and in the session sealed with the key ring (so "Log in first"
# comes back to the same invitation). Older /invite/TOKEN/ links still work: the token reaches the proxy once.
INVITATION_SESSION_KEY = "invitation"


def _token_from_text(text: str) -> str:
    """The token from what someone pasted: the whole link, the part after '#', or an old /invite/TOKEN/ link."""
    text = text.strip()
    if "#" in text:
        text = text.rsplit("#", 1)[1]
    elif "/invite/" in text:
        text = text.split("/invite/", 1)[1].split("/", 1)[0]
    return text.strip()[:200]


def _remember_invitation(request: HttpRequest, token: str | None) -> None:
    from mutualaid.core.encryption import KeyRingError, encrypt

    request.session.pop(INVITATION_SESSION_KEY, None)
    if token is not None:
        # After `mutualaid panic` nothing new can be sealed: the invitation is then simply not remembered.
        with contextlib.suppress(KeyRingError):
            request.session[INVITATION_SESSION_KEY] = encrypt(token, context="session.invitation")


def _remembered_invitation(request: HttpRequest) -> str | None:
    from mutualaid.core.encryption import decrypt

    sealed = request.session.get(INVITATION_SESSION_KEY)
    return decrypt(sealed, context="session.invitation") if isinstance(sealed, str) else None


def invitation_open(request: HttpRequest) -> HttpResponse:
    """/invite/: open an invitation from its link (POST), or ask for the link."""
    form = InvitationLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = _token_from_text(form.cleaned_data["token"])
        return _invitation_page(request, token, joining=request.POST.get("step") == "join")
    if request.method == "GET":
        remembered = _remembered_invitation(request)
        if remembered:
            return _invitation_page(request, remembered, joining=False)
    return render(request, "members/invitation_open.html", {"form": form})


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An older link with the token in its path (and forms posted by pages opened from one)."""
    return _invitation_page(request, token, joining=request.method == "POST")


def _invitation_problem(request: HttpRequest, state: str) -> HttpResponse:
    _remember_invitation(request, None)
    return render(
        request,
        "members/invitation_problem.html",
        {"problem": str(INVITATION_PROBLEMS.get(state, INVITATION_PROBLEMS["invalid"]))},
        status=410,
    )


def _invitation_page(request: HttpRequest, token: str, *, joining: bool) -> HttpResponse:
    try:
        found = services.invitation_lookup(token)
    except services.InvitationUnusable as problem:
        return _invitation_problem(request, problem.state)
    group = found.group
    _remember_invitation(request, token)
    context: dict[str, object] = {"group": group, "token": token}
    if request.user.is_authenticated:
        if joining:
            member = request.user
            try:
                flash_action(
                    request,
                    lambda: services.invitation_accept(token=token, user=member),
                    success=_("Welcome to %(group)s!") % {"group": group.name},
                )
            except services.InvitationUnusable as problem:
                return _invitation_problem(request, problem.state)
            _remember_invitation(request, None)
            return redirect("group", slug=group.slug)
        return render(request, "members/invitation.html", {**context, "form": None})
    form = SignupForm(request.POST if joining else None, initial={"language": request.LANGUAGE_CODE})
    if joining and form.is_valid():
        data = form.cleaned_data
        try:
            user, _membership = services.signup_with_invitation(token=token, **data)
        except services.InvitationUnusable as problem:
            return _invitation_problem(request, problem.state)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            _remember_invitation(request, None)
            messages.success(request, _("Welcome to %(group)s!") % {"group": group.name})
            return redirect("group", slug=group.slug)
    return render(request, "members/invitation.html", {**context, "form": form})


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    initial = {
        "display_name": user.display_name,
        "language": user.language,
        "email": user.email or "",
        "phone": user.phone or "",
        "skills": user.skills,
    }
    form = ProfileSkillsForm(request.POST or None, initial=initial)
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
def data_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's own data as a JSON file, after their password (and second factor) again.

    A passkey cannot be typed: the page sends its owner through allauth's passkey re-authentication
    (JavaScript, like every passkey ceremony) and back; a passkey used in this session within the
    re-authentication timeout (at login or there) counts, as the admin's sensitive edits count a recent
    second factor. Without JavaScript a recovery code does, as at login.
    """
    factors = services.data_export_factors(request.user)
    confirmed = factors.passkey and _passkey_recently_proved(request)
    form = DataExportForm(request.POST or None, needs_code=factors.code and not confirmed)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.data_export(
                user=request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data.get("code", ""),
                second_factor_confirmed=confirmed,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
            day = timezone.localdate().isoformat()
            response["Content-Disposition"] = f'attachment; filename="mutualaid-my-data-{day}.json"'
            response["Cache-Control"] = "no-store"
            return response
    passkey = f"{reverse('mfa_reauthenticate_webauthn')}?{urlencode({'next': request.path})}"
    context = {"form": form, "factors": factors, "confirmed": confirmed, "passkey_url": passkey}
    return render(request, "members/data_export.html", context)


def _passkey_recently_proved(request: AuthenticatedHttpRequest) -> bool:
    """Whether this session used a passkey within the re-authentication timeout (at login or on allauth's
    passkey re-authentication). Only a passkey: a member with an app's codes types one, as before."""
    now = time.time()
    return any(
        (record.get("method"), record.get("type")) == ("mfa", "webauthn")
        and now - float(record.get("at", 0)) < account_settings.REAUTHENTICATION_TIMEOUT
        for record in get_authentication_records(request, request.user)
    )


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
