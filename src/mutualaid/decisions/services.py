"""Writes about decisions: a group's policy, opening a proposal (freezing its electorate), voting,
withdrawing, closing (tally, outcome, and the change a passed proposal makes), reminders.

Concurrency: every vote and every close locks the proposal row first (votes FOR NO KEY UPDATE, which
also serialises votes on one proposal; a close FOR UPDATE). A vote counts if and only if it committed
before the close took the lock: a vote that waited sees the proposal closed and is refused, and a vote
made at or after the closing time is refused even before the worker closes it. One ballot per voter is
kept by the electorate row's lock and by unique constraints.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core.dates import validate_time
from mutualaid.decisions import notices, rules
from mutualaid.decisions.effects import EFFECTS
from mutualaid.decisions.models import (
    OPTION_KINDS,
    YES_NO_KINDS,
    Ballot,
    Effect,
    Eligible,
    Kind,
    Option,
    Policy,
    Proposal,
    Status,
)
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Role, User

MAX_OPTIONS = 20
MAX_REASON = 1000


def policy_for(group: Group) -> Policy:
    """The group's policy (unsaved defaults when it has none)."""
    return Policy.objects.filter(group=group).first() or Policy(group=group)


POLICY_FIELDS = (
    "members_may_propose",
    "min_hours",
    "max_days",
    "min_quorum_percent",
    "allow_anonymous",
    "remind_hours",
    "require_for_fund_rules",
    "require_for_member_removal",
)


@transaction.atomic
def policy_update(*, group: Group, **values: Any) -> Policy:
    policy = Policy.objects.select_for_update().filter(group=group).first() or Policy(group=group)
    for name in POLICY_FIELDS:
        if name in values:
            setattr(policy, name, values[name])
    errors: dict[str, str] = {}
    if not 1 <= policy.min_hours <= 24 * 14:
        errors["min_hours"] = _("Between 1 hour and 14 days.")
    if not 1 <= policy.max_days <= 90 or policy.max_days * 24 < policy.min_hours:
        errors["max_days"] = _("Between 1 and 90 days, and not shorter than the shortest voting time.")
    if not 0 <= policy.min_quorum_percent <= 100:
        errors["min_quorum_percent"] = _("A share between 0 and 100.")
    if not 0 <= policy.remind_hours <= 24 * 7:
        errors["remind_hours"] = _("Between 0 (never) and 168 hours.")
    if errors:
        raise ValidationError(errors)
    policy.full_clean()
    policy.save()
    return policy


