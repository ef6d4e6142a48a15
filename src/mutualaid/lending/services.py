"""Writes for the lending library. Every change to who holds an item runs under the item's row lock
(`select_for_update`), so a request, a hand-over, a return or a cancellation sees the item's loans as
they are; the partial unique constraint on `Loan` is the last word if anything slips past.

Two taps: a member taps "Request"; the coordinator or lender taps "Lend" (hand-over) and "Returned".
A return or a cancellation passes the item to the next member on the waitlist and tells them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core import photos
from mutualaid.core.access import require_second_factor
from mutualaid.exchange.services import acts_as_coordinator
from mutualaid.groups.models import Group
from mutualaid.lending import notices
from mutualaid.lending.models import HOLDING_STATES, OPEN_STATES, Item, ItemCondition, Loan, LoanState, Repair
from mutualaid.members.models import Membership, Role, User


@dataclass
class ItemInput:
    name: str
    description: str = ""
    condition: str = ItemCondition.GOOD
    loan_days: int = 14
    own: bool = False  # the person adding it lends their own item and keeps ownership


def _text(value: str) -> str:
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32).strip()


def _is_member(user: User, group_id: int) -> bool:
    return bool(user.is_authenticated) and Membership.objects.filter(user=user, group_id=group_id).exists()


def can_manage(user: User, item: Item) -> bool:
    """A coordinator (with a second factor) or the item's own lender records hand-overs and changes it."""
    if not user.is_authenticated:
        return False
    if item.lender_id is not None and item.lender_id == user.pk and _is_member(user, item.group_id):
        return True
    return acts_as_coordinator(user, item.group_id)


def require_manager(user: User, item: Item) -> None:
    """Refuse anyone but the item's lender or a coordinator; a coordinator without a second factor is sent
    to set one up (THREATS.md property 11), not told they may not."""
    if can_manage(user, item):
        return
    if Membership.objects.filter(user=user, group_id=item.group_id, role=Role.COORDINATOR).exists():
        require_second_factor(user)
    raise PermissionDenied(_("Only a coordinator or the item's lender can do this."))


def _values(data: ItemInput) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    name = _text(data.name)
    if not name:
        errors["name"] = [_("Give the item a name.")]
    if data.condition not in ItemCondition.values:
        errors["condition"] = [_("Choose a condition from the list.")]
    if isinstance(data.loan_days, bool) or not 1 <= data.loan_days <= 365:
        errors["loan_days"] = [_("A loan lasts from 1 to 365 days.")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name[:100],
        "description": _text(data.description)[:1000],
        "condition": data.condition,
        "loan_days": data.loan_days,
    }


@transaction.atomic
def item_create(*, group: Group, actor: User, data: ItemInput) -> Item:
    """A member lends their own item through the group; a coordinator adds the group's own items."""
    if not _is_member(actor, group.pk):
        raise PermissionDenied
    if not data.own and not acts_as_coordinator(actor, group.pk):
        raise ValidationError(
            {"own": [_("Only coordinators add the group's own items; tick this box to lend your own.")]}
        )
    item = Item(group=group, lender=actor if data.own else None, **_values(data))
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_update(*, item: Item, actor: User, data: ItemInput) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    require_manager(actor, item)
    for key, value in _values(data).items():
        setattr(item, key, value)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_photo(*, item: Item, actor: User, photo: bytes | None) -> Item:
    """The coordinator or lender sets the item's photo (cleaned: JPEG, resized, no metadata) or, with
    no photo, removes it. A refused file raises ValidationError and the old photo stays."""
    try:
        cleaned = photos.sealed(photo)
    except photos.PhotoRefused as exc:
        raise ValidationError({"photo": [str(exc.message)]}) from None
    item = Item.objects.select_for_update().get(pk=item.pk)
    require_manager(actor, item)
    item.photo = cleaned
    item.save(update_fields=["photo"])
    return item


