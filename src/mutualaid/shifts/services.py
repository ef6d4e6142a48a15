"""Writes about shifts: series and roles, occurrences, sign-ups and the waitlist, swaps, staffing
rules and reminders, attendance and outcomes, calendar feeds.

Each service checks everything before it writes, inside one transaction. Taking a slot locks the
occurrence row (`select_for_update`), so two people racing for the last free slot cannot both get it:
the second is put on the waitlist. Notices are stored in the same transaction (and sent once it commits).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core.field_errors import FieldErrors
from mutualaid.core.publishing import PublicEvent, event_changed
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Skill, User
from mutualaid.shifts import notices, recurrence
from mutualaid.shifts.models import (
    CalendarFeed,
    Occurrence,
    OccurrenceStatus,
    Series,
    SeriesKind,
    ShiftRole,
    Signup,
    SignupState,
    Standing,
    Swap,
)

HORIZON_DAYS = 120  # occurrences exist this far ahead (the daily job keeps them so)
MAX_DURATION_MINUTES = 24 * 60
MAX_SLOTS = 500
MAX_ROLES = 20
TEXT_MAX = 2000
CANT_SALT = "mutualaid.shifts.cant"
ACTIVE = (SignupState.CONFIRMED, SignupState.WAITLISTED)


# Series and roles -------------------------------------------------------------------------------


def _check_series(series: Series) -> None:
    errors: dict[str, list[str]] = {}
    if len(series.description or "") > TEXT_MAX:
        errors.setdefault("description", []).append(_("At most %(count)d characters.") % {"count": TEXT_MAX})
    if not (series.title or "").strip():
        errors.setdefault("title", []).append(_("Give the shift a title."))
    if not 0 < series.duration_minutes <= MAX_DURATION_MINUTES:
        errors.setdefault("duration_minutes", []).append(_("A shift lasts between 1 minute and 24 hours."))
    today = timezone.localdate()
    if (
        not today - datetime.timedelta(days=366 * 5)
        <= series.starts_on
        <= today + datetime.timedelta(days=366 * 5)
    ):
        errors.setdefault("starts_on", []).append(_("Choose a first day within five years of today."))
    if len(series.address or "") > 300:
        errors.setdefault("address", []).append(_("At most %(count)d characters.") % {"count": 300})
    if series.until and series.until < series.starts_on:
        errors.setdefault("until", []).append(_("The last day is before the first day."))
    try:
        recurrence.zone(series.time_zone)
    except recurrence.RuleError:
        errors.setdefault("time_zone", []).append(_("This is not a time zone name (e.g. America/New_York)."))
    try:
        recurrence.parse_rule(series.rule, datetime.datetime.combine(series.starts_on, series.start_time))
    except recurrence.RuleError:
        errors.setdefault("rule", []).append(
            _(
                "This is not a repeat rule we understand (e.g. FREQ=WEEKLY;BYDAY=SA or FREQ=MONTHLY;BYDAY=1MO)."
            )
        )
    hours = series.alert_hours
    if not isinstance(hours, list) or not all(isinstance(h, int) and 0 < h <= 24 * 14 for h in hours):
        errors.setdefault("alert_hours", []).append(_("Hours before, between 1 and 336."))
    if errors:
        raise ValidationError(errors)


def _check_role(role: ShiftRole) -> None:
    errors = role_rule_errors(role)
    if errors:
        raise ValidationError(errors)


def role_rule_errors(role: ShiftRole) -> dict[str, list[str]]:
    """What is wrong with a role and its staffing rule, every field at once (the role form asks too, so
    its own refusals and these come on one page)."""
    errors: dict[str, list[str]] = {}
    if not role.name.strip():
        errors.setdefault("name", []).append(_("Name the role."))
    if not 1 <= role.slots <= MAX_SLOTS:
        errors.setdefault("slots", []).append(_("A role needs at least one place."))
    if role.cancel_below > role.slots:
        errors.setdefault("cancel_below", []).append(_("The minimum cannot be more than the places."))
    if bool(role.cancel_below) != bool(role.cancel_hours):
        errors.setdefault("cancel_hours", []).append(
            _("Give both the minimum and the hours before, or neither.")
        )
    return errors


@transaction.atomic
def series_create(
    *,
    group: Group,
    title: str,
    rule: str,
    starts_on: datetime.date,
    start_time: datetime.time,
    duration_minutes: int,
    roles: Sequence[dict[str, Any]],
    area: str = "",
    address: str = "",
    time_zone: str = "",
    until: datetime.date | None = None,
    alert_hours: Sequence[int] = (),
    remind_hours: int = 24,
    lead: User | None = None,
    kind: str = SeriesKind.SHIFT,
    description: str = "",
    approved: bool = True,
    public: bool = False,
    found: FieldErrors | None = None,
) -> Series:
    """A new series and its roles. `found` brings a caller's own wrong fields (a skill-share's teacher
    and seats), named together with the series' own."""
    series = Series(
        kind=kind,
        public=public,
        description=description.strip(),
        approved=approved,
        active=approved,
        group=group,
        title=title.strip(),
        rule=rule.strip().removeprefix("RRULE:"),
        starts_on=starts_on,
        start_time=start_time,
        duration_minutes=duration_minutes,
        area=area.strip(),
        address=address.strip(),
        until=until,
        alert_hours=sorted(set(alert_hours), reverse=True),
        remind_hours=remind_hours,
        lead=lead,
    )
    if time_zone:
        series.time_zone = time_zone
    found = found if found is not None else FieldErrors()  # every wrong field named at once
    with found.check():
        _check_series(series)
    if not roles:
        found.add(ValidationError({"roles": [_("A shift needs at least one role.")]}))
    elif len(roles) > MAX_ROLES:
        found.add(ValidationError({"roles": [_("At most %(count)d roles.") % {"count": MAX_ROLES}]}))
    if lead is not None and not Membership.objects.filter(group=group, user=lead).exists():
        found.add(ValidationError({"lead": [_("The lead must be a member of the group.")]}))
    with found.check():  # the model's own limits too, for the fields the rules above did not refuse
        series.full_clean(exclude=list(found.errors))
    found.raise_any()
    series.save()
    for spec in roles:
        role_add(series=series, **spec)
    materialise(series=series)
    return series