def _receipt_hash(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


def _clean_text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


def _aware_in_range(moment: datetime.datetime) -> tuple[datetime.datetime, str]:
    """A time given without an offset (an API client's ISO string) is read on the site's clock; a time
    outside the range the program computes with (`core.dates`) is an error on its field, never a 500."""
    try:
        validate_time(moment)
    except ValidationError as error:
        return moment, str(error.messages[0])
    return (timezone.make_aware(moment) if timezone.is_naive(moment) else moment), ""


def _aware_times(times: Sequence[datetime.datetime]) -> tuple[list[datetime.datetime], str]:
    checked = [_aware_in_range(moment) for moment in times]
    problems = [problem for _moment, problem in checked if problem]
    return [moment for moment, _problem in checked], problems[0] if problems else ""


@transaction.atomic
def proposal_open(
    *,
    group: Group,
    author: User,
    title: str,
    kind: str,
    closes_at: datetime.datetime,
    body: str = "",
    quorum_percent: int | None = None,
    threshold_percent: int = 50,
    anonymous: bool = False,
    reasons_required: bool = True,
    options: Sequence[str] = (),
    times: Sequence[datetime.datetime] = (),
    effect: str = "",
    effect_params: dict[str, Any] | None = None,
) -> Proposal:
    """Open a proposal now; everyone who is a member at this moment (and only they) may vote."""
    membership = Membership.objects.filter(group=group, user=author).first()
    if membership is None:
        raise ValidationError(_("Only members of the group open proposals."))
    policy = policy_for(group)
    coordinator = membership.role == Role.COORDINATOR
    if not coordinator and not policy.members_may_propose:
        raise ValidationError(_("In this group, coordinators open proposals."))
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose how the group decides.")
    now = timezone.now()
    closes_at, bad_close = _aware_in_range(closes_at)
    times, bad_times = _aware_times(times)
    if bad_times:
        errors["times"] = bad_times
    if bad_close:
        errors["closes_at"] = bad_close
    elif closes_at < now + datetime.timedelta(hours=policy.min_hours):
        errors["closes_at"] = _("Voting must stay open at least %(hours)d hours.") % {
            "hours": policy.min_hours
        }
    elif closes_at > now + datetime.timedelta(days=policy.max_days):
        errors["closes_at"] = _("Voting may stay open at most %(days)d days.") % {"days": policy.max_days}
    quorum = policy.min_quorum_percent if quorum_percent is None else quorum_percent
    if not policy.min_quorum_percent <= quorum <= 100:
        errors["quorum_percent"] = _("Between %(low)d and 100 per cent (the group's lowest quorum).") % {
            "low": policy.min_quorum_percent
        }
    if not 0 <= threshold_percent <= 99:
        errors["threshold_percent"] = _("Between 0 and 99 per cent.")
    if anonymous and not policy.allow_anonymous:
        errors["anonymous"] = _("This group votes openly.")
    labels = [_clean_text(o, "options", 200) for o in options if (o or "").strip()]
    if kind == Kind.RANKED and not 2 <= len(labels) <= MAX_OPTIONS:
        errors["options"] = _("Give between 2 and %(max)d options.") % {"max": MAX_OPTIONS}
    if kind == Kind.TIME_POLL and not 1 <= len(times) <= MAX_OPTIONS:
        errors["times"] = _("Give between 1 and %(max)d meeting times.") % {"max": MAX_OPTIONS}
    params: dict[str, Any] = {}
    if effect:
        if effect not in EFFECTS:
            errors["effect"] = _("Choose what the proposal changes.")
        elif not coordinator:
            errors["effect"] = _("Only coordinators open proposals that change the group by themselves.")
        elif kind not in YES_NO_KINDS:
            errors["effect"] = _("A change is decided by consent, consensus, vote or score.")
        else:
            try:
                params = EFFECTS[effect].check(group, dict(effect_params or {}))
            except ValidationError as exc:
                raise ValidationError({**errors, **exc.message_dict}) from None
    if errors:
        raise ValidationError(errors)
    proposal = Proposal(
        group=group,
        author=author,
        title=_clean_text(title, "title", 200, required=True),
        body=_clean_text(body, "body", 5000),
        kind=kind,
        opens_at=now,
        closes_at=closes_at,
        min_duration_hours=policy.min_hours,
        quorum_percent=quorum,
        threshold_percent=threshold_percent,
        anonymous=anonymous,
        reasons_required=reasons_required,
        effect=effect or Effect.NONE,
        effect_params=params,
    )
    proposal.full_clean()
    proposal.save()
    if kind == Kind.RANKED:
        Option.objects.bulk_create(
            [Option(proposal=proposal, position=i, label=label) for i, label in enumerate(labels)]
        )
    elif kind == Kind.TIME_POLL:
        Option.objects.bulk_create(
            [Option(proposal=proposal, position=i, starts_at=t) for i, t in enumerate(sorted(times))]
        )
    # The electorate is frozen here: members who join later cannot vote on this proposal.
    users = list(User.objects.filter(memberships__group=group))
    Eligible.objects.bulk_create([Eligible(proposal=proposal, user=u) for u in users])
    proposal.eligible_count = len(users)
    proposal.save(update_fields=["eligible_count"])
    others = [u for u in users if u.pk != author.pk]
    transaction.on_commit(lambda: notices.opened(proposal, others))
    return proposal


def option_keys(proposal: Proposal) -> list[str]:
    return [str(pk) for pk in proposal.options.order_by("position").values_list("pk", flat=True)]


@transaction.atomic
def vote(*, proposal: Proposal, user: User, choice: Any, reason: str = "", receipt: str = "") -> str:
    """Cast or change `user`'s ballot. Returns the receipt of an anonymous ballot (the one given, or a
    new one on a first ballot): only with it can the ballot be changed. Open ballots return ""."""
    locked = Proposal.objects.select_for_update(no_key=True).get(pk=proposal.pk)
    if locked.status != Status.OPEN or timezone.now() >= locked.closes_at:
        raise ValidationError(_("Voting on this proposal is closed."))
    eligible = Eligible.objects.select_for_update().filter(proposal=locked, user=user).first()
    if eligible is None:
        raise ValidationError(_("Only the members of the group when the proposal opened vote on it."))
    try:
        canonical = rules.check_ballot(locked.kind, choice, option_keys(locked))
    except rules.BallotError:
        raise ValidationError({"choice": _("Choose one of the answers offered.")}) from None
    reason = _clean_text(reason, "reason", MAX_REASON)
    if (
        locked.reasons_required
        and isinstance(canonical, str)
        and canonical in rules.OBJECTIONS
        and not reason
    ):
        raise ValidationError({"reason": _("Say why you object or block: the group needs to hear it.")})
    if locked.anonymous:
        if eligible.voted:
            ballot = (
                Ballot.objects.select_for_update()
                .filter(proposal=locked, receipt_hash=_receipt_hash(receipt))
                .first()
                if receipt
                else None
            )
            if ballot is None:
                raise ValidationError(
                    _("You have voted. To change an anonymous vote, use the receipt you were given.")
                )
            ballot.choice, ballot.reason = canonical, reason
            ballot.save(update_fields=["choice", "reason"])
            return receipt
        receipt = secrets.token_urlsafe(24)
        Ballot.objects.create(
            proposal=locked, receipt_hash=_receipt_hash(receipt), choice=canonical, reason=reason
        )
    else:
        Ballot.objects.update_or_create(
            proposal=locked, voter=user, defaults={"choice": canonical, "reason": reason}
        )
        receipt = ""
    if not eligible.voted:
        eligible.voted = True
        eligible.save(update_fields=["voted"])
    return receipt


def receipt_valid(proposal: Proposal, receipt: str) -> bool:
    return (
        bool(receipt)
        and Ballot.objects.filter(proposal=proposal, receipt_hash=_receipt_hash(receipt)).exists()
    )


def ballots_of(proposal: Proposal) -> list[Any]:
    return list(proposal.ballots.order_by("pk").values_list("choice", flat=True))


def outcome_of(proposal: Proposal, *, at: datetime.datetime) -> rules.Outcome:
    settings = rules.Settings(
        kind=proposal.kind,
        eligible=proposal.eligible_count,
        quorum_percent=proposal.quorum_percent,
        threshold_percent=proposal.threshold_percent,
        options=tuple(option_keys(proposal)) if proposal.kind in OPTION_KINDS else (),
        duration_met=at - proposal.opens_at >= datetime.timedelta(hours=proposal.min_duration_hours),
    )
    return rules.tally(settings, ballots_of(proposal))


@transaction.atomic
def close(*, proposal: Proposal, early: bool = False, now: datetime.datetime | None = None) -> Proposal:
    """Close an open proposal at (or after) its closing time, or `early` when everyone has voted:
    record the outcome with the tally and, when it passed, make the change it decides."""
    now = now or timezone.now()
    locked = Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    if locked.status != Status.OPEN:
        return locked
    if now < locked.closes_at:
        if not early:
            raise ValidationError(_("This proposal closes at its closing time."))
        if locked.electorate.filter(voted=False).exists():
            raise ValidationError(_("A proposal closes early only once everyone has voted."))
    outcome = outcome_of(locked, at=now)
    locked.status, locked.closed_at = Status.CLOSED, now
    locked.passed, locked.tally = outcome.passed, outcome.as_dict()
    locked.save(update_fields=["status", "closed_at", "passed", "tally"])
    if outcome.passed and locked.effect:
        try:
            with transaction.atomic():  # a change that can no longer be made does not undo the outcome
                EFFECTS[locked.effect].apply(locked.group, dict(locked.effect_params))
        except ValidationError as exc:
            locked.effect_error = " ".join(exc.messages)[:300]
            locked.save(update_fields=["effect_error"])
        else:
            locked.effect_applied_at = now
            locked.save(update_fields=["effect_applied_at"])
    users = list(User.objects.filter(pk__in=locked.electorate.values("user_id")))
    transaction.on_commit(lambda: notices.closed(locked, users))
    return locked


@transaction.atomic
def withdraw(*, proposal: Proposal, user: User) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    if locked.status != Status.OPEN:
        raise ValidationError(_("Only an open proposal can be withdrawn."))
    coordinator = Membership.objects.filter(group=locked.group, user=user, role=Role.COORDINATOR).exists()
    if locked.author_id != user.pk and not coordinator:
        raise ValidationError(_("Only its author or a coordinator withdraws a proposal."))
    locked.status, locked.closed_at = Status.WITHDRAWN, timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    return locked


def close_due(*, now: datetime.datetime | None = None) -> int:
    """Close every open proposal whose closing time has come (the worker, every five minutes)."""
    now = now or timezone.now()
    closed = 0
    for pk in Proposal.objects.filter(status=Status.OPEN, closes_at__lte=now).values_list("pk", flat=True):
        close(proposal=Proposal(pk=pk), now=now)
        closed += 1
    return closed


def remind_due(*, now: datetime.datetime | None = None) -> int:
    """Remind the members who have not voted, once, `remind_hours` (group policy) before closing."""
    now = now or timezone.now()
    told = 0
    for proposal in Proposal.objects.filter(
        status=Status.OPEN, reminded=False, closes_at__gt=now
    ).select_related("group"):
        hours = policy_for(proposal.group).remind_hours
        if not hours or proposal.closes_at - datetime.timedelta(hours=hours) > now:
            continue
        with transaction.atomic():
            if not Proposal.objects.filter(pk=proposal.pk, reminded=False).update(reminded=True):
                continue
            waiting = list(
                User.objects.filter(
                    pk__in=Eligible.objects.filter(proposal=proposal, voted=False).values("user_id")
                )
            )
            Eligible.objects.filter(proposal=proposal, voted=False).update(reminded=True)
            transaction.on_commit(lambda p=proposal, w=waiting: notices.reminder(p, w))  # type: ignore[misc]
            told += len(waiting)
    return told
