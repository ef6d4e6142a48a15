from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from mutualaid.channels import broadcasts, notices, preferences, selectors
from mutualaid.channels.notifications import notice_subject, preference_for
from mutualaid.core.api_types import DbId
from mutualaid.groups import access
from mutualaid.members.http import AuthenticatedHttpRequest

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
def channels_preferences(request: AuthenticatedHttpRequest) -> PreferencesOut:
    pref = preference_for(request.user)
    return PreferencesOut(email=pref.email, sms=pref.sms, broadcasts=pref.broadcasts)


@router.put("/channels/preferences", response=PreferencesOut, summary="Change my notification preferences")
def channels_preferences_update(request: AuthenticatedHttpRequest, payload: PreferencesIn) -> PreferencesOut:
    pref = preferences.preferences_update(
        user=request.user,
        email=payload.email,
        sms=payload.sms,
        broadcasts=payload.broadcasts,
    )
    return PreferencesOut(email=pref.email, sms=pref.sms, broadcasts=pref.broadcasts)


class AudienceOut(Schema):
    email: int
    sms: int


class BroadcastIn(Schema):
    text: str
    public: bool = False


class BroadcastOut(Schema):
    id: int
    email: int
    sms: int


@router.get(
    "/groups/{slug}/broadcasts/audience",
    response=AudienceOut,
    summary="How many a broadcast would reach, per channel",
)
def channels_broadcast_audience(request: AuthenticatedHttpRequest, slug: str) -> AudienceOut:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    audience = broadcasts.broadcast_audience(group)
    return AudienceOut(email=audience.email_count, sms=audience.sms_count)


@router.post(
    "/groups/{slug}/broadcasts", response=BroadcastOut, summary="Send an announcement to members who opted in"
)
def channels_broadcast_send(
    request: AuthenticatedHttpRequest, slug: str, payload: BroadcastIn
) -> BroadcastOut:
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    broadcast = broadcasts.broadcast_send(
        group=group, author=request.user, text=payload.text, public=payload.public
    )
    return BroadcastOut(id=broadcast.pk, email=broadcast.email_count, sms=broadcast.sms_count)


class SmsRequestOut(Schema):
    id: int
    post_id: int
    code: str
    kind: str
    category: str
    urgency: str
    status: str
    area: str | None
    details: str | None
    language: str
    created_at: datetime
    expires_at: datetime | None


@router.get(
    "/groups/{slug}/sms-requests",
    response=list[SmsRequestOut],
    summary="Board posts received by SMS that are still active (coordinators; audited)",
)
def channels_intake_list(request: AuthenticatedHttpRequest, slug: str) -> list[SmsRequestOut]:
    """`id` is the SMS request (for the reply, number and close actions), `post_id` its post on the board;
    `details` is the post's sealed private note (what the texter wrote)."""
    group, _membership = access.get_group_for_coordinator(request.user, slug)
    return [
        SmsRequestOut(
            id=r.pk,
            post_id=r.post_id,
            code=r.code,
            kind=r.post.kind,
            category=r.post.category,
            urgency=r.post.urgency,
            status=r.post.status,
            area=r.post.area,
            details=r.post.private_note,
            language=r.language,
            created_at=r.created_at,
            expires_at=r.post.expires_at,
        )
        for r in selectors.intake_for_coordinator(group=group, reader=request.user)
    ]


class NoticeOut(Schema):
    id: int
    kind: str
    subject: str
    url: str
    created_at: datetime
    read: bool


class NoticesReadIn(Schema):
    ids: list[DbId] | None = None  # none: all of them


class NoticesReadOut(Schema):
    marked: int
    unread: int


@router.get("/notices", response=list[NoticeOut], summary="My notices, newest first (at most 100)")
def notices_list(request: AuthenticatedHttpRequest) -> list[NoticeOut]:
    return [
        NoticeOut(
            id=n.pk,
            kind=n.kind,
            subject=notice_subject(n),
            url=n.url,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in notices.notices_for(user=request.user)
    ]


@router.post("/notices/read", response=NoticesReadOut, summary="Mark my notices read: all, or those listed")
def notices_mark_read(request: AuthenticatedHttpRequest, payload: NoticesReadIn) -> NoticesReadOut:
    marked = notices.notices_mark_read(user=request.user, ids=payload.ids)
    return NoticesReadOut(marked=marked, unread=notices.unread_count(user=request.user))