SERIES_FIELDS = (
    "title",
    "rule",
    "starts_on",
    "start_time",
    "duration_minutes",
    "area",
    "address",
    "time_zone",
    "until",
    "alert_hours",
    "remind_hours",
    "lead",
    "active",
    "public",
)


@transaction.atomic
def series_update(*, series: Series, **changes: Any) -> Series:
    unknown = set(changes) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    series = Series.objects.select_for_update().get(pk=series.pk)
    for name, value in changes.items():
        setattr(series, name, value.strip() if isinstance(value, str) else value)
    series.rule = series.rule.removeprefix("RRULE:")
    found = FieldErrors()  # every wrong field named at once
    with found.check():
        _check_series(series)
    if (
        series.lead_id
        and not Membership.objects.filter(group_id=series.group_id, user_id=series.lead_id).exists()
    ):
        found.add(ValidationError({"lead": [_("The lead must be a member of the group.")]}))
    with found.check():  # the model's own limits too, for the fields the rules above did not refuse
        series.full_clean(exclude=list(found.errors))
    found.raise_any()
    series.save()
    rematerialise(series=series)
    _publish_sessions(series)
    return series


def role_count_errors(series: Series) -> dict[str, list[str]]:
    """Whether `series` can take one more role (the role form asks too, beside its own refusals)."""
    if series.roles.count() >= MAX_ROLES:
        return {"name": [_("At most %(count)d roles.") % {"count": MAX_ROLES}]}
    return {}


def role_errors(role: ShiftRole, *, refused: Sequence[str] = ()) -> dict[str, list[str]]:
    """The role's own rules and the model's limits, every wrong field at once (a field the rules, or a
    caller's form (`refused`), already refused is not checked twice)."""
    found = FieldErrors()
    with found.check():
        _check_role(role)
    skip = {*refused, *(name for name in found.errors if name != "__all__")}
    if role.series_id is None:
        skip.add("series")
    with found.check():
        role.full_clean(exclude=sorted(skip))
    return {name: messages for name, messages in found.errors.items() if name not in refused}


def _check_role_fully(role: ShiftRole, found: FieldErrors) -> None:
    for name, messages in role_errors(role).items():
        found.add(ValidationError({name: messages}))
    found.raise_any()


@transaction.atomic
def role_add(
    *,
    series: Series,
    name: str,
    slots: int,
    note: str = "",
    skill: str = "",
    cancel_below: int = 0,
    cancel_hours: int = 0,
) -> ShiftRole:
    found = FieldErrors()  # every wrong field named at once
    if count := role_count_errors(series):
        found.add(ValidationError(count))
    role = ShiftRole(
        series=series,
        name=name.strip(),
        slots=slots,
        note=note.strip(),
        skill=skill,
        cancel_below=cancel_below,
        cancel_hours=cancel_hours,
    )
    _check_role_fully(role, found)
    role.save()
    return role


@transaction.atomic
def role_update(*, role: ShiftRole, **changes: Any) -> ShiftRole:
    for name in ("name", "slots", "note", "skill", "cancel_below", "cancel_hours"):
        if name in changes:
            value = changes[name]
            setattr(role, name, value.strip() if isinstance(value, str) else value)
    _check_role_fully(role, FieldErrors())
    role.save()
    # More places: people on the waitlist of coming occurrences move up.
    for occurrence in Occurrence.objects.filter(series_id=role.series_id, starts_at__gt=timezone.now()):
        _promote(occurrence, role)
    return role


