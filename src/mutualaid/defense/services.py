"""Writes of the defense app: reports, verification, the broadcast to responders, all-clear, expiry.

Every change to a report locks its row first (`select_for_update`), so two verifiers confirming at once
are put one after the other: the second sees the first's confirmation and exactly one of them sends the
alert. The rules of what may follow what are in `lifecycle` (Django-free); a refused step is a
ValidationError with words for the verifier.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core import ratelimit
from mutualaid.core.encryption import blind_index, keyring_pinned
from mutualaid.core.notify import Recipient, notify, notify_bulk
from mutualaid.core.speaking import speaking
from mutualaid.defense import geo, lifecycle
from mutualaid.defense.models import (
    AlertKind,
    AlertPolicy,
    Confirmation,
    Dispatch,
    Event,
    Report,
    Responder,
    ResponderCell,
    State,
    Verifier,
    Via,
)
from mutualaid.defense.notices import ALERT_KIND_NOTICE
from mutualaid.exchange.services import area_check, locate
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Role, User

RESPONDER_INSERT_BATCH = 500
REPORT_RATE = "20/h"  # MUTUALAID_RATE_ALERT_REPORT overrides it


def _clean(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch in "\n\t" or ord(ch) >= 32).strip()


def reporter_key(user: User) -> str:
    return blind_index(f"member:{user.pk}", purpose="alert-reporter")


# Policy ---------------------------------------------------------------------------------------------


def policy_for(group: Group) -> AlertPolicy:
    """The group's alert rules (the defaults until a coordinator saves them)."""
    found = AlertPolicy.objects.filter(group=group).first()
    return found or AlertPolicy(group=group)


@transaction.atomic
def policy_update(
    *, group: Group, one_with_evidence: bool, expire_hours: int, rights_en: str, rights_es: str
) -> AlertPolicy:
    policy = AlertPolicy.objects.select_for_update().filter(group=group).first() or AlertPolicy(group=group)
    policy.one_with_evidence = one_with_evidence
    policy.expire_hours = expire_hours
    policy.rights_en = _clean(rights_en)
    policy.rights_es = _clean(rights_es)
    if not 1 <= expire_hours <= 72:
        raise ValidationError({"expire_hours": _("Alerts expire after 1 to 72 hours.")})
    policy.full_clean()
    policy.save()
    return policy


# Areas ----------------------------------------------------------------------------------------------


def _cells_for(group: Group, area: str, radius_km: float) -> list[str]:
    area = _clean(area)
    if not geo.MIN_RADIUS_KM <= radius_km <= geo.MAX_RADIUS_KM:
        raise ValidationError(
            {
                "radius_km": _("The radius must be between %(min)s and %(max)s km.")
                % {"min": geo.MIN_RADIUS_KM, "max": geo.MAX_RADIUS_KM}
            }
        )
    if not area:
        raise ValidationError({"area": _("Give a neighbourhood of the group or a postal code.")})
    area_check(group=group, area=area)
    place = locate(group, area)
    if place.lat is None or place.lon is None:
        raise ValidationError({"area": _("Give a neighbourhood of the group or a postal code.")})
    return geo.cells_within(place.lat, place.lon, radius_km)


# Verifiers ------------------------------------------------------------------------------------------


@transaction.atomic
def verifier_grant(
    *, group: Group, user: User, actor: User, area: str = "", radius_km: float = 3.0
) -> Verifier:
    """Make a member a verifier, for the whole group (no area) or for the cells around an area."""
    if not Membership.objects.filter(group=group, user=user).exists():
        raise ValidationError({"user": _("Only members of the group can be verifiers.")})
    cells = _cells_for(group, area, radius_km) if _clean(area) else []
    verifier = Verifier.objects.filter(group=group, user=user).first() or Verifier(group=group, user=user)
    verifier.area = _clean(area)[:100]
    verifier.radius_km = radius_km
    verifier.cells = cells
    verifier.granted_by = actor
    verifier.full_clean()
    verifier.save()
    return verifier


@transaction.atomic
def verifier_revoke(*, verifier: Verifier) -> None:
    verifier.delete()


# Responders -----------------------------------------------------------------------------------------


