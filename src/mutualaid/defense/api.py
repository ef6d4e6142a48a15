"""Alerts in the JSON API: the same services as the pages. Reports are answered to verifiers only;
members may report, see sent alerts and manage their own responder opt-in; coordinators manage
verifiers and the group's alert settings."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from mutualaid.core.api_types import DbId
from mutualaid.defense import access, selectors, services
from mutualaid.defense.models import Report, Responder, Verifier, Via
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.models import User

router = Router(tags=["alerts"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class AlertReportIn(Schema):
    kind: str
    what: str
    area: str = ""
    where: str = ""
    when_seen: str = ""
    # A hotline call (verifiers and coordinators): the caller's name and number, sealed.
    hotline: bool = False
    caller_name: str = ""
    caller_phone: str = ""


class ReportCreated(Schema):
    id: int
    state: str


class AlertOut(Schema):
    id: int
    kind: str
    area: str
    state: str
    created_at: datetime.datetime
    sent_at: datetime.datetime | None
    cleared_at: datetime.datetime | None


class AlertEventOut(Schema):
    what: str
    at: datetime.datetime
    actor: str


class DispatchOut(Schema):
    kind: str
    recipients: int
    messages: int
    notices: int
    queued_ms: int
    sent: int
    waiting: int
    failed: int


class AlertReportOut(AlertOut):
    via: str
    what: str
    where: str
    when_seen: str
    reporter: str
    reporter_phone: str
    claimed_by: str
    confirmations: int
    expires_at: datetime.datetime
    timeline: list[AlertEventOut]
    delivery: list[DispatchOut]


class ConfirmIn(Schema):
    seen: str
    evidence: bool = False
    area: str = ""


class UnfoundedIn(Schema):
    note: str = ""


class CorrectIn(Schema):
    area: str


class ResponderIn(Schema):
    area: str
    radius_km: float = 3.0
    by_sms: bool = True
    by_email: bool = False


class ResponderOut(ResponderIn):
    cells: int


class VerifierIn(Schema):
    user_id: DbId
    area: str = ""
    radius_km: float = 3.0


class VerifierOut(Schema):
    id: int
    user_id: int
    name: str
    area: str
    radius_km: float


class PolicyIn(Schema):
    one_with_evidence: bool = False
    expire_hours: int = 6
    rights_en: str = ""
    rights_es: str = ""


def _alert_out(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "kind": report.kind,
        "area": report.area,
        "state": report.state,
        "created_at": report.created_at,
        "sent_at": report.sent_at,
        "cleared_at": report.cleared_at,
    }


def _report_out(report: Report, reader: User) -> dict[str, Any]:
    reporter = selectors.reporter_for_verifier(report, reader)
    return {
        **_alert_out(report),
        "via": report.via,
        "what": report.what or "",
        "where": report.where or "",
        "when_seen": report.when_seen or "",
        "reporter": reporter.name,
        "reporter_phone": reporter.phone,
        "claimed_by": str(report.claimed_by or ""),
        "confirmations": report.confirmations.count(),
        "expires_at": report.expires_at,
        "timeline": [
            {"what": e.what, "at": e.at, "actor": str(e.actor or "")} for e in selectors.timeline(report)
        ],
        "delivery": [
            {
                "kind": p.dispatch.kind,
                "recipients": len(p.dispatch.recipients),
                "messages": p.total,
                "notices": p.dispatch.notices,
                "queued_ms": p.dispatch.queued_ms,
                "sent": p.sent,
                "waiting": p.queued,
                "failed": p.failed,
            }
            for p in selectors.progress(report)
        ],
    }


@router.post("/groups/{slug}/alerts/reports", response={201: ReportCreated}, summary="Report what you see")
def alerts_report_create(request: HttpRequest, slug: str, payload: AlertReportIn) -> Status[Any]:
    data = payload.dict()
    hotline, caller_name, caller_phone = (
        data.pop("hotline"),
        data.pop("caller_name"),
        data.pop("caller_phone"),
    )
    if hotline:
        group, _membership = access.get_group_for_hotline(_user(request), slug)
        report = services.report_create(
            group=group,
            via=Via.HOTLINE,
            caller_name=caller_name,
            reporter_phone=caller_phone,
            taken_by=_user(request),
            **data,
        )
    else:
        group, _membership = get_group_for_member(_user(request), slug)
        report = services.report_create(group=group, via=Via.WEB, reporter=_user(request), **data)
    return Status(201, {"id": report.pk, "state": report.state})


@router.get("/groups/{slug}/alerts", response=list[AlertOut], summary="Verified alerts of a group")
def alerts_sent_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    group, _membership = get_group_for_member(_user(request), slug)
    return [_alert_out(r) for r in selectors.sent_alerts(group).order_by("-created_at")]


@router.get("/groups/{slug}/alerts/reports", response=list[AlertOut], summary="Reports to verify (verifiers)")
def alerts_report_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    _group, verifier = access.get_group_for_verifier(_user(request), slug)
    return [_alert_out(r) for r in selectors.reports_for_verifier(verifier)]


@router.get(
    "/groups/{slug}/alerts/reports/{report_id}", response=AlertReportOut, summary="A report (verifiers)"
)
def alerts_report_detail(request: HttpRequest, slug: str, report_id: DbId) -> dict[str, Any]:
    report, _verifier = access.get_report_for_verifier(_user(request), slug, report_id)
    return _report_out(report, _user(request))


@router.post(
    "/groups/{slug}/alerts/reports/{report_id}/claim",
    response=AlertReportOut,
    summary="I'm going (verifiers)",
)
def alerts_report_claim(request: HttpRequest, slug: str, report_id: DbId) -> dict[str, Any]:
    report, _verifier = access.get_report_for_verifier(_user(request), slug, report_id)
    return _report_out(services.report_claim(report=report, verifier=_user(request)), _user(request))


@router.post(
    "/groups/{slug}/alerts/reports/{report_id}/confirm",
    response=AlertReportOut,
    summary="Confirm what you saw; enough confirmations send the alert (verifiers)",
)
def alerts_report_confirm(
    request: HttpRequest, slug: str, report_id: DbId, payload: ConfirmIn
) -> dict[str, Any]:
    report, _verifier = access.get_report_for_verifier(_user(request), slug, report_id)
    report = services.report_confirm(report=report, verifier=_user(request), **payload.dict())
    return _report_out(report, _user(request))


@router.post(
    "/groups/{slug}/alerts/reports/{report_id}/unfounded",
    response=AlertReportOut,
    summary="Mark unfounded (verifiers)",
)
def alerts_report_unfounded(
    request: HttpRequest, slug: str, report_id: DbId, payload: UnfoundedIn
) -> dict[str, Any]:
    report, _verifier = access.get_report_for_verifier(_user(request), slug, report_id)
    report = services.report_unfound(report=report, verifier=_user(request), note=payload.note)
    return _report_out(report, _user(request))


@router.post(
    "/groups/{slug}/alerts/reports/{report_id}/correct",
    response=AlertReportOut,
    summary="Correct a sent alert's area (verifiers)",
)
def alerts_report_correct(
    request: HttpRequest, slug: str, report_id: DbId, payload: CorrectIn
) -> dict[str, Any]:
    report, _verifier = access.get_report_for_verifier(_user(request), slug, report_id)
    report = services.report_correct(report=report, verifier=_user(request), area=payload.area)
    return _report_out(report, _user(request))


@router.post(
    "/groups/{slug}/alerts/reports/{report_id}/clear",
    response=AlertReportOut,
    summary="Send the all-clear (verifiers)",
)
def alerts_report_clear(request: HttpRequest, slug: str, report_id: DbId) -> dict[str, Any]:
    report, _verifier = access.get_report_for_verifier(_user(request), slug, report_id)
    return _report_out(services.report_clear(report=report, verifier=_user(request)), _user(request))


def _responder_out(responder: Responder) -> dict[str, Any]:
    return {
        "area": responder.area,
        "radius_km": responder.radius_km,
        "by_sms": responder.by_sms,
        "by_email": responder.by_email,
        "cells": responder.cell_rows.count(),
    }


@router.get("/groups/{slug}/alerts/responder", response=ResponderOut, summary="My alert opt-in")
def alerts_responder_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    group, _membership = get_group_for_member(_user(request), slug)
    responder = Responder.objects.filter(group=group, user=_user(request)).first()
    if responder is None:
        raise HttpError(404, "Not opted in")
    return _responder_out(responder)


@router.put("/groups/{slug}/alerts/responder", response=ResponderOut, summary="Opt in to alerts for an area")
def alerts_responder_put(request: HttpRequest, slug: str, payload: ResponderIn) -> dict[str, Any]:
    group, _membership = get_group_for_member(_user(request), slug)
    return _responder_out(services.responder_save(group=group, user=_user(request), **payload.dict()))


@router.delete("/groups/{slug}/alerts/responder", response={204: None}, summary="Stop getting alerts")
def alerts_responder_delete(request: HttpRequest, slug: str) -> Status[None]:
    group, _membership = get_group_for_member(_user(request), slug)
    services.responder_stop(group=group, user=_user(request))
    return Status(204, None)


def _verifier_out(verifier: Verifier) -> dict[str, Any]:
    return {
        "id": verifier.pk,
        "user_id": verifier.user_id,
        "name": str(verifier.user),
        "area": verifier.area,
        "radius_km": verifier.radius_km,
    }


@router.get("/groups/{slug}/alerts/verifiers", response=list[VerifierOut], summary="Verifiers (coordinators)")
def alerts_verifier_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    group, _membership = get_group_for_coordinator(_user(request), slug)
    return [_verifier_out(v) for v in Verifier.objects.filter(group=group).select_related("user")]


@router.post(
    "/groups/{slug}/alerts/verifiers",
    response={201: VerifierOut},
    summary="Make a member a verifier (coordinators)",
)
def alerts_verifier_grant(request: HttpRequest, slug: str, payload: VerifierIn) -> Status[Any]:
    group, _membership = get_group_for_coordinator(_user(request), slug)
    user = User.objects.filter(pk=payload.user_id).first()
    if user is None:
        raise HttpError(404, "Not found")
    verifier = services.verifier_grant(
        group=group, user=user, actor=_user(request), area=payload.area, radius_km=payload.radius_km
    )
    return Status(201, _verifier_out(verifier))


@router.delete(
    "/groups/{slug}/alerts/verifiers/{verifier_id}",
    response={204: None},
    summary="Remove a verifier (coordinators)",
)
def alerts_verifier_revoke(request: HttpRequest, slug: str, verifier_id: DbId) -> Status[None]:
    group, _membership = get_group_for_coordinator(_user(request), slug)
    verifier = Verifier.objects.filter(group=group, pk=verifier_id).first()
    if verifier is None:
        raise HttpError(404, "Not found")
    services.verifier_revoke(verifier=verifier)
    return Status(204, None)


@router.get("/groups/{slug}/alerts/policy", response=PolicyIn, summary="Alert settings (coordinators)")
def alerts_policy_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    group, _membership = get_group_for_coordinator(_user(request), slug)
    policy = services.policy_for(group)
    return {
        "one_with_evidence": policy.one_with_evidence,
        "expire_hours": policy.expire_hours,
        "rights_en": policy.rights_en,
        "rights_es": policy.rights_es,
    }


@router.put("/groups/{slug}/alerts/policy", response=PolicyIn, summary="Change alert settings (coordinators)")
def alerts_policy_put(request: HttpRequest, slug: str, payload: PolicyIn) -> dict[str, Any]:
    group, _membership = get_group_for_coordinator(_user(request), slug)
    services.policy_update(group=group, **payload.dict())
    return payload.dict()