# Skill-shares ----------------------------------------------------------------------------------

SEAT_ROLE = "seat"  # a skill-share's one role: its places are the seats
ONCE = "FREQ=DAILY;COUNT=1"  # a one-off session
MAX_SEATS = 200


@transaction.atomic
def skillshare_create(
    *,
    group: Group,
    teacher: User,
    by_coordinator: bool,
    title: str,
    description: str,
    rule: str,
    starts_on: datetime.date,
    start_time: datetime.time,
    duration_minutes: int,
    seats: int,
    area: str = "",
    address: str = "",
    time_zone: str = "",
    until: datetime.date | None = None,
    remind_hours: int = 24,
    public: bool = False,
) -> Series:
    """A session where `teacher` teaches and members take seats. Proposed by a plain member, it waits
    (inactive, no occurrences) until a coordinator approves it; a coordinator's starts at once."""
    found = FieldErrors()  # the teacher and the seats named with the series' own wrong fields, at once
    teacher_is_member = Membership.objects.filter(group=group, user=teacher).exists()
    if not teacher_is_member:
        found.add(ValidationError({"teacher": [_("The teacher must be a member of the group.")]}))
    if not 1 <= seats <= MAX_SEATS:
        found.add(ValidationError({"seats": [_("Between 1 and %(count)d seats.") % {"count": MAX_SEATS}]}))
    series = series_create(
        found=found,
        group=group,
        title=title,
        rule=rule,
        starts_on=starts_on,
        start_time=start_time,
        duration_minutes=duration_minutes,
        roles=[{"name": SEAT_ROLE, "slots": seats}],
        area=area,
        address=address,
        time_zone=time_zone,
        until=until,
        remind_hours=remind_hours,
        lead=teacher if teacher_is_member else None,  # refused above as the teacher, not again as a lead
        kind=SeriesKind.SKILL_SHARE,
        description=description,
        approved=by_coordinator,
        public=public and by_coordinator,  # only a coordinator publishes to the fediverse
    )
    if not by_coordinator:
        notices.skillshare_proposed(series)
    return series


@transaction.atomic
def skillshare_describe(*, series: Series, description: str) -> Series:
    """The teacher (or a coordinator) rewrites what a skill-share is about; every session shows it."""
    series = Series.objects.select_for_update(of=("self",)).get(pk=series.pk)
    if series.kind != SeriesKind.SKILL_SHARE:
        raise ValidationError(_("This is not a skill-share."))
    text = "".join(ch for ch in description if ch in "\n\t" or ord(ch) >= 32).strip()
    series.description = text
    series.full_clean(validate_constraints=False)
    series.save(update_fields=["description"])
    _publish_sessions(series)
    return series


def _withdraw_session(series: Series, occurrence: Occurrence) -> None:
    """A skill-share session cancelled or removed: the publisher withdraws it if it was sent."""
    if series.kind == SeriesKind.SKILL_SHARE:
        event = PublicEvent(group_id=series.group_id, source=f"shifts.session:{occurrence.pk}", visible=False)
        transaction.on_commit(lambda: event_changed(event))


def _publish_sessions(series: Series) -> None:
    """After commit, tell the publisher (federation, when installed) the public face of each coming
    session of a skill-share: visible when a coordinator made it public, approved, active and the
    session is not cancelled. Only the title, time, area and description travel; never the address,
    the teacher or who took a seat."""
    if series.kind != SeriesKind.SKILL_SHARE:
        return
    shown = series.public and series.approved and series.active
    events: list[PublicEvent] = []
    for occurrence in Occurrence.objects.filter(series=series, starts_at__gt=timezone.now()):
        source = f"shifts.session:{occurrence.pk}"
        if shown and occurrence.status != OccurrenceStatus.CANCELLED:
            events.append(
                PublicEvent(
                    group_id=series.group_id,
                    source=source,
                    visible=True,
                    name=series.title or "",
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                    area=series.area,
                    description=series.description or "",
                )
            )
        else:
            events.append(PublicEvent(group_id=series.group_id, source=source, visible=False))

    def send() -> None:
        for event in events:
            event_changed(event)

    transaction.on_commit(send)


def seat_role(series: Series) -> ShiftRole:
    return series.roles.get(name=SEAT_ROLE)


@transaction.atomic
def skillshare_decide(*, series: Series, approve: bool) -> Series | None:
    """A coordinator approves a member's proposal (its sessions are made and open for seats, and the
    teacher is told) or declines it (it is deleted: nobody could have taken a seat yet)."""
    series = Series.objects.select_for_update(of=("self",)).select_related("group", "lead").get(pk=series.pk)
    if series.kind != SeriesKind.SKILL_SHARE or series.approved:
        raise ValidationError(_("This proposal was already decided."))
    if approve:
        series.approved = True
        series.active = True
        series.save(update_fields=["approved", "active"])
        materialise(series=series)
        _publish_sessions(series)
    if series.lead is not None:
        notices.skillshare_decided(series, series.lead, approved=approve)
    if not approve:
        series.delete()
        return None
    return series