@transaction.atomic
def responder_save(
    *, group: Group, user: User, area: str, radius_km: float, by_sms: bool, by_email: bool
) -> Responder:
    """Opt in (or change how) to get verified alerts for the cells within `radius_km` of `area`."""
    cells = _cells_for(group, area, radius_km)
    if by_sms and not user.phone:
        raise ValidationError({"by_sms": _("Add a phone number to your account first.")})
    if by_email and not user.email:
        raise ValidationError({"by_email": _("Add an e-mail address to your account first.")})
    responder = Responder.objects.filter(group=group, user=user).first() or Responder(group=group, user=user)
    responder.area = _clean(area)[:100]
    responder.radius_km = radius_km
    responder.by_sms = by_sms
    responder.by_email = by_email
    responder.full_clean()
    responder.save()
    ResponderCell.objects.filter(responder=responder).delete()
    ResponderCell.objects.bulk_create(
        [ResponderCell(responder=responder, group=group, cell=cell) for cell in cells],
        batch_size=RESPONDER_INSERT_BATCH,
    )
    return responder


@transaction.atomic
def responder_stop(*, group: Group, user: User) -> bool:
    deleted, _counts = Responder.objects.filter(group=group, user=user).delete()
    return bool(deleted)


# Reports --------------------------------------------------------------------------------------------


def _event(report: Report, what: str, actor: User | None = None, note: str = "") -> None:
    Event.objects.create(report=report, what=what, actor=actor, note=note)


def _place(group: Group, area: str) -> tuple[str, str]:
    """(area label, alert cell) of what a reporter said; an unknown place keeps its words, no cell."""
    area = _clean(area)[:100]
    if not area:
        return "", ""
    found = locate(group, area)
    return (found.area or area)[:100], geo.alert_cell(found.cell)


@transaction.atomic
def report_create(
    *,
    group: Group,
    kind: str,
    what: str,
    where: str,
    when_seen: str,
    area: str,
    via: str = Via.WEB,
    reporter: User | None = None,
    reporter_phone: str = "",
    caller_name: str = "",
    taken_by: User | None = None,
    check_area: bool = True,
) -> Report:
    """File a report for the group's verifiers (never the whole group) and tell them; while the group has
    no verifier, its coordinators are told and check it."""
    # A flood of false reports is itself an attack on a rapid-response network: per member (the reporter,
    # or the volunteer taking calls), counted with the report, so a refused one costs nothing.
    # By SMS, per number (the counter's key is a keyed digest: the number is never stored there).
    by_phone = f"sms:{_clean(reporter_phone)}" if via == Via.SMS and _clean(reporter_phone) else None
    ratelimit.limit(user=reporter or taken_by, scope=by_phone, action="alert_report", rate=REPORT_RATE)
    if kind not in AlertKind.values:
        raise ValidationError({"kind": _("Choose what is happening.")})
    if not _clean(what):
        raise ValidationError({"what": _("Say in a few words what you see.")})
    if not _clean(area) and not _clean(where):
        raise ValidationError({"area": _("Say where: a neighbourhood or the cross streets.")})
    if check_area and _clean(area):
        area_check(group=group, area=area)
    label, cell = _place(group, area)
    policy = policy_for(group)
    if reporter is not None:
        who = f"{reporter.display_name or reporter.username} (@{reporter.username})"
    else:
        who = _clean(caller_name)[:100]
    report = Report(
        group=group,
        kind=kind,
        via=via,
        reporter=who,
        reporter_phone=_clean(reporter_phone)[:40],
        reporter_key=reporter_key(reporter) if reporter is not None else "",
        taken_by=taken_by,
        what=_clean(what),
        where=_clean(where),
        when_seen=_clean(when_seen),
        area=label,
        cell=cell,
        expires_at=timezone.now() + timedelta(hours=policy.expire_hours),
    )
    report.full_clean()
    report.save()
    _event(report, Event.What.REPORTED, taken_by or reporter)
    _tell_verifiers(report)
    return report


def has_verifiers(group: Group) -> bool:
    """Whether the group named any verifier; until it does, its coordinators check the reports."""
    return Verifier.objects.filter(group=group).exists()


def reviewers_for(report: Report) -> list[User]:
    """Who is told of a new report: the verifiers covering it, or the coordinators while the group has
    no verifier (they stand in for verifiers, so a report never goes to nobody)."""
    if not has_verifiers(report.group):
        return [
            m.user
            for m in Membership.objects.filter(group_id=report.group_id, role=Role.COORDINATOR)
            .select_related("user")
            .order_by("pk")
        ]
    return [v.user for v in verifiers_for(report)]


def verifiers_for(report: Report) -> list[Verifier]:
    """The verifiers whose areas cover the report; all of the group's when it could not be placed or when
    no verifier's area covers its place (a report never goes to nobody)."""
    verifiers = list(Verifier.objects.filter(group_id=report.group_id).select_related("user"))
    return [v for v in verifiers if v.sees(report.cell, verifiers)]


