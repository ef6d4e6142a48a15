"""Pages for alerts: report (members), the hotline form (verifiers and coordinators), responding,
the verifiers' queue and report page (claim, confirm, unfounded, correct, all-clear), the coordinators'
verifier list and settings, and the public know-your-rights page. Thin: every write is a service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualaid.core.forms import apply_errors
from mutualaid.defense import access, selectors, services
from mutualaid.defense.forms import (
    ConfirmForm,
    CorrectForm,
    HotlineForm,
    PolicyForm,
    ReportForm,
    ResponderForm,
    UnfoundedForm,
    VerifierForm,
)
from mutualaid.defense.models import Responder, Verifier, Via
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def home(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_member(_user(request), slug)
    return render(
        request,
        "defense/home.html",
        {
            "group": group,
            "alerts": selectors.sent_alerts(group).order_by("-created_at"),
            "responder": Responder.objects.filter(group=group, user=_user(request)).first(),
            "is_verifier": access.verifier_in(group, _user(request)) is not None,
            "takes_calls": membership.is_coordinator or access.verifier_in(group, _user(request)) is not None,
            "is_coordinator": membership.is_coordinator,
            "no_verifiers": not services.has_verifiers(group),
        },
    )


@login_required
def alert_page(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    report = access.get_sent_alert_for_member(_user(request), slug, report_id)
    return render(request, "defense/alert.html", {"group": report.group, "report": report})


def _report_page(
    request: HttpRequest, group: Group, form: Any, *, hotline: bool, status: int = 200
) -> HttpResponse:
    context = {
        "group": group,
        "form": form,
        "hotline": hotline,
        "no_verifiers": not services.has_verifiers(group),
    }
    return render(request, "defense/report_form.html", context, status=status)


@login_required
def report_new(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_member(_user(request), slug)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(group=group, reporter=_user(request), via=Via.WEB, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if services.has_verifiers(group):
                said = _("Thank you. Your report went to the group's verifiers, who will check it.")
            else:
                said = _(
                    "Thank you. The group has no verifiers yet, so your report went to its coordinators, "
                    "who will check it."
                )
            messages.success(request, said)
            return redirect("defense_home", slug=group.slug)
    return _report_page(request, group, form, hotline=False, status=400 if form.errors else 200)


@login_required
def hotline(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = access.get_group_for_hotline(_user(request), slug)
    form = HotlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        caller_name, caller_phone = data.pop("caller_name"), data.pop("caller_phone")
        try:
            services.report_create(
                group=group,
                via=Via.HOTLINE,
                caller_name=caller_name,
                reporter_phone=caller_phone,
                taken_by=_user(request),
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if services.has_verifiers(group):
                messages.success(request, _("The caller's report went to the verifiers."))
            else:
                messages.success(
                    request,
                    _("The group has no verifiers yet: the caller's report went to its coordinators."),
                )
            return redirect("defense_hotline", slug=group.slug)
    return _report_page(request, group, form, hotline=True, status=400 if form.errors else 200)


@login_required
def respond(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_member(_user(request), slug)
    user = _user(request)
    responder = Responder.objects.filter(group=group, user=user).first()
    if request.method == "POST" and request.POST.get("action") == "stop":
        services.responder_stop(group=group, user=user)
        messages.success(request, _("You will get no more alerts from this group."))
        return redirect("defense_home", slug=group.slug)
    initial = (
        {
            "area": responder.area,
            "radius_km": responder.radius_km,
            "by_sms": responder.by_sms,
            "by_email": responder.by_email,
        }
        if responder
        else {"by_sms": bool(user.phone), "by_email": not user.phone and bool(user.email), "radius_km": 3}
    )
    form = ResponderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.responder_save(group=group, user=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("You will get verified alerts for this area."))
            return redirect("defense_home", slug=group.slug)
    return render(
        request,
        "defense/respond.html",
        {"group": group, "form": form, "responder": responder},
        status=400 if form.errors else 200,
    )


# Verifiers ------------------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    group, verifier = access.get_group_for_verifier(_user(request), slug)
    return render(
        request,
        "defense/queue.html",
        {
            "group": group,
            "verifier": verifier,
            "reports": selectors.reports_for_verifier(verifier),
            "closed": selectors.recent_closed_for_verifier(verifier),
            "months": selectors.month_counts(group),
        },
    )


def _report_context(request: HttpRequest, report: Any, verifier: Verifier, **forms: Any) -> dict[str, Any]:
    confirmations = list(report.confirmations.select_related("verifier"))
    return {
        "group": report.group,
        "report": report,
        "verifier": verifier,
        "reporter": selectors.reporter_for_verifier(report, _user(request)),
        "events": selectors.timeline(report),
        "confirmations": confirmations,
        "confirmed_by_me": any(c.verifier_id == request.user.pk for c in confirmations),
        "progress": selectors.progress(report),
        "policy": services.policy_for(report.group),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "unfounded_form": forms.get("unfounded_form") or UnfoundedForm(),
        "correct_form": forms.get("correct_form") or CorrectForm(initial={"area": report.area}),
    }


@login_required
def report_page(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    report, verifier = access.get_report_for_verifier(_user(request), slug, report_id)
    return render(request, "defense/report.html", _report_context(request, report, verifier))


def _act(request: HttpRequest, slug: str, report_id: int, action: str) -> HttpResponse:
    report, verifier = access.get_report_for_verifier(_user(request), slug, report_id)
    user = _user(request)
    form: Any = None
    try:
        if action == "claim":
            services.report_claim(report=report, verifier=user)
            messages.success(request, _("You are going. Confirm or mark it unfounded when you have seen it."))
        elif action == "confirm":
            form = ConfirmForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            report = services.report_confirm(report=report, verifier=user, **form.cleaned_data)
            if report.state == "sent":
                messages.success(request, _("Confirmed. The alert is on its way to the responders."))
            else:
                messages.success(
                    request, _("Confirmed. Another verifier must confirm before the alert is sent.")
                )
        elif action == "unfounded":
            form = UnfoundedForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            services.report_unfound(report=report, verifier=user, **form.cleaned_data)
            messages.success(request, _("Marked unfounded. Nothing was sent."))
        elif action == "correct":
            form = CorrectForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            services.report_correct(report=report, verifier=user, **form.cleaned_data)
            messages.success(request, _("The correction is on its way to the same people."))
        elif action == "clear":
            services.report_clear(report=report, verifier=user)
            messages.success(request, _("The all-clear is on its way to the same people."))
        else:  # pragma: no cover - the URLs name only these
            raise Http404
    except ValidationError as exc:
        # A refusal of the step itself (closed, claimed by another, confirmed already) is a message on
        # the report page; only an error about what was typed shows the form again.
        if form is None or not (
            form.errors or (hasattr(exc, "error_dict") and set(exc.error_dict) & set(form.fields))
        ):
            for message in exc.messages:
                messages.error(request, message)
            return redirect("defense_report", slug=slug, report_id=report.pk)
        if not form.errors:
            apply_errors(form, exc)
        report.refresh_from_db()
        context = _report_context(request, report, verifier, **{f"{action}_form": form})
        return render(request, "defense/report.html", context, status=400)
    return redirect("defense_report", slug=slug, report_id=report.pk)


@login_required
@require_POST
def report_claim(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    return _act(request, slug, report_id, "claim")


@login_required
@require_POST
def report_confirm(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    return _act(request, slug, report_id, "confirm")


@login_required
@require_POST
def report_unfounded(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    return _act(request, slug, report_id, "unfounded")


@login_required
@require_POST
def report_correct(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    return _act(request, slug, report_id, "correct")


@login_required
@require_POST
def report_clear(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    return _act(request, slug, report_id, "clear")


# Coordinators ---------------------------------------------------------------------------------------


def _members(group: Group) -> list[tuple[int, str]]:
    return [
        (m.user_id, f"{m.user} (@{m.user.username})")
        for m in Membership.objects.filter(group=group).select_related("user").order_by("user__display_name")
    ]


@login_required
def verifiers(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(_user(request), slug)
    form = VerifierForm(request.POST or None, members=_members(group))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        user = User.objects.filter(pk=data.pop("user")).first()
        try:
            if user is None:
                raise ValidationError({"user": _("Choose a member.")})
            services.verifier_grant(group=group, user=user, actor=_user(request), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is now a verifier.") % {"name": user})
            return redirect("defense_verifiers", slug=group.slug)
    rows = Verifier.objects.filter(group=group).select_related("user").order_by("user__display_name")
    return render(
        request,
        "defense/verifiers.html",
        {"group": group, "form": form, "verifiers": rows, "no_verifiers": not rows},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def verifier_revoke(request: HttpRequest, slug: str, verifier_id: int) -> HttpResponse:
    group, _membership = get_group_for_coordinator(_user(request), slug)
    verifier = Verifier.objects.filter(group=group, pk=verifier_id).first()
    if verifier is None:
        raise Http404
    services.verifier_revoke(verifier=verifier)
    messages.success(request, _("They are no longer a verifier."))
    return redirect("defense_verifiers", slug=group.slug)


@login_required
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(_user(request), slug)
    policy = services.policy_for(group)
    form = PolicyForm(
        request.POST or None,
        initial={
            "one_with_evidence": policy.one_with_evidence,
            "expire_hours": policy.expire_hours,
            "rights_en": policy.rights_en,
            "rights_es": policy.rights_es,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(group=group, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Alert settings saved."))
            return redirect("defense_settings", slug=group.slug)
    return render(
        request, "defense/settings.html", {"group": group, "form": form}, status=400 if form.errors else 200
    )


# Public ---------------------------------------------------------------------------------------------


# The default know-your-rights text exists in every site language; a group writes its own in English and
# Spanish only, and readers of the other languages get the default text in theirs.
RIGHTS_LANGUAGES = ("en", "es", "ht", "fr", "zh-hans", "ar")


def rights_language(requested: str | None) -> str:
    """One of RIGHTS_LANGUAGES for a requested code ("es-MX", "zh-hans", "ar"); English otherwise."""
    code = (requested or "").strip().lower().replace("_", "-")
    if code in RIGHTS_LANGUAGES:
        return code
    base = code.split("-")[0]
    if base == "zh":
        return "zh-hans"
    return base if base in RIGHTS_LANGUAGES else "en"


def rights_text(group: Group, language: str) -> str:
    """The group's know-your-rights text in `language` (one of RIGHTS_LANGUAGES), or the default template."""
    policy = services.policy_for(group)
    own = {"en": policy.rights_en, "es": policy.rights_es}.get(language, "")
    if own:
        return own
    return render_to_string(f"defense/rights_default_{language}.txt", {"group": group})


def rights(request: HttpRequest, slug: str) -> HttpResponse:
    """Know your rights, printable, for anyone with the link (no account): the group's name and text only."""
    group = Group.objects.filter(slug=slug).first()
    if group is None:
        raise Http404
    language = rights_language(request.GET.get("lang") or translation.get_language())
    text = rights_text(group, language)
    others = [(code, translation.get_language_info(code)["name_local"]) for code in RIGHTS_LANGUAGES]
    return render(
        request,
        "defense/rights.html",
        {
            "group": group,
            "paragraphs": [p for p in text.split("\n\n") if p.strip()],
            "language": language,
            "direction": "rtl" if translation.get_language_info(language)["bidi"] else "ltr",
            "languages": others,
        },
    )