# Occurrences ------------------------------------------------------------------------------------


def _local_today(series: Series) -> datetime.date:
    return timezone.now().astimezone(recurrence.zone(series.time_zone)).date()


def _rule_starts(series: Series, start: datetime.date, end: datetime.date) -> list[datetime.datetime]:
    return recurrence.starts(
        rule=series.rule,
        starts_on=series.starts_on,
        start_time=series.start_time,
        time_zone=series.time_zone,
        start=start,
        end=end,
        until=series.until,
        exdates=[datetime.date.fromisoformat(day) for day in series.exdates],
    )


def _insert_occurrences(rows: list[tuple[int, datetime.datetime, datetime.timedelta]]) -> int:
    """One multi-row insert of fresh occurrences, (series id, start, length) each (the ORM's per-field
    preparation of every column was most of the time of a year's generation); a start that already
    exists is skipped."""
    if not rows:
        return 0
    table = Occurrence._meta.db_table
    sqlite = connection.vendor == "sqlite"
    adapt = connection.ops.adapt_datetimefield_value

    def value(at: datetime.datetime) -> Any:
        # SQLite: what Django's adapter writes for a UTC time, without its checks on every value.
        return str(at.replace(tzinfo=None)) if sqlite else adapt(at)

    sql = (
        f"INSERT INTO {table} (series_id, recurrence_id, starts_at, ends_at, status, overridden, alerts_sent,"  # noqa: S608 - no user input
        " skill_calls, reminded, cancel_checked, notes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (series_id, recurrence_id) DO NOTHING"
    )
    scheduled = OccurrenceStatus.SCHEDULED.value
    params = [
        (series_id, value(at), value(at), value(at + length), scheduled, False, "[]", "[]", False, False, "")
        for series_id, at, length in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def materialise(*, series: Series, horizon_days: int = HORIZON_DAYS) -> int:
    """Create the series' occurrences from today up to the horizon (existing ones are kept)."""
    return materialise_many(series_list=[series], horizon_days=horizon_days)


@transaction.atomic
def materialise_many(*, series_list: Sequence[Series], horizon_days: int = HORIZON_DAYS) -> int:
    """`materialise` for many series at once: one insert, one update per horizon day."""
    rows: list[tuple[int, datetime.datetime, datetime.timedelta]] = []
    ends: dict[datetime.date, list[int]] = {}
    for series in series_list:
        if not series.active:
            continue
        today = _local_today(series)
        end = today + datetime.timedelta(days=horizon_days)
        start = today if series.materialised_until is None else max(today, series.materialised_until)
        length = datetime.timedelta(minutes=series.duration_minutes)
        wanted = _rule_starts(series, start, end)
        existing = (
            set(
                Occurrence.objects.filter(
                    series=series, recurrence_id__gte=wanted[0], recurrence_id__lte=wanted[-1]
                ).values_list("recurrence_id", flat=True)
            )
            if wanted and series.materialised_until is not None
            else set()
        )
        rows.extend((series.pk, at, length) for at in wanted if at not in existing)
        ends.setdefault(end, []).append(series.pk)
        series.materialised_until = end
    made = _insert_occurrences(rows)
    for end, ids in ends.items():
        Series.objects.filter(pk__in=ids).update(materialised_until=end)
    ids = [s.pk for s in series_list]
    for standing in Standing.objects.filter(series_id__in=ids, active=True).select_related(
        "series", "role", "user"
    ):
        _apply_standing(standing)
    # New sessions of a public skill-share reach the followers (unchanged ones send nothing).
    for series in series_list:
        if series.public and series.kind == SeriesKind.SKILL_SHARE and any(r[0] == series.pk for r in rows):
            _publish_sessions(series)
    return made


def materialise_all(*, horizon_days: int = HORIZON_DAYS, batch: int = 500) -> int:
    """The daily job: keep every active series' occurrences made up to the horizon."""
    made = 0
    active = list(Series.objects.filter(active=True).order_by("pk"))
    for first in range(0, len(active), batch):
        made += materialise_many(series_list=active[first : first + batch], horizon_days=horizon_days)
    return made


def rematerialise(*, series: Series) -> None:
    """After a change of rule or time: coming occurrences follow the new rule; ones nobody signed up
    for go, ones with people are cancelled (and the people told); changed-by-hand ones stay."""
    now = timezone.now()
    length = datetime.timedelta(minutes=series.duration_minutes)
    today = _local_today(series)
    end = series.materialised_until or today + datetime.timedelta(days=HORIZON_DAYS)
    wanted = set(_rule_starts(series, today, end)) if series.active else set()
    coming = Occurrence.objects.filter(series=series, starts_at__gt=now, overridden=False)
    for occurrence in coming:
        if occurrence.recurrence_id in wanted:
            if occurrence.ends_at - occurrence.starts_at != length:
                occurrence.ends_at = occurrence.starts_at + length
                occurrence.save(update_fields=["ends_at"])
            continue
        if occurrence.signups.filter(state__in=ACTIVE).exists():
            if occurrence.status != OccurrenceStatus.CANCELLED:
                _cancel(occurrence)
        else:
            _withdraw_session(series, occurrence)
            occurrence.delete()
    series.materialised_until = None
    materialise(series=series, horizon_days=(end - today).days)


def _cancel(occurrence: Occurrence) -> int:
    occurrence.status = OccurrenceStatus.CANCELLED
    occurrence.save(update_fields=["status"])
    told = list(
        occurrence.signups.filter(state__in=ACTIVE).select_related("user", "occurrence__series__group")
    )
    notices.cancelled(occurrence, told)
    _withdraw_session(occurrence.series, occurrence)
    return len(told)


@transaction.atomic
def occurrence_cancel(*, occurrence: Occurrence) -> int:
    """Cancel one occurrence and tell everyone signed up; returns how many were told."""
    occurrence = Occurrence.objects.select_for_update().select_related("series__group").get(pk=occurrence.pk)
    if occurrence.status == OccurrenceStatus.CANCELLED:
        raise ValidationError(_("This shift is already cancelled."))
    if occurrence.starts_at <= timezone.now():
        raise ValidationError(_("This shift has already started."))
    return _cancel(occurrence)


@transaction.atomic
def occurrence_skip(*, occurrence: Occurrence) -> None:
    """An exception to the rule (EXDATE): the day is left out for good, and the occurrence cancelled."""
    series = Series.objects.select_for_update().get(pk=occurrence.series_id)
    local = occurrence.recurrence_id.astimezone(recurrence.zone(series.time_zone)).date().isoformat()
    if local not in series.exdates:
        series.exdates = sorted([*series.exdates, local])
        series.save(update_fields=["exdates"])
    occurrence.refresh_from_db()
    if occurrence.status != OccurrenceStatus.CANCELLED:
        occurrence_cancel(occurrence=occurrence)


@transaction.atomic
def occurrence_change(
    *, occurrence: Occurrence, starts_at: datetime.datetime, duration_minutes: int
) -> Occurrence:
    """A one-off change: this occurrence moves (or lasts longer); the rule no longer moves it."""
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": [_("Choose a time in the future.")]})
    if not 0 < duration_minutes <= MAX_DURATION_MINUTES:
        raise ValidationError({"duration_minutes": [_("A shift lasts between 1 minute and 24 hours.")]})
    occurrence.starts_at = starts_at
    occurrence.ends_at = starts_at + datetime.timedelta(minutes=duration_minutes)
    occurrence.overridden = True
    occurrence.alerts_sent = []
    occurrence.reminded = False
    occurrence.cancel_checked = False
    occurrence.full_clean()
    occurrence.save()
    _publish_sessions(occurrence.series)
    return occurrence


# Sign-ups and the waitlist ----------------------------------------------------------------------


def _confirmed_count(occurrence: Occurrence, role: ShiftRole) -> int:
    return Signup.objects.filter(occurrence=occurrence, role=role, state=SignupState.CONFIRMED).count()


def _check_can_sign_up(occurrence: Occurrence, role: ShiftRole, user: User) -> None:
    if role.series_id != occurrence.series_id:
        raise ValidationError({"role": [_("This role belongs to another shift.")]})
    if occurrence.status == OccurrenceStatus.CANCELLED:
        raise ValidationError(_("This shift is cancelled."))
    if occurrence.starts_at <= timezone.now():
        raise ValidationError(_("This shift is in the past: you cannot sign up for it any more."))
    if not Membership.objects.filter(group_id=occurrence.series.group_id, user=user).exists():
        raise ValidationError(_("Only members of the group can sign up."))
    if Signup.objects.filter(occurrence=occurrence, user=user, state__in=ACTIVE).exists():
        raise ValidationError(_("You are already signed up for this shift."))
    if role.skill and role.skill not in (user.skills or []):
        raise ValidationError(
            _("This role needs the skill “%(skill)s”: add it on your profile if you have it.")
            % {"skill": Skill(role.skill).label}
        )
    clash = Signup.objects.filter(
        user=user,
        state__in=ACTIVE,
        occurrence__status=OccurrenceStatus.SCHEDULED,
        occurrence__starts_at__lt=occurrence.ends_at,
        occurrence__ends_at__gt=occurrence.starts_at,
    ).exists()
    if clash:
        raise ValidationError(_("You are already signed up for another shift at that time."))


@transaction.atomic
def signup_create(
    *,
    occurrence: Occurrence,
    role: ShiftRole,
    user: User,
    waitlist: bool = True,
    standing: Standing | None = None,
) -> Signup:
    """Take a slot of `role`; when all are taken, join the end of its waitlist (or refuse)."""
    # The lock serialises every sign-up to this occurrence: the count below cannot go stale.
    occurrence = Occurrence.objects.select_for_update().select_related("series").get(pk=occurrence.pk)
    _check_can_sign_up(occurrence, role, user)
    full = _confirmed_count(occurrence, role) >= role.slots
    if full and not waitlist:
        raise ValidationError(_("All places for this role are taken."))
    signup = Signup(
        occurrence=occurrence,
        role=role,
        user=user,
        state=SignupState.WAITLISTED if full else SignupState.CONFIRMED,
        standing=standing,
    )
    signup.full_clean(validate_constraints=False)
    signup.save()
    return signup


def _promote(occurrence: Occurrence, role: ShiftRole) -> list[Signup]:
    """Move the first people of the waitlist into free places (caller holds the occurrence lock)."""
    promoted: list[Signup] = []
    free = role.slots - _confirmed_count(occurrence, role)
    if free <= 0 or occurrence.status != OccurrenceStatus.SCHEDULED:
        return promoted
    waiting = Signup.objects.filter(
        occurrence=occurrence, role=role, state=SignupState.WAITLISTED
    ).select_related("user", "occurrence__series__group", "occurrence__series__lead")
    for signup in waiting.order_by("created_at", "pk")[:free]:
        signup.state = SignupState.CONFIRMED
        signup.save(update_fields=["state"])
        promoted.append(signup)
        notices.promoted(signup)
    return promoted


@transaction.atomic
def signup_drop(*, signup: Signup) -> Signup | None:
    """Drop out; the first person waiting for the role takes the place and is told. Returns them."""
    Occurrence.objects.select_for_update().get(pk=signup.occurrence_id)
    signup = Signup.objects.select_related("occurrence__series", "role").get(pk=signup.pk)
    if signup.state == SignupState.DROPPED:
        raise ValidationError(_("You already dropped out of this shift."))
    if signup.occurrence.ends_at <= timezone.now():
        raise ValidationError(_("This shift is over."))
    was_confirmed = signup.state == SignupState.CONFIRMED
    signup.state = SignupState.DROPPED
    signup.save(update_fields=["state"])
    if was_confirmed:
        promoted = _promote(signup.occurrence, signup.role)
        return promoted[0] if promoted else None
    return None


def waitlist_position(signup: Signup) -> int | None:
    if signup.state != SignupState.WAITLISTED:
        return None
    ahead = Signup.objects.filter(
        occurrence_id=signup.occurrence_id, role_id=signup.role_id, state=SignupState.WAITLISTED
    ).filter(Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk))
    return ahead.count() + 1


