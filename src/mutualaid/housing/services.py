"""Writes for housing: a member offers a place; a coordinator proposes a stay for a housing need of the
board; the host agrees; a second coordinator confirms (the two-person rule); coordinators check in
during the stay and end it, which frees the offer again.

Every step on a stay locks the stay's row first and asks the pure state machine (`states.step`), so two
coordinators confirming at once, or one confirming while another cancels, resolve to one outcome.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core.categories import Category
from mutualaid.exchange import services as exchange
from mutualaid.exchange.models import ACTIVE_STATUSES, Kind, Post
from mutualaid.groups.models import Group
from mutualaid.housing import notices, states
from mutualaid.housing.models import CheckIn, Offer, OfferKind, Stay, StayState
from mutualaid.members.models import Membership, User

MAX_LEAD_DAYS = 365


@dataclass
class OfferInput:
    address: str
    kind: str = OfferKind.ROOM
    max_nights: int = 3
    who: str = ""
    accessibility: str = ""
    pets: str = ""
    languages: str = ""


def _text(value: str) -> str:
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32).strip()


def is_coordinator(user: User, group_id: int) -> bool:
    return bool(user.is_authenticated) and exchange.acts_as_coordinator(user, group_id)


def _require_coordinator(actor: User, group_id: int) -> None:
    if not is_coordinator(actor, group_id):
        raise PermissionDenied(_("Only coordinators can arrange stays."))


def offer_values(data: OfferInput) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    if data.kind not in OfferKind.values:
        errors["kind"] = [_("Choose a kind of place from the list.")]
    if isinstance(data.max_nights, bool) or not 1 <= data.max_nights <= 365:
        errors["max_nights"] = [_("The number of nights must be a whole number from 1 to 365.")]
    address = _text(data.address)
    if not address:
        errors["address"] = [_("Give the exact address (only the guest of an arranged stay sees it).")]
    if errors:
        raise ValidationError(errors)
    return {
        "kind": data.kind,
        "max_nights": data.max_nights,
        "who": _text(data.who),
        "accessibility": _text(data.accessibility),
        "pets": _text(data.pets),
        "languages": _text(data.languages),
        "address": address,
    }


@transaction.atomic
def offer_create(*, group: Group, host: User, data: OfferInput) -> Offer:
    """A member offers a place to stay; only coordinators and the host ever see it."""
    if not Membership.objects.filter(user=host, group=group).exists():
        raise PermissionDenied(_("Only members of the group can offer a place."))
    offer = Offer(group=group, host=host, **offer_values(data))
    offer.full_clean()
    offer.save()
    return offer


@transaction.atomic
def offer_withdraw(*, offer: Offer, actor: User) -> Offer:
    """The host (or a coordinator) stops offering the place; a live stay must be settled first."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if actor.pk != offer.host_id:
        _require_coordinator(actor, offer.group_id)
    if offer.stays.filter(state__in=(StayState.PROPOSED, StayState.CONFIRMED)).exists():
        raise ValidationError(_("This place has a stay proposed or arranged: cancel or end it first."))
    offer.active = False
    offer.save(update_fields=["active"])
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, actor: User, data: OfferInput) -> Offer:
    """The host (or a coordinator) edits the place's rules. The address cannot change while a stay is
    proposed or arranged: a guest told one address must not find another."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if actor.pk != offer.host_id and not is_coordinator(actor, offer.group_id):
        raise PermissionDenied(_("Only the host or a coordinator can edit this offer."))
    values = offer_values(data)
    if (
        values["address"] != (offer.address or "")
        and offer.stays.filter(state__in=(StayState.PROPOSED, StayState.CONFIRMED)).exists()
    ):
        raise ValidationError(
            {
                "address": [
                    _("A stay is proposed or arranged here: the address cannot change until it is over.")
                ]
            }
        )
    for name, value in values.items():
        setattr(offer, name, value)
    offer.full_clean()
    offer.save(update_fields=[*values])
    return offer


def housing_needs(group: Group) -> list[Post]:
    """Open housing needs of the group's board a stay can answer."""
    return list(
        Post.objects.filter(
            group=group, kind=Kind.NEED, category=Category.HOUSING, status__in=ACTIVE_STATUSES
        ).order_by("pk")
    )


@transaction.atomic
def stay_propose(
    *,
    offer: Offer,
    actor: User,
    need: Post,
    starts_on: datetime.date,
    ends_on: datetime.date,
    checkin_every_days: int = 2,
) -> Stay:
    """A coordinator proposes a stay at `offer` for the housing need `need`. The host is asked to agree
    and the other coordinators to confirm; nobody learns the address yet."""
    _require_coordinator(actor, offer.group_id)
    offer = Offer.objects.select_for_update().select_related("group").get(pk=offer.pk)
    errors: dict[str, list[str]] = {}
    if not offer.active:
        errors["offer"] = [_("This place is no longer offered.")]
    if need.group_id != offer.group_id or need.kind != Kind.NEED or need.category != Category.HOUSING:
        errors["need"] = [_("Choose a housing need of this group.")]
    elif need.status not in ACTIVE_STATUSES:
        errors["need"] = [_("This need is closed.")]
    elif need.author_id == offer.host_id:
        errors["need"] = [_("A host cannot be their own guest.")]
    today = timezone.localdate()
    if starts_on < today or starts_on > today + datetime.timedelta(days=MAX_LEAD_DAYS):
        errors["starts_on"] = [_("The first night must be from today to a year ahead.")]
    nights = (ends_on - starts_on).days
    if nights < 1:
        errors["ends_on"] = [_("The guest leaves at least one day after the first night.")]
    elif nights > offer.max_nights:
        errors["ends_on"] = [
            _("The host offers at most %(count)d nights at a time.") % {"count": offer.max_nights}
        ]
    if not 1 <= checkin_every_days <= 30:
        errors["checkin_every_days"] = [_("Check in every 1 to 30 days.")]
    if (
        "offer" not in errors
        and offer.stays.filter(state__in=(StayState.PROPOSED, StayState.CONFIRMED)).exists()
    ):
        errors["offer"] = [_("This place already has a stay proposed or arranged.")]
    if errors:
        raise ValidationError(errors)
    stay = Stay(
        offer=offer,
        need=need,
        guest_id=need.author_id,
        starts_on=starts_on,
        ends_on=ends_on,
        proposed_by=actor,
        checkin_every_days=checkin_every_days,
    )
    stay.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            stay.save()
    except IntegrityError as exc:
        raise ValidationError({"offer": [_("This place already has a stay proposed or arranged.")]}) from exc
    transaction.on_commit(lambda: notices.person(stay, offer.host, "housing_host_asked"))
    transaction.on_commit(lambda: notices.coordinators(stay, "housing_confirm_needed", but=actor.pk))
    return stay


