from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mutualaid.channels import board, gateways, notices, selectors, services
from mutualaid.channels.broadcasts import broadcast_audience, broadcast_send
from mutualaid.channels.checkins import checkin_request_from_token
from mutualaid.channels.forms import BroadcastForm, GatewayForm, PreferenceForm, RelayForm
from mutualaid.channels.inbound import delivery_reports_apply, inbound_receive
from mutualaid.channels.models import Gateway, GatewayKind
from mutualaid.channels.notifications import absolute, notice_subject, preference_for
from mutualaid.channels.preferences import preferences_update, unsubscribe_target, unsubscribe_user
from mutualaid.core.actions import flash_action
from mutualaid.core.audit import record_read
from mutualaid.core.forms import apply_errors
from mutualaid.groups import access
from mutualaid.members.http import AuthenticatedHttpRequest

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt  # called by SMS gateways, authenticated by their signature instead
@require_POST
def sms_webhook(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    if kind not in GatewayKind.values:
        raise Http404
    gateway = (
        Gateway.objects.select_related("group").filter(kind=kind, group__slug=slug, enabled=True).first()
    )
    if gateway is None:
        raise Http404
    try:
        webhook = gateways.verify_and_parse(request, gateway)
    except gateways.BadSignature:
        return HttpResponseForbidden("bad signature", content_type="text/plain")
    for sms in webhook.messages:
        inbound_receive(gateway=gateway, sms=sms)
    delivery_reports_apply(gateway=gateway, reports=webhook.reports)
    # Replies go out through the queue (rate-limited, retried); the webhook only acknowledges.
    if kind == GatewayKind.TWILIO:
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = preference_for(request.user)
    form = PreferenceForm(
        request.POST or None,
        initial={"email": current.email, "sms": current.sms, "broadcasts": current.broadcasts},
    )
    if request.method == "POST" and form.is_valid():
        try:
            preferences_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("channels_preferences")
    return render(request, "channels/preferences.html", {"form": form, "user_obj": request.user})


@login_required
def notices_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's notices inbox: unread first, then read ones (read ones go after the retention period)."""
    rows = [(row, notice_subject(row)) for row in notices.notices_for(user=request.user)]
    unread = [(row, subject) for row, subject in rows if row.read_at is None]
    read = [(row, subject) for row, subject in rows if row.read_at is not None]
    return render(request, "channels/notices.html", {"unread": unread, "read": read})


@login_required
@require_POST
def notices_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark all of the member's notices read."""
    notices.notices_mark_read(user=request.user)
    return redirect("channels_notices")


@csrf_exempt  # RFC 8058 one-click unsubscribe: the mail client POSTs without a session; the token is the key
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    # Opening the link only asks: mail scanners and link previews fetch every link in a message, and a
    # GET that unsubscribed would silence people who never chose to (RFC 8058 section 1). The button,
    # or the mail client's one-click POST, does it.
    if request.method == "GET":
        if unsubscribe_target(token) is None:
            return render(request, "channels/unsubscribe.html", {"state": "invalid"}, status=404)
        return render(request, "channels/unsubscribe.html", {"state": "confirm"})
    if unsubscribe_user(token) is None:
        return render(request, "channels/unsubscribe.html", {"state": "invalid"}, status=404)
    return render(request, "channels/unsubscribe.html", {"state": "done"})


def checkin(request: HttpRequest, token: str) -> HttpResponse:
    found = checkin_request_from_token(token)
    if found is None:
        return render(request, "channels/checkin.html", {"request_obj": None}, status=404)
    answered = None
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("yes", "no"):
            return render(request, "channels/checkin.html", {"request_obj": found, "error": True}, status=400)
        found = board.renew_or_close(request=found, renew=answer == "yes")
        answered = answer
    return render(request, "channels/checkin.html", {"request_obj": found, "answered": answered})


@login_required
def gateways_page(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    existing = {g.kind: g for g in Gateway.objects.filter(group=group)}
    posted_kind = request.POST.get("kind") if request.method == "POST" else None
    sections: list[dict[str, Any]] = []
    for kind in GatewayKind:
        gateway = existing.get(kind.value)
        initial: dict[str, object] = {
            "enabled": gateway.enabled if gateway else True,
            "rate_per_minute": gateway.rate_per_minute if gateway else 30,
        }
        if gateway is not None:
            initial.update(
                {
                    "account": gateway.account or "",
                    "api_url": gateway.api_url or "",
                    "sender": gateway.sender or "",
                }
            )
        bound = posted_kind == kind.value
        form = GatewayForm(
            request.POST if bound else None, initial=initial, prefix=kind.value, kind=kind.value
        )
        if bound and form.is_valid():
            try:
                services.gateway_save(group=group, kind=kind.value, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The %(kind)s gateway was saved.") % {"kind": kind.label})
                return redirect("channels_gateways", slug=group.slug)
        url = absolute(reverse("channels_sms_webhook", kwargs={"kind": kind.value, "slug": group.slug}))
        if not url.startswith("http"):
            url = request.build_absolute_uri(url)
        sections.append({"kind": kind, "gateway": gateway, "form": form, "webhook_url": url})
    status = 400 if posted_kind and any(s["form"].errors for s in sections) else 200
    return render(request, "channels/gateways.html", {"group": group, "sections": sections}, status=status)


@login_required
def intake(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    requests = selectors.intake_for_coordinator(group=group, reader=request.user)
    # One reply box per request, each with its own ids (one shared form repeated id="id_text").
    rows = [(r, RelayForm(auto_id=f"reply{r.pk}_%s")) for r in requests]
    return render(request, "channels/intake.html", {"group": group, "rows": rows})


@login_required
@require_POST
def intake_reply(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    found = selectors.intake_request_in_group(group=group, request_id=request_id)
    form = RelayForm(request.POST)

    def send() -> None:
        if not form.is_valid():
            raise ValidationError(form.errors.get("text", [_("Write the message to send.")]))  # type: ignore[arg-type]  # an ErrorList is a list
        services.intake_reply(request=found, text=form.cleaned_data["text"])

    flash_action(request, send, success=_("Your message to %(code)s was queued.") % {"code": found.code})
    return redirect("channels_intake", slug=group.slug)


@login_required
@require_POST
def intake_number(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    """Show a texter's number to a coordinator who asks for it, on purpose, and audit the read."""
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    found = selectors.intake_request_in_group(group=group, request_id=request_id)
    phone = None
    if found.contact is not None:
        record_read(reader=request.user, subject=found.contact, fields=["phone"], group_id=group.pk)
        phone = found.contact.phone
    return render(
        request, "channels/intake_number.html", {"group": group, "request_obj": found, "phone": phone}
    )


@login_required
@require_POST
def intake_close(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    found = selectors.intake_request_in_group(group=group, request_id=request_id)
    flash_action(
        request,
        lambda: board.renew_or_close(request=found, renew=False, actor=request.user),
        success=_("Request %(code)s was closed.") % {"code": found.code},
    )
    return redirect("channels_intake", slug=group.slug)


@login_required
def broadcasts(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    audience = broadcast_audience(group)
    form = BroadcastForm(request.POST or None)
    confirm = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "yes":
            try:
                broadcast = broadcast_send(
                    group=group,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    public=form.cleaned_data["public"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Queued %(email)d e-mails and %(sms)d text messages.")
                    % {"email": broadcast.email_count, "sms": broadcast.sms_count},
                )
                return redirect("channels_broadcasts", slug=group.slug)
        else:
            confirm = True  # show who it will reach first, then send on a second click
    return render(
        request,
        "channels/broadcasts.html",
        {
            "group": group,
            "form": form,
            "audience": audience,
            "confirm": confirm,
            "history": group.broadcasts.all()[:20],
        },
        status=400 if form.errors else 200,
    )