def _tell_verifiers(report: Report) -> None:
    url = reverse("defense_report", kwargs={"slug": report.group.slug, "report_id": report.pk})
    for user in reviewers_for(report):
        with speaking(user.language):
            kind = str(AlertKind(report.kind).label)
        notify(
            user=user,
            kind="alert_report",
            context={"group": report.group.name, "title": report.area or "?", "name": kind, "url": url},
        )


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("group").get(pk=report.pk)


def _as_alert(report: Report, actor: User) -> lifecycle.Alert:
    confirmations = list(Confirmation.objects.filter(report=report))
    return lifecycle.Alert(
        state=report.state,
        reporter=actor.pk if report.reporter_key and report.reporter_key == reporter_key(actor) else None,
        claimed_by=report.claimed_by_id,
        confirmers=frozenset(c.verifier_id for c in confirmations),
        evidence=any(c.evidence for c in confirmations),
    )


REFUSALS = {
    "closed": lambda: _("This report is closed."),
    "claimed by another verifier": lambda: _("Another verifier is already going."),
    "own report": lambda: _("You reported this yourself: another verifier must confirm it."),
    "already confirmed": lambda: _("You already confirmed this report: another verifier must confirm it."),
    "not sent": lambda: _("This alert was not sent."),
}


def _refuse(exc: lifecycle.IllegalTransition) -> ValidationError:
    return ValidationError(REFUSALS.get(str(exc), lambda: str(exc))())


@transaction.atomic
def report_claim(*, report: Report, verifier: User) -> Report:
    """A verifier says "I'm going"."""
    report = _locked(report)
    try:
        after = lifecycle.claim(_as_alert(report, verifier), verifier.pk)
    except lifecycle.IllegalTransition as exc:
        raise _refuse(exc) from exc
    if report.claimed_by_id != verifier.pk:
        report.state = after.state
        report.claimed_by = verifier
        report.claimed_at = timezone.now()
        report.save(update_fields=["state", "claimed_by", "claimed_at"])
        _event(report, Event.What.CLAIMED, verifier)
    return report


@transaction.atomic
def report_confirm(
    *, report: Report, verifier: User, seen: str, evidence: bool = False, area: str = ""
) -> Report:
    """A verifier confirms what they saw; with enough confirmations the alert is sent at once."""
    report = _locked(report)
    seen = _clean(seen)
    if not seen:
        raise ValidationError({"seen": _("Say what you saw.")})
    if _clean(area):
        area_check(group=report.group, area=area)
        report.area, report.cell = _place(report.group, area)
        report.save(update_fields=["area", "cell"])
    policy = policy_for(report.group)
    try:
        after = lifecycle.confirm(
            _as_alert(report, verifier),
            verifier.pk,
            evidence=evidence,
            one_with_evidence=policy.one_with_evidence,
        )
    except lifecycle.IllegalTransition as exc:
        raise _refuse(exc) from exc
    if after.state == lifecycle.SENT and not report.cell:
        raise ValidationError(
            {"area": _("Say in which neighbourhood it is, so the alert reaches the right people.")}
        )
    confirmation = Confirmation(report=report, verifier=verifier, seen=seen, evidence=evidence)
    confirmation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            confirmation.save()
    except IntegrityError as exc:  # the same verifier twice at once: the unique row refuses the second
        raise ValidationError(REFUSALS["already confirmed"]()) from exc
    _event(report, Event.What.CONFIRMED, verifier)
    report.state = after.state
    report.save(update_fields=["state"])
    if after.state == lifecycle.SENT:
        _broadcast(report, verifier)
    return report


def audience(report: Report) -> list[Responder]:
    """The responders who opted in for the report's cell (one indexed lookup)."""
    return list(
        Responder.objects.filter(group_id=report.group_id, cell_rows__cell=report.cell)
        .select_related("user")
        .order_by("pk")
        .distinct()
    )


def _context(report: Report) -> dict[str, Any]:
    local = timezone.localtime(report.created_at)
    return {
        "group": report.group.name,
        "title": report.area,
        "name": local.strftime("%H:%M"),
        "url": reverse("defense_rights", kwargs={"slug": report.group.slug}),
    }


def _recipients(responders: list[Responder]) -> list[Recipient]:
    return [
        Recipient(
            user=r.user,
            channels=frozenset(
                {"notice"} | ({"sms"} if r.by_sms else set()) | ({"email"} if r.by_email else set())
            ),
        )
        for r in responders
    ]


