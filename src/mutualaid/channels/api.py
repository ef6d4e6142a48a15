from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from mutualaid.channels import selectors, services
from mutualaid.channels.notifications import preference_for
from mutualaid.groups import access

router = Router(tags=["channels"])


class PreferencesIn(Schema):
    email: str
    sms: str
    broadcasts: bool


class PreferencesOut(Schema):
    email: str
    sms: str
    broadcasts: bool


@router.get("/channels/preferences", response=PreferencesOut, summary="My notification preferences")
def channels_preferences(request: HttpRequest) -> PreferencesOut:
    pref = preference_for(request.user)
    return PreferencesOut(email=pref.email, sms=pref.sms, broadcasts=pref.broadcasts)


@router.put("/channels/preferences", response=PreferencesOut, summary="Change my notification preferences")
def channels_preferences_update(request: HttpRequest, payload: PreferencesIn) -> PreferencesOut:
    pref = services.preferences_update(user=request.user, email=payload.email, sms=payload.sms, broadcasts=payload.broadcasts)  # type: ignore[arg-type]
    return PreferencesOut(email=pref.email, sms=pref.sms, broadcasts=pref.broadcasts)


class AudienceOut(Schema):
    email: int
    sms: int


class BroadcastIn(Schema):
    text: str


class BroadcastOut(Schema):
    id: int
    email: int
    sms: int


@router.get("/groups/{slug}/broadcasts/audience", response=AudienceOut, summary="How many a broadcast would reach, per channel")
def channels_broadcast_audience(request: HttpRequest, slug: str) -> AudienceOut:
    group, _membership = access.get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    audience = services.broadcast_audience(group)
    return AudienceOut(email=audience.email_count, sms=audience.sms_count)


@router.post("/groups/{slug}/broadcasts", response=BroadcastOut, summary="Send an announcement to members who opted in")
def channels_broadcast_send(request: HttpRequest, slug: str, payload: BroadcastIn) -> BroadcastOut:
    group, _membership = access.get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    broadcast = services.broadcast_send(group=group, author=request.user, text=payload.text)  # type: ignore[arg-type]
    return BroadcastOut(id=broadcast.pk, email=broadcast.email_count, sms=broadcast.sms_count)


class SmsRequestOut(Schema):
    id: int
    code: str
    kind: str
    category: str
    urgency: str
    area: str | None
    details: str | None
    language: str
    created_at: datetime


@router.get("/groups/{slug}/sms-requests", response=list[SmsRequestOut], summary="Open requests received by SMS (coordinators; audited)")
def channels_intake_list(request: HttpRequest, slug: str) -> list[SmsRequestOut]:
    group, _membership = access.get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    return [
        SmsRequestOut(id=r.pk, code=r.code, kind=r.kind, category=r.category, urgency=r.urgency, area=r.area,
                      details=r.details, language=r.language, created_at=r.created_at)
        for r in selectors.intake_for_coordinator(group=group, reader=request.user)
    ]