def _locked(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("group").get(pk=item.pk)


def _promote(item: Item) -> Loan | None:
    """Hold a free item for the first member on its waitlist (the caller holds the item's lock)."""
    if not item.in_circulation or Loan.objects.filter(item=item, state__in=HOLDING_STATES).exists():
        return None
    nxt = Loan.objects.filter(item=item, state=LoanState.WAITING).order_by("requested_at", "pk").first()
    if nxt is None:
        return None
    nxt.state = LoanState.READY
    nxt.ready_at = timezone.now()
    nxt.save(update_fields=["state", "ready_at"])
    transaction.on_commit(lambda: notices.ready(nxt))
    return nxt


@transaction.atomic
def request(*, item: Item, member: User) -> Loan:
    """A member asks for an item: held for them at once when it is free, else they join the waitlist."""
    item = _locked(item)
    if not _is_member(member, item.group_id):
        raise PermissionDenied
    if not item.in_circulation:
        raise ValidationError(_("This item is out of circulation for now."))
    if item.lender_id == member.pk:
        raise ValidationError(_("This is your own item."))
    if Loan.objects.filter(item=item, member=member, state__in=OPEN_STATES).exists():
        raise ValidationError(_("You have already asked for this item."))
    free = not Loan.objects.filter(item=item, state__in=HOLDING_STATES).exists()
    now = timezone.now()
    loan = Loan(
        item=item,
        member=member,
        state=LoanState.READY if free else LoanState.WAITING,
        requested_at=now,
        ready_at=now if free else None,
    )
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError as exc:  # only if the lock was bypassed: refuse rather than double-lend
        raise ValidationError(_("Someone else has just asked for this item. Try again.")) from exc
    return loan


def _loan_locked(loan: Loan) -> tuple[Item, Loan]:
    item = _locked(loan.item)
    return item, Loan.objects.select_related("member").get(pk=loan.pk)


@transaction.atomic
def cancel(*, loan: Loan, actor: User) -> Loan:
    """The member withdraws a waiting or held request (or a coordinator/lender does it for them)."""
    item, loan = _loan_locked(loan)
    if loan.member_id != actor.pk:
        require_manager(actor, item)
    if loan.state not in (LoanState.WAITING, LoanState.READY):
        raise ValidationError(_("Only a request that is waiting or held can be withdrawn."))
    loan.state = LoanState.CANCELLED
    loan.closed_at = timezone.now()
    loan.save(update_fields=["state", "closed_at"])
    _promote(item)
    return loan


@transaction.atomic
def lend(*, loan: Loan, actor: User) -> Loan:
    """Hand-over, one tap: the item held for a member goes out to them, due back in `loan_days`."""
    item, loan = _loan_locked(loan)
    require_manager(actor, item)
    if loan.state != LoanState.READY:
        raise ValidationError(_("Only an item held for this member can be handed over."))
    now = timezone.now()
    loan.state = LoanState.OUT
    loan.lent_at = now
    loan.lent_by = actor
    loan.due_on = timezone.localdate(now) + datetime.timedelta(days=item.loan_days)
    loan.save(update_fields=["state", "lent_at", "lent_by", "due_on"])
    return loan


@transaction.atomic
def give_back(*, loan: Loan, actor: User) -> Loan:
    """Return, one tap: the loan closes and the next member on the waitlist is told it is theirs."""
    item, loan = _loan_locked(loan)
    require_manager(actor, item)
    if loan.state != LoanState.OUT:
        raise ValidationError(_("This item is not on loan."))
    loan.state = LoanState.RETURNED
    loan.closed_at = timezone.now()
    loan.returned_to = actor
    loan.save(update_fields=["state", "closed_at", "returned_to"])
    _promote(item)
    return loan


@transaction.atomic
def set_circulation(*, item: Item, actor: User, in_circulation: bool) -> Item:
    """Take an item out of circulation (broken, lost, the lender wants it back) or put it back.

    Out of circulation: a hold that was waiting for pick-up goes back to the head of the waitlist
    (a loan already out stays out until returned). Back in: the first on the waitlist is told."""
    item = _locked(item)
    require_manager(actor, item)
    item.in_circulation = in_circulation
    item.save(update_fields=["in_circulation"])
    if in_circulation:
        _promote(item)
    else:
        Loan.objects.filter(item=item, state=LoanState.READY).update(state=LoanState.WAITING, ready_at=None)
    return item


@transaction.atomic
def repair_log(*, item: Item, actor: User, note: str, condition: str) -> Repair:
    item = _locked(item)
    require_manager(actor, item)
    errors: dict[str, list[str]] = {}
    note = _text(note)
    if not note:
        errors["note"] = [_("Say what was wrong or what was done.")]
    if condition not in ItemCondition.values:
        errors["condition"] = [_("Choose a condition from the list.")]
    if errors:
        raise ValidationError(errors)
    entry = Repair(item=item, note=note[:500], condition=condition, recorded_by=actor)
    entry.full_clean()
    entry.save()
    item.condition = condition
    item.save(update_fields=["condition"])
    return entry


def send_reminders(*, now: datetime.datetime | None = None, days_before: int = 2) -> tuple[int, int]:
    """Tell borrowers their loan is due in `days_before` days, and once the day after it was due.

    Each loan is claimed under a row lock and marked before the notice is queued, so two workers
    never tell the same person twice. Returns (told before, told after)."""
    today = timezone.localdate(now or timezone.now())
    before = after = 0
    soon = Loan.objects.filter(
        state=LoanState.OUT,
        reminded_before=False,
        due_on__lte=today + datetime.timedelta(days=days_before),
        due_on__gte=today,
    ).values_list("pk", flat=True)
    for pk in list(soon):
        with transaction.atomic():
            loan = (
                Loan.objects.select_for_update(of=("self",))
                .select_related("item__group", "member")
                .filter(pk=pk, reminded_before=False)
                .first()
            )
            if loan is None:
                continue
            loan.reminded_before = True
            loan.save(update_fields=["reminded_before"])
            notices.due_soon(loan)
            before += 1
    late = Loan.objects.filter(state=LoanState.OUT, reminded_after=False, due_on__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(late):
        with transaction.atomic():
            loan = (
                Loan.objects.select_for_update(of=("self",))
                .select_related("item__group", "member")
                .filter(pk=pk, reminded_after=False)
                .first()
            )
            if loan is None:
                continue
            loan.reminded_after = True
            loan.reminded_before = True
            loan.save(update_fields=["reminded_after", "reminded_before"])
            notices.overdue(loan)
            after += 1
    return before, after