def _broadcast(report: Report, actor: User) -> Dispatch:
    started = time.perf_counter()
    with keyring_pinned():  # thousands of contact details read and sealed messages written
        responders = audience(report)
        result = notify_bulk(
            group=report.group,
            kind=ALERT_KIND_NOTICE[report.kind],
            context=_context(report),
            recipients=_recipients(responders),
        )
    report.sent_at = timezone.now()
    report.save(update_fields=["sent_at"])
    _event(report, Event.What.SENT, actor)
    return Dispatch.objects.create(
        report=report,
        kind=Dispatch.Kind.ALERT,
        recipients=[r.user_id for r in responders],
        message_ids=result.message_ids,
        notices=result.notices,
        queued_ms=int((time.perf_counter() - started) * 1000),
    )


def _follow_up(report: Report, kind: str, actor: User) -> Dispatch:
    """A correction or all-clear, to exactly the people the alert went to (even if they moved since)."""
    started = time.perf_counter()
    first = Dispatch.objects.filter(report=report, kind=Dispatch.Kind.ALERT).first()
    ids = list(first.recipients) if first else []
    notice = "alert_clear" if kind == Dispatch.Kind.CLEAR else "alert_correction"
    with keyring_pinned():
        responders = {
            r.user_id: r
            for r in Responder.objects.filter(group_id=report.group_id, user_id__in=ids).select_related(
                "user"
            )
        }
        recipients = _recipients([responders[i] for i in ids if i in responders])
        # Someone who stopped responding since still hears the all-clear in the app.
        gone = User.objects.filter(pk__in=[i for i in ids if i not in responders])
        recipients += [Recipient(user=user, channels=frozenset({"notice"})) for user in gone]
        result = notify_bulk(group=report.group, kind=notice, context=_context(report), recipients=recipients)
    return Dispatch.objects.create(
        report=report,
        kind=kind,
        recipients=ids,
        message_ids=result.message_ids,
        notices=result.notices,
        queued_ms=int((time.perf_counter() - started) * 1000),
    )


@transaction.atomic
def report_unfound(*, report: Report, verifier: User, note: str = "") -> Report:
    """A verifier went and found nothing (or a false report): closed, nothing is sent."""
    report = _locked(report)
    try:
        after = lifecycle.unfound(_as_alert(report, verifier), verifier.pk)
    except lifecycle.IllegalTransition as exc:
        raise _refuse(exc) from exc
    report.state = after.state
    report.closed_at = timezone.now()
    report.save(update_fields=["state", "closed_at"])
    _event(report, Event.What.UNFOUNDED, verifier, note=_clean(note)[:500])
    return report


@transaction.atomic
def report_correct(*, report: Report, verifier: User, area: str) -> Report:
    """Correct a sent alert's area; the people the alert went to hear the correction."""
    report = _locked(report)
    try:
        lifecycle.correct(_as_alert(report, verifier))
    except lifecycle.IllegalTransition as exc:
        raise _refuse(exc) from exc
    if not _clean(area):
        raise ValidationError({"area": _("Say in which neighbourhood it is.")})
    area_check(group=report.group, area=area)
    report.area, cell = _place(report.group, area)
    report.cell = cell or report.cell
    report.save(update_fields=["area", "cell"])
    _follow_up(report, Dispatch.Kind.CORRECTION, verifier)
    _event(report, Event.What.CORRECTED, verifier)
    return report


@transaction.atomic
def report_clear(*, report: Report, verifier: User) -> Report:
    """Send the all-clear to the people the alert went to, and close it."""
    report = _locked(report)
    try:
        after = lifecycle.clear(_as_alert(report, verifier))
    except lifecycle.IllegalTransition as exc:
        raise _refuse(exc) from exc
    now = timezone.now()
    report.state = after.state
    report.cleared_at = report.closed_at = now
    report.save(update_fields=["state", "cleared_at", "closed_at"])
    _follow_up(report, Dispatch.Kind.CLEAR, verifier)
    _event(report, Event.What.CLEARED, verifier)
    return report


def reports_expire(*, now: Any = None) -> int:
    """Close every report and alert past its expiry time (periodic)."""
    now = now or timezone.now()
    expired = 0
    for pk in Report.objects.filter(
        state__in=[*lifecycle.OPEN, lifecycle.SENT], expires_at__lt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(pk=pk).first()
            if (
                report is None
                or report.state not in {*lifecycle.OPEN, lifecycle.SENT}
                or report.expires_at >= now
            ):
                continue
            report.state = State.EXPIRED
            report.closed_at = now
            report.save(update_fields=["state", "closed_at"])
            _event(report, Event.What.EXPIRED)
            expired += 1
    return expired
