"""Writes for hubs: coordinators set up hubs and their closures; anyone (members, and passers-by for
public hubs) files condition reports; an empty hub puts one restock need on the board.

Restock needs go through exchange's services, held for a neighbour record of the hub (a hub posts
without a member), so members claim them like every other need and coordinators answer the claims.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core import photos, proofofwork, ratelimit
from mutualaid.core.access import require_second_factor
from mutualaid.core.categories import category_codes
from mutualaid.core.geo import cell_centre, parse_coordinates, snap
from mutualaid.exchange import services as exchange
from mutualaid.exchange.models import ACTIVE_STATUSES, Contact, Kind, Post
from mutualaid.groups.models import Group
from mutualaid.hubs import hours as opening
from mutualaid.hubs import notices
from mutualaid.hubs.models import (
    Closure,
    Condition,
    FoodLevel,
    Hub,
    HubKind,
    Movement,
    MovementKind,
    PointedOffer,
    Report,
    StockItem,
)
from mutualaid.members.models import Membership, Role, User

# Passers-by have no account to count against (and no address is ever seen): anonymous reports are
# counted per hub and across the install instead. Overridable with MUTUALAID_RATE_<ACTION>.
ANONYMOUS_PER_HUB = "20/h"
ANONYMOUS_INSTALL = "600/h"
MEMBER_REPORTS = "60/h"
NOTE_MAX = 280


@dataclass
class HubInput:
    name: str
    kind: str = HubKind.FRIDGE
    public: bool = True
    address: str = ""
    area: str = ""
    hours: str = ""
    accessibility: str = ""
    takes: str = ""
    refuses: str = ""
    restock_category: str = "food"
    restock_quantity: int = 1
    restock_unit: str = ""
    active: bool = True


def _text(value: str) -> str:
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32).strip()


def _require_coordinator(actor: User, group_id: int) -> None:
    if not Membership.objects.filter(user=actor, group_id=group_id, role=Role.COORDINATOR).exists():
        raise PermissionDenied(_("Only coordinators can change hubs."))
    require_second_factor(actor)  # like every coordinator action (THREATS.md property 11)


def hub_values(group: Group, data: HubInput) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    name = _text(data.name)
    if not name:
        errors["name"] = [_("Give the hub a name.")]
    if data.kind not in HubKind.values:
        errors["kind"] = [_("Choose a kind of hub from the list.")]
    if data.restock_category not in category_codes():
        errors["restock_category"] = [_("Choose a category from the list.")]
    if isinstance(data.restock_quantity, bool) or not 1 <= data.restock_quantity <= 1000:
        errors["restock_quantity"] = [_("The quantity must be a whole number from 1 to 1000.")]
    try:
        week = opening.parse(data.hours)
    except opening.HoursError as exc:
        week = {}
        errors["hours"] = [
            _('Line %(line)d ("%(text)s") is not understood. Write e.g. "mon-fri 09:00-18:00".')
            % {"line": exc.line, "text": exc.text}
        ]
    address = _text(data.address)
    area = _text(data.area)
    point = parse_coordinates(area)
    location = None
    if point is None and area:
        try:
            location = exchange.locate(group, area)
        except ValidationError as exc:
            errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    lat: float | None
    lon: float | None
    if point is not None:
        cell, clat, clon = snap(point.lat, point.lon)
        # A public hub is a public place: its own point is kept; a members-only one keeps its cell's centre.
        lat, lon = (round(point.lat, 5), round(point.lon, 5)) if data.public else (clat, clon)
        # Its label is a neighbourhood or postal code people know, not the point (board, route sheets).
        area_label = exchange.area_name_near(group, clat, clon) or f"{clat:.2f}, {clon:.2f}"
    elif location is not None and location.cell:
        cell, lat, lon, area_label = location.cell, location.lat, location.lon, location.area
    else:
        cell, lat, lon, area_label = "", None, None, area
    return {
        "name": name,
        "kind": data.kind,
        "public": bool(data.public),
        "street_address": address if data.public else "",
        "sealed_address": "" if data.public else address,
        "area": area_label[:80],
        "cell": cell,
        "lat": lat,
        "lon": lon,
        "hours": week,
        "accessibility": _text(data.accessibility),
        "takes": _text(data.takes),
        "refuses": _text(data.refuses),
        "restock_category": data.restock_category,
        "restock_quantity": data.restock_quantity,
        "restock_unit": _text(data.restock_unit),
        "active": bool(data.active),
    }


@transaction.atomic
def hub_create(*, group: Group, actor: User, data: HubInput) -> Hub:
    """A coordinator sets up a hub (a public one is findable by everyone at once)."""
    _require_coordinator(actor, group.pk)
    hub = Hub(group=group, **hub_values(group, data))
    hub.full_clean()
    hub.save()
    return hub


@transaction.atomic
def hub_update(*, hub: Hub, actor: User, data: HubInput) -> Hub:
    _require_coordinator(actor, hub.group_id)
    hub = Hub.objects.select_for_update().select_related("group").get(pk=hub.pk)
    for name, value in hub_values(hub.group, data).items():
        setattr(hub, name, value)
    hub.full_clean()
    hub.save()
    return hub


@transaction.atomic
def closure_add(
    *,
    hub: Hub,
    actor: User,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    hours: str = "",
    reason: str = "",
) -> Closure:
    """A holiday or a closure: closed on those days, or open other hours (`hours`, e.g. "10:00-14:00")."""
    _require_coordinator(actor, hub.group_id)
    ends_on = ends_on or starts_on
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = [_("The last day must be on or after the first.")]
    elif (ends_on - starts_on).days > 366:
        errors["ends_on"] = [_("A closure lasts at most a year.")]
    try:
        ranges = opening.parse_ranges(hours)
    except ValueError:
        ranges = []
        errors["hours"] = [_('Write the hours like "10:00-14:00", or leave them empty for closed.')]
    if errors:
        raise ValidationError(errors)
    closure = Closure(hub=hub, starts_on=starts_on, ends_on=ends_on, hours=ranges, reason=_text(reason))
    closure.full_clean()
    closure.save()
    return closure


@transaction.atomic
def closure_remove(*, closure: Closure, actor: User) -> None:
    _require_coordinator(actor, closure.hub.group_id)
    closure.delete()


def report_limits(*, hub: Hub, member: User | None, proof: tuple[str, str] | None = None) -> None:
    """Count one report against the limits; RateLimited when over. Called outside a transaction, so
    refused attempts count too (what stops a flood). An anonymous report with a valid proof of work
    (the form's challenge for this hub, answered by the browser) counts against the larger proved pools
    instead, so one flooding source cannot silence a hub for everyone (`core.proofofwork`)."""
    if member is not None:
        ratelimit.limit(action="hub_report_member", user=member, rate=MEMBER_REPORTS)
        return
    scope = f"hub:{hub.pk}"
    proved = proof is not None and proofofwork.verify(*proof, action="hub_report_anonymous", scope=scope)
    proofofwork.count(action="hub_report_anonymous", scope=scope, rate=ANONYMOUS_PER_HUB, proved=proved)
    proofofwork.count(action="hub_report_install", scope="install", rate=ANONYMOUS_INSTALL, proved=proved)


def report_challenge(hub: Hub) -> str:
    """The proof-of-work challenge an anonymous report form carries."""
    return proofofwork.challenge("hub_report_anonymous", f"hub:{hub.pk}", ANONYMOUS_PER_HUB)


def report_create(
    *,
    hub: Hub,
    condition: str,
    food_level: int,
    note: str = "",
    photo: bytes | None = None,
    member: User | None = None,
    proof: tuple[str, str] | None = None,
) -> Report:
    """File what someone found at a hub. Passers-by may report on public hubs only; members on the
    hubs of their group. An empty hub gets one restock need on the board (see `restock_ensure`).

    The photo is cleaned (metadata stripped, resized) before anything is stored; a refused photo
    raises ValidationError and nothing is written.
    """
    errors: dict[str, list[str]] = {}
    if condition not in Condition.values:
        errors["condition"] = [_("Choose what you found.")]
    if isinstance(food_level, bool) or food_level not in FoodLevel.values:
        errors["food_level"] = [_("Choose how full it is.")]
    note = _text(note)
    if len(note) > NOTE_MAX:
        errors["note"] = [_("The note can have at most %(max)d characters.") % {"max": NOTE_MAX}]
    cleaned = ""
    if photo:
        try:
            cleaned = photos.to_text(photos.clean(photo))
        except photos.PhotoRefused as exc:
            errors["photo"] = [str(exc.message)]
    if errors:
        raise ValidationError(errors)
    if member is None and not hub.public:
        raise PermissionDenied(_("Only members of the group can report on this hub."))
    if (
        member is not None
        and not hub.public
        and not Membership.objects.filter(user=member, group_id=hub.group_id).exists()
    ):
        raise PermissionDenied(_("Only members of the group can report on this hub."))
    if not hub.active:
        raise ValidationError(_("This hub is no longer in use."))
    report_limits(hub=hub, member=member, proof=proof)
    with transaction.atomic():
        # The hub's row lock orders reports of one hub: the latest report and the single open restock
        # need are decided one report at a time, even when two phones report "empty" at once.
        locked = Hub.objects.select_for_update().select_related("group").get(pk=hub.pk)
        report = Report(
            hub=locked,
            condition=condition,
            food_level=food_level,
            note=note,
            photo=cleaned,
            by_member=member is not None,
            created_at=timezone.now(),
        )
        report.full_clean()
        report.save()
        locked.last_report_at = report.created_at
        locked.last_condition = condition
        locked.last_food_level = food_level
        locked.save(update_fields=["last_report_at", "last_condition", "last_food_level"])
        if food_level == FoodLevel.EMPTY and condition != Condition.NOT_THERE:
            restock_ensure(hub=locked)
    return report


def _restock_contact(hub: Hub) -> Contact:
    if hub.restock_contact_id is not None:
        return hub.restock_contact  # type: ignore[return-value]
    contact = Contact.objects.create(group_id=hub.group_id, name=hub.name or "", source="hub")
    hub.restock_contact = contact
    hub.save(update_fields=["restock_contact"])
    return contact


def _area_name(hub: Hub) -> str:
    """The restock need's area: the hub's named area; a hub saved with a map point as its area (before
    hubs were named by their neighbourhood) is given the nearest known name, never raw coordinates."""
    if not hub.cell:
        return ""
    if parse_coordinates(hub.area) is None:
        return hub.area
    lat, lon = cell_centre(hub.cell)
    return exchange.area_name_near(hub.group, lat, lon)


def restock_ensure(*, hub: Hub) -> Post | None:
    """One open restock need per hub: post one unless the hub's last one is still on the board.

    Runs inside the caller's transaction with the hub's row locked (so two reports cannot both post).
    Returns the new need, or None when one is already active.
    """
    current = hub.restock_post
    if current is not None and current.is_active:
        return None
    title = _("Restock %(hub)s") % {"hub": hub.name}
    post = exchange.post_create_for_contact(
        group=hub.group,
        contact=_restock_contact(hub),
        data=exchange.PostInput(
            kind=Kind.NEED,
            category=hub.restock_category,
            title=title[:120],
            # What the hub takes, in the coordinators' own words (stored text is not re-translated).
            details=(hub.takes or "")[:2000],
            quantity=hub.restock_quantity,
            unit=hub.restock_unit or "",
            area=_area_name(hub),
            lat=hub.lat if hub.public else None,
            lon=hub.lon if hub.public else None,
        ),
    )
    hub.restock_post = post
    hub.save(update_fields=["restock_post"])
    return post


# Stock (pantries, optional) ---------------------------------------------------------------------


def _member_of(actor: User, group_id: int) -> None:
    if not Membership.objects.filter(user=actor, group_id=group_id).exists():
        raise PermissionDenied(_("Only members of the group can record stock."))


@transaction.atomic
def stock_item_create(*, hub: Hub, actor: User, name: str, unit: str = "", low_at: int = 0) -> StockItem:
    """A coordinator adds an item a hub keeps; its stock starts at 0 (record what is there as "in")."""
    _require_coordinator(actor, hub.group_id)
    item = StockItem(hub=hub, name=_text(name), unit=_text(unit), low_at=low_at)
    item.full_clean()
    item.save()
    return item


def _move(item: StockItem, actor: User, kind: str, change: int) -> Movement:
    before = item.quantity
    item.quantity = before + change
    item.save(update_fields=["quantity"])
    movement = Movement(item=item, kind=kind, change=change, quantity_after=item.quantity, recorded_by=actor)
    movement.full_clean()
    movement.save()
    if item.low_at and before >= item.low_at > item.quantity:
        transaction.on_commit(lambda: notices.low_stock(item))
    return movement


@transaction.atomic
def movement_record(*, item: StockItem, actor: User, kind: str, amount: int) -> Movement:
    """Stock in or out, recorded by a member (never who received it). Out cannot go below zero."""
    _member_of(actor, item.hub.group_id)
    if kind not in (MovementKind.IN, MovementKind.OUT):
        raise ValidationError({"kind": _("Choose in or out.")})
    if isinstance(amount, bool) or not 1 <= amount <= 100_000:
        raise ValidationError({"amount": _("The amount must be a whole number from 1 to 100000.")})
    item = StockItem.objects.select_for_update().select_related("hub__group").get(pk=item.pk)
    if kind == MovementKind.OUT and amount > item.quantity:
        raise ValidationError({"amount": _("Only %(quantity)d left.") % {"quantity": item.quantity}})
    return _move(item, actor, kind, amount if kind == MovementKind.IN else -amount)


@transaction.atomic
def count_record(*, hub: Hub, actor: User, counts: dict[int, int]) -> list[Movement]:
    """A count of the shelves: each item whose count differs gets a correcting movement."""
    _member_of(actor, hub.group_id)
    if any(isinstance(n, bool) or not 0 <= n <= 1_000_000 for n in counts.values()):
        raise ValidationError(_("A count is a whole number from 0."))
    items = StockItem.objects.select_for_update().select_related("hub__group").filter(hub=hub, pk__in=counts)
    moved = []
    for item in items:
        change = counts[item.pk] - item.quantity
        if change:
            moved.append(_move(item, actor, MovementKind.COUNT, change))
    return moved


def offer_point(*, hub: Hub, post: Post, actor: User) -> PointedOffer:
    """Point one of `actor`'s active offers at a hub of the offer's group ("I'll bring it to the fridge").
    An offer points at one hub at a time: pointing it at another moves it."""
    if post.author_id != actor.pk:
        raise PermissionDenied(_("Only the person who offered it can point it at a hub."))
    if not Membership.objects.filter(user=actor, group_id=hub.group_id).exists():
        raise PermissionDenied
    if post.kind != Kind.OFFER or post.group_id != hub.group_id:
        raise ValidationError({"post": _("Choose one of your offers in this group.")})
    if post.status not in ACTIVE_STATUSES:
        raise ValidationError(
            {"post": _("This offer is closed: only an open offer can be brought to a hub.")}
        )
    if not hub.active:
        raise ValidationError({"post": _("This hub is not in use at the moment.")})
    with transaction.atomic():
        pointed, _created = PointedOffer.objects.update_or_create(
            post=post, defaults={"hub": hub, "created_at": timezone.now()}
        )
    return pointed


def offer_unpoint(*, hub: Hub, post: Post, actor: User) -> None:
    """The offer is no longer meant for this hub (its author or a coordinator says so)."""
    is_author = post.author_id == actor.pk
    if not is_author:
        membership = Membership.objects.filter(user=actor, group_id=hub.group_id).first()
        if membership is None or membership.role != Role.COORDINATOR:
            raise PermissionDenied
        require_second_factor(actor)
    PointedOffer.objects.filter(hub=hub, post=post).delete()