@transaction.atomic
def standing_create(*, series: Series, role: ShiftRole, user: User, until: datetime.date) -> Standing:
    """ "Every time until…": sign up for each coming occurrence up to `until` (waitlisted where full;
    occurrences that clash with another shift of the member are left out)."""
    if role.series_id != series.pk:
        raise ValidationError({"role": [_("This role belongs to another shift.")]})
    if not Membership.objects.filter(group_id=series.group_id, user=user).exists():
        raise ValidationError(_("Only members of the group can sign up."))
    if until < _local_today(series):
        raise ValidationError({"until": [_("Choose a day in the future.")]})
    if until > _local_today(series) + datetime.timedelta(days=366):
        raise ValidationError({"until": [_("At most a year ahead.")]})
    standing = Standing.objects.create(series=series, role=role, user=user, until=until)
    _apply_standing(standing)
    return standing


def _apply_standing(standing: Standing) -> int:
    tz = recurrence.zone(standing.series.time_zone)
    end = datetime.datetime.combine(standing.until + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    taken = set(
        Signup.objects.filter(user_id=standing.user_id, occurrence__series_id=standing.series_id).values_list(
            "occurrence_id", flat=True
        )
    )
    made = 0
    for occurrence in Occurrence.objects.filter(
        series_id=standing.series_id,
        status=OccurrenceStatus.SCHEDULED,
        starts_at__gt=timezone.now(),
        starts_at__lt=end,
    ).exclude(pk__in=taken):
        try:
            with transaction.atomic():
                signup_create(
                    occurrence=occurrence, role=standing.role, user=standing.user, standing=standing
                )
        except ValidationError:
            continue
        made += 1
    return made


@transaction.atomic
def standing_stop(*, standing: Standing) -> int:
    """Stop a standing sign-up and drop out of its coming occurrences; returns how many."""
    standing.active = False
    standing.save(update_fields=["active"])
    dropped = 0
    for signup in Signup.objects.filter(
        standing=standing, state__in=ACTIVE, occurrence__starts_at__gt=timezone.now()
    ):
        signup_drop(signup=signup)
        dropped += 1
    return dropped


@transaction.atomic
def swap_ask(*, signup: Signup, to_user: User) -> Swap:
    if signup.state != SignupState.CONFIRMED:
        raise ValidationError(_("Only a confirmed place can be handed over."))
    if signup.occurrence.starts_at <= timezone.now():
        raise ValidationError(_("This shift has already started."))
    if to_user.pk == signup.user_id:
        raise ValidationError({"to_user": [_("Choose someone else.")]})
    if not Membership.objects.filter(group_id=signup.occurrence.series.group_id, user=to_user).exists():
        raise ValidationError({"to_user": [_("Choose a member of the group.")]})
    swap = Swap.objects.create(signup=signup, to_user=to_user)
    notices.swap_asked(swap)
    return swap


@transaction.atomic
def swap_answer(*, swap: Swap, user: User, accept: bool) -> Swap:
    """The member asked takes the place (their own overlapping shifts are checked) or declines."""
    swap = Swap.objects.select_for_update().select_related("signup__occurrence__series").get(pk=swap.pk)
    if swap.to_user_id != user.pk:
        raise ValidationError(_("This request was made to someone else."))
    if swap.accepted is not None:
        raise ValidationError(_("This request was already answered."))
    swap.accepted = accept
    swap.save(update_fields=["accepted"])
    if accept:
        signup = Signup.objects.select_for_update().get(pk=swap.signup_id)
        if signup.state != SignupState.CONFIRMED:
            raise ValidationError(_("This place is no longer free to take over."))
        Occurrence.objects.select_for_update().get(pk=signup.occurrence_id)
        occurrence = signup.occurrence
        # The new person may already be on this occurrence's waitlist for another role: that entry ends.
        Signup.objects.filter(occurrence=occurrence, user=user, state=SignupState.WAITLISTED).update(
            state=SignupState.DROPPED
        )
        _check_can_sign_up(occurrence, signup.role, user)
        signup.state = SignupState.DROPPED
        signup.save(update_fields=["state"])
        Signup.objects.create(occurrence=occurrence, role=signup.role, user=user, state=SignupState.CONFIRMED)
    return swap


# Staffing rules and reminders -------------------------------------------------------------------


def cant_token(signup: Signup) -> str:
    return signing.dumps({"s": signup.pk}, salt=CANT_SALT)


def cant_target(token: str) -> Signup | None:
    """The sign-up a signed "I can't make it" token names, while it can still be dropped."""
    try:
        data = signing.loads(token, salt=CANT_SALT, max_age=datetime.timedelta(days=60))
    except signing.BadSignature:
        return None
    signup = (
        Signup.objects.select_related("occurrence__series__group", "role")
        .filter(pk=data.get("s"), state__in=ACTIVE, occurrence__ends_at__gt=timezone.now())
        .first()
    )
    return signup


def check_staffing(now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic job: apply cancellation rules, tell coordinators of open slots at the configured
    hours, remind volunteers. Each step is recorded on the occurrence, so a rerun sends nothing twice."""
    now = now or timezone.now()
    done = {"cancelled": 0, "alerts": 0, "reminders": 0}
    upcoming = Occurrence.objects.filter(
        status=OccurrenceStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(days=15),
        series__active=True,
    ).select_related("series", "series__group")
    for occurrence in upcoming:
        with transaction.atomic():
            occurrence = (
                Occurrence.objects.select_for_update().select_related("series__group").get(pk=occurrence.pk)
            )
            if occurrence.status != OccurrenceStatus.SCHEDULED:
                continue
            left = occurrence.starts_at - now
            roles = list(occurrence.series.roles.all())
            counts = dict(
                Signup.objects.filter(occurrence=occurrence, state=SignupState.CONFIRMED)
                .values_list("role_id")
                .annotate(n=Count("pk"))
                .values_list("role_id", "n")
            )
            if not occurrence.cancel_checked:
                due = [
                    r for r in roles if r.cancel_below and left <= datetime.timedelta(hours=r.cancel_hours)
                ]
                if any(counts.get(r.pk, 0) < r.cancel_below for r in due):
                    _cancel(occurrence)
                    done["cancelled"] += 1
                    continue
                if due and len(due) == len([r for r in roles if r.cancel_below]):
                    occurrence.cancel_checked = True
                    occurrence.save(update_fields=["cancel_checked"])
            hours_due = [
                h
                for h in occurrence.series.alert_hours
                if h not in occurrence.alerts_sent and left <= datetime.timedelta(hours=h)
            ]
            if hours_due:
                occurrence.alerts_sent = sorted({*occurrence.alerts_sent, *hours_due}, reverse=True)
                occurrence.save(update_fields=["alerts_sent"])
                shortfall = [
                    (r.name, r.slots - counts.get(r.pk, 0)) for r in roles if counts.get(r.pk, 0) < r.slots
                ]
                if shortfall:
                    notices.needs(occurrence, shortfall)
                    done["alerts"] += 1
            remind = occurrence.series.remind_hours
            if remind and not occurrence.reminded and left <= datetime.timedelta(hours=remind):
                occurrence.reminded = True
                occurrence.save(update_fields=["reminded"])
                for signup in occurrence.signups.filter(state=SignupState.CONFIRMED).select_related("user"):
                    url = cant_path(signup)
                    notices.reminder(signup, url)
                    done["reminders"] += 1
    return done


def skill_audience(occurrence: Occurrence, role: ShiftRole) -> list[User]:
    """Members of the group with the role's skill who are not already on this occurrence."""
    if not role.skill:
        return []
    on_it = Signup.objects.filter(occurrence=occurrence, state__in=ACTIVE).values_list("user_id", flat=True)
    members = (
        User.objects.filter(memberships__group_id=occurrence.series.group_id, is_active=True)
        .exclude(pk__in=on_it)
        .order_by("pk")
    )
    # Skills are a JSON list: filtered here, in Python, the same way on SQLite and PostgreSQL.
    return [user for user in members if role.skill in (user.skills or [])]


@transaction.atomic
def skill_call(*, occurrence: Occurrence, role: ShiftRole) -> int:
    """ "Saturday pantry still needs 2 drivers", sent to every member with the role's skill who is not
    already on the shift. Once per role and occurrence, so nobody is called on twice; returns how many
    were told."""
    occurrence = Occurrence.objects.select_for_update().select_related("series__group").get(pk=occurrence.pk)
    if role.series_id != occurrence.series_id:
        raise ValidationError({"role": [_("This role belongs to another shift.")]})
    if not role.skill:
        raise ValidationError({"role": [_("This role asks for no particular skill.")]})
    if occurrence.status != OccurrenceStatus.SCHEDULED or occurrence.starts_at <= timezone.now():
        raise ValidationError(_("This shift is not coming up any more."))
    if role.pk in occurrence.skill_calls:
        raise ValidationError(_("People with this skill were already asked for this shift."))
    free = role.slots - _confirmed_count(occurrence, role)
    if free <= 0:
        raise ValidationError(_("All places for this role are taken."))
    audience = skill_audience(occurrence, role)
    occurrence.skill_calls = [*occurrence.skill_calls, role.pk]
    occurrence.save(update_fields=["skill_calls"])
    for user in audience:
        notices.skill_call(user, occurrence, role, free)
    return len(audience)


def cant_path(signup: Signup) -> str:
    from django.urls import reverse

    return reverse("shifts_cant", kwargs={"token": cant_token(signup)})


# After the shift --------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, occurrence: Occurrence, attended: dict[int, bool]) -> int:
    """Who came: `attended` maps confirmed sign-up ids of the occurrence to True or False."""
    if occurrence.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the shift has started."))
    signups = {s.pk: s for s in occurrence.signups.filter(state=SignupState.CONFIRMED)}
    unknown = set(attended) - set(signups)
    if unknown:
        raise ValidationError(_("Some of these people were not signed up for this shift."))
    for signup_id, came in attended.items():
        signup = signups[signup_id]
        signup.attended = came
        signup.save(update_fields=["attended"])
    return len(attended)


@transaction.atomic
def outcome_record(
    *,
    occurrence: Occurrence,
    households_served: int | None,
    kilograms: int | None,
    items: int | None,
    notes: str = "",
) -> Occurrence:
    if occurrence.starts_at > timezone.now():
        raise ValidationError(_("Outcomes are recorded once the shift has started."))
    if len(notes) > TEXT_MAX:
        raise ValidationError({"notes": [_("At most %(count)d characters.") % {"count": TEXT_MAX}]})
    for name, value in (("households_served", households_served), ("kilograms", kilograms), ("items", items)):
        if value is not None and not 0 <= value <= 10_000_000:
            raise ValidationError({name: [_("A number between 0 and 10,000,000.")]})
    occurrence.households_served = households_served
    occurrence.kilograms = kilograms
    occurrence.items = items
    occurrence.notes = notes.strip()
    occurrence.outcome_recorded_at = timezone.now()
    occurrence.full_clean()
    occurrence.save()
    return occurrence


# Calendar feeds ---------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_create(*, user: User) -> str:
    """A new secret feed token for `user` (the previous link stops working). Shown once."""
    token = secrets.token_urlsafe(24)
    CalendarFeed.objects.filter(user=user).delete()
    CalendarFeed.objects.create(user=user, digest=_digest(token))
    return token


@transaction.atomic
def feed_revoke(*, user: User) -> int:
    return CalendarFeed.objects.filter(user=user).delete()[0]


def feed_user(token: str) -> User | None:
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(digest=_digest(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def user_signups(user: User, occurrences: Iterable[Occurrence]) -> dict[int, Signup]:
    return {
        s.occurrence_id: s
        for s in Signup.objects.filter(user=user, state__in=ACTIVE, occurrence__in=list(occurrences))
    }