_MESSAGES = {
    "final": lambda: _("This stay is over or cancelled."),
    "not_proposed": lambda: _("This stay is no longer waiting for that."),
    "host_not_agreed": lambda: _("The host has not agreed yet."),
    "same_coordinator": lambda: _("A second, different coordinator must confirm a stay."),
    "not_confirmed": lambda: _("This stay is not arranged."),
    "unknown": lambda: _("Unknown step."),
}


def _changed_message(stay: Stay) -> str:
    return _(
        "This stay changed while you were looking at it: it is now “%(state)s”. Nothing was done; "
        "look at it again and choose."
    ) % {"state": stay.get_state_display()}


def _facts(stay: Stay) -> states.Facts:
    return states.Facts(
        state=stay.state,
        proposed_by=stay.proposed_by_id,
        host_agreed=stay.host_agreed_at is not None,
        confirmed_by=stay.confirmed_by_id,
    )


@transaction.atomic
def stay_step(
    *,
    stay: Stay,
    actor: User,
    action: str,
    all_well: bool = True,
    note: str = "",
    seen: str | None = None,
) -> Stay:
    """Take one step on a stay, under the stay's row lock: agree/decline (the host), confirm, cancel,
    end, checkin (coordinators; the host may also cancel).

    `seen` is the state the actor's page showed. When given, the step applies only to that state: a
    cancel from a page that showed the stay proposed does not cancel a stay confirmed meanwhile, and a
    confirmation does not land on a stay cancelled meanwhile ("act only on what I saw")."""
    stay = Stay.objects.select_for_update().select_related("offer__group", "offer__host").get(pk=stay.pk)
    offer = stay.offer
    coordinator = is_coordinator(actor, offer.group_id)
    is_host = actor.pk == offer.host_id
    if action in (states.AGREE, states.DECLINE):
        if not is_host:
            raise PermissionDenied(_("Only the host answers a proposed stay."))
    elif action == states.CANCEL:
        if not (coordinator or is_host):
            raise PermissionDenied(_("Only coordinators or the host can cancel a stay."))
    elif not coordinator:
        raise PermissionDenied(_("Only coordinators can arrange stays."))
    if seen is not None and seen != stay.state:
        raise ValidationError(_changed_message(stay))
    try:
        after = states.step(_facts(stay), action, actor.pk)
    except states.IllegalStep as exc:
        raise ValidationError(_MESSAGES.get(exc.code, _MESSAGES["unknown"])()) from exc
    now = timezone.now()
    if action == states.AGREE:
        stay.host_agreed_at = now
    elif action == states.CONFIRM:
        stay.confirmed_by = actor
        stay.confirmed_at = now
    elif action == states.CHECKIN:
        checkin = CheckIn(stay=stay, recorded_by=actor, at=now, all_well=all_well, note=_text(note)[:500])
        checkin.full_clean()
        checkin.save()
        stay.last_checkin_at = now
        stay.reminded_at = None
    stay.state = after.state
    if after.state in (StayState.ENDED, StayState.CANCELLED):
        stay.closed_at = now
    stay.save()
    if action == states.CONFIRM:
        guest = stay.guest
        transaction.on_commit(lambda: notices.person(stay, guest, "housing_stay_arranged"))
        transaction.on_commit(lambda: notices.person(stay, offer.host, "housing_stay_arranged"))
    return stay


def checkin_due_at(stay: Stay) -> datetime.datetime:
    """When the next check-in is due: every N days from the start (or the last check-in)."""
    start = datetime.datetime.combine(
        stay.starts_on, datetime.time(12), tzinfo=timezone.get_current_timezone()
    )
    if stay.last_checkin_at is None or stay.last_checkin_at < start:
        return start
    return stay.last_checkin_at + datetime.timedelta(days=stay.checkin_every_days)


def remind_checkins(*, now: datetime.datetime | None = None) -> int:
    """Tell coordinators about arranged stays due a check-in (once per due check-in)."""
    now = now or timezone.now()
    told = 0
    stays = Stay.objects.filter(state=StayState.CONFIRMED, starts_on__lte=now.date()).select_related(
        "offer__group"
    )
    for stay in stays:
        due = checkin_due_at(stay)
        if due > now or (stay.reminded_at is not None and stay.reminded_at >= due):
            continue
        with transaction.atomic():
            updated = Stay.objects.filter(
                pk=stay.pk, state=StayState.CONFIRMED, reminded_at=stay.reminded_at
            ).update(reminded_at=now)
            if updated:
                told += notices.coordinators(stay, "housing_checkin_due")
    return told
