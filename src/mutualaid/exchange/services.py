"""Writes about needs and offers: posting, the life cycle, claims, conversations, expiry.

Every public function is one transaction with a history row for each state change. Transitions lock
the post row (`select_for_update`) and re-read its state, so two members acting at the same moment
are serialised by the database: exactly one claim wins (THREATS.md property 20).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core.access import SecondFactorRequired, coordinator_has_second_factor
from mutualaid.core.categories import category_codes, language_codes
from mutualaid.core.dates import in_range
from mutualaid.core.encryption import blind_index
from mutualaid.core.geo import (
    city_names_near,
    fold_name,
    haversine_km,
    nearest_city,
    normalise_name,
    resolve_place,
    snap,
    valid_point,
)
from mutualaid.core.speaking import join_list, speaking
from mutualaid.exchange import lifecycle, notices
from mutualaid.exchange.models import (
    ADDRESS_MAX,
    AREA_MAX,
    DETAILS_MAX,
    MESSAGE_MAX,
    QUANTITY_MAX,
    TITLE_MAX,
    UNIT_MAX,
    Claim,
    Contact,
    Kind,
    Message,
    Post,
    PostEvent,
    Status,
    Urgency,
    Visibility,
)
from mutualaid.groups.models import Area, Group
from mutualaid.members.models import Membership, Role, User

NOTE_MAX = 2000
NAME_MAX = 100
FLOOD_POSTS_PER_HOUR = 30


def need_expiry_days() -> int:
    return int(settings.MUTUALAID_NEED_EXPIRY_DAYS)


def reminder_days() -> int:
    return int(getattr(settings, "MUTUALAID_NEED_REMINDER_DAYS", 3))


class PostingFlood(PermissionDenied):
    """Too many posts from one account in the last hour (THREATS.md property 10)."""


@dataclass
class ContactInput:
    name: str = ""
    phone: str = ""
    email: str = ""
    note: str = ""
    household_size: int | None = None


@dataclass
class PostInput:
    kind: str
    category: str
    title: str
    details: str = ""
    quantity: int = 1
    unit: str = ""
    urgency: str = Urgency.FLEXIBLE
    window_start: datetime | None = None
    window_end: datetime | None = None
    recurring: bool = False
    languages: list[str] = field(default_factory=list)
    area: str = ""
    lat: float | None = None
    lon: float | None = None
    max_km: float | None = None
    address: str = ""
    private_note: str = ""
    visibility: str = Visibility.GROUP
    on_behalf: ContactInput | None = None
    # Where the poster cannot be asked again (an import row, a text message) and the area they gave
    # cannot be placed: set when that area is not passed on (SMS keeps it sealed in the note).
    unplaced: bool = False


@dataclass(frozen=True)
class Location:
    area: str
    cell: str
    lat: float | None
    lon: float | None


def _strip_controls(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()


def locate(group: Group, area: str, lat: float | None = None, lon: float | None = None) -> Location:
    """A coarse location: the group's named area or postal code, a gazetteer place, or a map point.

    Whatever is given, only the centre of its ~0.7 km² cell is kept. A map point's label is rounded to
    two decimals (about 1 km), never the point itself.
    """
    area = _strip_controls(area)
    if lat is not None and lon is not None:
        if not valid_point(lat, lon):
            raise ValidationError(
                {"area": _("Latitude must be between -90 and 90 and longitude between -180 and 180.")}
            )
        cell, clat, clon = snap(lat, lon)
        return Location(area[:AREA_MAX] or f"{clat:.2f}, {clon:.2f}", cell, clat, clon)
    if not area:
        return Location("", "", None, None)
    if len(area) > AREA_MAX:
        raise ValidationError({"area": _("Give the area in at most %(max)d characters.") % {"max": AREA_MAX}})
    key, upper = normalise_name(area), area.upper()
    found = Area.objects.filter(Q(name_key=key) | Q(postal_code=upper), group=group).first()
    if found is None:
        # Case, accents and spacing aside: "penalolen  alto" is the group's "Peñalolén Alto", "e8 1dy" its "E8 1DY".
        folded, postal = fold_name(area), _postal_key(area)
        found = next(
            (
                a
                for a in Area.objects.filter(group=group)
                if fold_name(a.name) == folded or (a.postal_code and _postal_key(a.postal_code) == postal)
            ),
            None,
        )
    if found is not None:
        cell, clat, clon = snap(found.lat, found.lon)
        return Location(found.name, cell, clat, clon)
    place = resolve_place(area)
    # A postal code the group lists as its service area is in it, even when the gazetteer does not know
    # it (outside the US), and so is the place the group is named after ("Crown Heights" in "Crown
    # Heights Mutual Aid"): the group's centre places them.
    if (
        place is None
        and group.centre_lat is not None
        and group.centre_lon is not None
        and (
            _postal_key(area) in {_postal_key(code) for code in group.postal_codes or []}
            or _names_group(group, area)
        )
    ):
        cell, clat, clon = snap(group.centre_lat, group.centre_lon)
        return Location(area, cell, clat, clon)
    if place is None:
        return Location(area, "", None, None)
    cell, clat, clon = snap(place.lat, place.lon)
    label = (
        f"{clat:.2f}, {clon:.2f}" if place.label.count(",") == 1 and place.label[0] in "-0123456789" else area
    )
    return Location(label, cell, clat, clon)


def _names_group(group: Group, area: str) -> bool:
    """Whether `area` is the group's own name, its address (slug), or the words its name begins with."""
    folded = fold_name(area)
    if not folded:
        return False
    name = fold_name(group.name)
    return folded in (name, fold_name(group.slug)) or name.startswith(folded + " ")


def area_name_near(group: Group, lat: float, lon: float, *, km: float = 3.0) -> str:
    """A coarse, readable name for a point, never the point itself: the nearest of the group's named
    areas or postal codes within `km`, else the nearest gazetteer city within 10 km, else ""."""
    best: tuple[float, str] | None = None
    for found in Area.objects.filter(group=group):
        distance = haversine_km(lat, lon, found.lat, found.lon)
        if distance <= km and (best is None or distance < best[0]):
            best = (distance, found.name)
    for code in group.postal_codes or []:
        place = resolve_place(code)
        if place is not None:
            distance = haversine_km(lat, lon, place.lat, place.lon)
            if distance <= km and (best is None or distance < best[0]):
                best = (distance, code)
    if best is not None:
        return best[1]
    return nearest_city(lat, lon, 10)


def place_or_centre(group: Group, area: str, *, unplaced: bool = False) -> tuple[Location, bool]:
    """Where nobody can be asked again (import, SMS): the area's place, or, when it cannot be placed
    (or `unplaced` says an area was given and not passed on), the group's centre with the flag set
    (True), so the post is never silently out of reach of matching and "nearest first"."""
    location = locate(group, area)
    if location.cell or not (area.strip() or unplaced):
        return location, False
    if group.centre_lat is None or group.centre_lon is None:
        return Location(location.area, "", None, None), True
    cell, clat, clon = snap(group.centre_lat, group.centre_lon)
    return Location(location.area, cell, clat, clon), True


def _postal_key(text: str) -> str:
    return re.sub(r"[\s-]+", "", text).upper()


def area_suggestions(group: Group, area: str) -> list[str]:
    """Known places spelt like `area`: the group's named areas and postal codes, nearby gazetteer cities."""
    known = {fold_name(a.name): a.name for a in Area.objects.filter(group=group)}
    known.update({_postal_key(code).casefold(): code for code in group.postal_codes or []})
    if group.centre_lat is not None and group.centre_lon is not None:
        for name in city_names_near(group.centre_lat, group.centre_lon, (group.radius_km or 0) + 10):
            known.setdefault(fold_name(name), name)
    close = difflib.get_close_matches(fold_name(area), list(known), n=3, cutoff=0.6)
    return [known[key] for key in close]


def area_check(*, group: Group, area: str, lat: float | None = None, lon: float | None = None) -> None:
    """On a form the poster can be asked again: an area that cannot be placed is a field error naming the
    nearest known names, never a post that is silently left out of matching."""
    if not area.strip() or (lat is not None and lon is not None) or locate(group, area).cell:
        return
    suggestions = area_suggestions(group, area)
    message = _("We could not place “%(area)s”.") % {"area": area.strip()}
    if suggestions:
        message += " " + _("Did you mean: %(names)s?") % {"names": join_list(suggestions)}
    else:
        message += " " + _("Give a neighbourhood of the group or a postal code.")
    raise ValidationError({"area": message})


def _clean(data: PostInput, group: Group, *, ask_area: bool = False) -> dict[str, object]:
    """The post's columns from what was sent, or a ValidationError naming every field that is wrong at
    once. ``ask_area``: the poster can be asked again (a form, the API), so an area that cannot be placed
    is one of those field errors (`area_check`) instead of a post flagged at the group's centre."""
    errors: dict[str, list[str]] = {}
    title = _strip_controls(data.title)
    details = _strip_controls(data.details)
    if data.kind not in Kind.values:
        errors["kind"] = [_("Choose need or offer.")]
    if data.category not in category_codes():
        errors["category"] = [_("Choose a category from the list.")]
    if not title:
        errors["title"] = [_("Give a short title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("The title can have at most %(max)d characters.") % {"max": TITLE_MAX}]
    if len(details) > DETAILS_MAX:
        errors["details"] = [_("The details can have at most %(max)d characters.") % {"max": DETAILS_MAX}]
    if (
        isinstance(data.quantity, bool)
        or not isinstance(data.quantity, int)
        or not 1 <= data.quantity <= QUANTITY_MAX
    ):
        errors["quantity"] = [
            _("The quantity must be a whole number from 1 to %(max)d.") % {"max": QUANTITY_MAX}
        ]
    unit = _strip_controls(data.unit)
    if len(unit) > UNIT_MAX:
        errors["unit"] = [_("The unit can have at most %(max)d characters.") % {"max": UNIT_MAX}]
    if data.urgency not in Urgency.values:
        errors["urgency"] = [_("Choose today, this week or flexible.")]
    if data.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose who can see it.")]
    start, end = data.window_start, data.window_end
    for name, value in (("window_start", start), ("window_end", end)):
        if value is not None and timezone.is_naive(value):
            errors[name] = [_("Give the time with a time zone.")]
        elif not in_range(value):
            errors[name] = [_("Give a time between the years 1900 and 2200.")]
    if start and end and not errors.get("window_start") and not errors.get("window_end") and end <= start:
        errors["window_end"] = [_("The end of the time window must be after its start.")]
    languages = list(dict.fromkeys(data.languages))
    if set(languages) - language_codes():
        errors["languages"] = [_("Choose languages from the list.")]
    if data.max_km is not None and not 0 < data.max_km <= 500:
        errors["max_km"] = [_("The distance must be between 0 and 500 km.")]
    address = _strip_controls(data.address)
    if len(address) > ADDRESS_MAX:
        errors["address"] = [_("The address can have at most %(max)d characters.") % {"max": ADDRESS_MAX}]
    note = _strip_controls(data.private_note)
    if len(note) > NOTE_MAX:
        errors["private_note"] = [_("The note can have at most %(max)d characters.") % {"max": NOTE_MAX}]
    unplaced = False
    location = Location("", "", None, None)
    try:
        if ask_area:
            area_check(group=group, area=data.area, lat=data.lat, lon=data.lon)
        if data.lat is not None and data.lon is not None:
            location = locate(group, data.area, data.lat, data.lon)
        else:
            # Forms and the API ask again first (area_check); what reaches here unplaced is flagged.
            location, unplaced = place_or_centre(group, data.area, unplaced=data.unplaced)
    except ValidationError as exc:
        errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return {
        "kind": data.kind,
        "category": data.category,
        "title": title,
        "details": details,
        "quantity": data.quantity,
        "unit": unit,
        "urgency": data.urgency,
        "window_start": start,
        "window_end": end,
        "recurring": bool(data.recurring),
        "languages": languages,
        "area": location.area,
        "cell": location.cell,
        "lat": location.lat,
        "lon": location.lon,
        "area_unplaced": unplaced,
        "max_km": data.max_km if data.kind == Kind.OFFER else None,
        "address": address,
        "private_note": note,
        "visibility": data.visibility,
    }


# A number written the North American way: (347) 555-0150, 347-555-0150, 347.555.0150, +1 347 555 0150.
NANP = re.compile(r"^\s*(?:\+?1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?[2-9]\d{2}[\s.-]?\d{4}\s*$")
NANP_WRITTEN = re.compile(
    r"^\s*(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-])[2-9]\d{2}[\s.-]\d{4}\s*$|^\s*\+1"
)


def neighbour_phone(phone: str) -> str:
    """A neighbour's number in one form: written the North American way, it gets +1 (the form SMS gateways
    send, so a neighbour taken in by hand is the same person when they text); anything else as typed."""
    if NANP_WRITTEN.match(phone) and NANP.match(phone):
        return "+1" + re.sub(r"\D", "", phone)[-10:]
    return phone


def clean_contact(contact: ContactInput) -> dict[str, object]:
    from mutualaid.members.services import normalise_email, normalise_phone

    errors: dict[str, list[str]] = {}
    name = _strip_controls(contact.name)
    if len(name) > NAME_MAX:
        errors["contact_name"] = [_("The name can have at most %(max)d characters.") % {"max": NAME_MAX}]
    phone = email = ""
    try:
        phone = normalise_phone(neighbour_phone(contact.phone))
    except ValidationError:
        errors["contact_phone"] = [_("Enter a phone number of 7 to 15 digits.")]
    try:
        email = normalise_email(contact.email)
    except ValidationError:
        errors["contact_email"] = [_("Enter a valid e-mail address.")]
    note = _strip_controls(contact.note)
    if len(note) > NOTE_MAX:
        errors["contact_note"] = [_("The note can have at most %(max)d characters.") % {"max": NOTE_MAX}]
    if contact.household_size is not None and not 1 <= contact.household_size <= 50:
        errors["household_size"] = [_("The household size must be from 1 to 50.")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "phone": phone,
        "phone_index": blind_index(phone, purpose="phone") if phone else "",
        "email": email,
        "note": note,
        "household_size": contact.household_size,
    }


def _event(post: Post, actor: User | None, action: str, before: str, after: str) -> None:
    PostEvent.objects.create(post=post, actor=actor, action=action, from_status=before, to_status=after)


def _membership(user: User, group_id: int) -> Membership:
    membership = Membership.objects.filter(user=user, group_id=group_id).first()
    if membership is None:
        raise PermissionDenied(_("Only members of the group can do that."))
    return membership


def acts_as_coordinator(user: User, group_id: int, membership: Membership | None = None) -> bool:
    """Coordinator powers need the role and a second factor (THREATS.md property 11).

    Pass the member's ``membership`` of the group when the caller already has it: no second lookup."""
    if membership is not None and membership.user_id == user.pk and membership.group_id == group_id:
        is_coordinator = membership.role == Role.COORDINATOR
    else:
        is_coordinator = Membership.objects.filter(
            user=user, group_id=group_id, role=Role.COORDINATOR
        ).exists()
    return is_coordinator and coordinator_has_second_factor(user)


@transaction.atomic
def post_create(*, group: Group, author: User, data: PostInput, ask_area: bool = False) -> Post:
    """Post a need or an offer. With `data.on_behalf`, the post is held for a neighbour (intake).
    ``ask_area``: refuse an area that cannot be placed, with the other field errors (see `_clean`)."""
    _membership(author, group.pk)
    # One author's posts are counted one at a time: the row lock on their account makes a second,
    # parallel post wait until this one is written, so a burst cannot slip past the limit together.
    list(User.objects.select_for_update().filter(pk=author.pk).values_list("pk", flat=True))
    hour_ago = timezone.now() - timedelta(hours=1)
    if (
        Post.objects.filter(author=author, created_at__gte=hour_ago, imported=False).count()
        >= FLOOD_POSTS_PER_HOUR
    ):
        raise PostingFlood(_("You posted a lot in the last hour. Please wait a little before posting again."))
    values = _clean(data, group, ask_area=ask_area)
    contact = None
    if data.on_behalf is not None:
        contact = Contact.objects.create(
            group=group,
            created_by=author,
            languages=values["languages"],
            source="intake",
            **clean_contact(data.on_behalf),
        )
    now = timezone.now()
    post = Post(group=group, author=author, contact=contact, created_at=now, updated_at=now, **values)
    if post.kind == Kind.NEED:
        post.expires_at = now + timedelta(days=need_expiry_days())
    post.full_clean()
    post.save()
    _event(post, author, "post", "", post.status)
    return post


def require_coordinator(user: User, group_id: int, message: str) -> None:
    """Coordinator powers, or PermissionDenied; a coordinator without a second factor is sent to set one up."""
    if not Membership.objects.filter(user=user, group_id=group_id, role=Role.COORDINATOR).exists():
        raise PermissionDenied(message)
    if not coordinator_has_second_factor(user):
        raise SecondFactorRequired


def may_edit(post: Post, user: User) -> bool:
    return post.author_id == user.pk or acts_as_coordinator(user, post.group_id)


def check_may_edit(post: Post, user: User) -> None:
    if post.author_id != user.pk:
        require_coordinator(user, post.group_id, _("Only the poster or a coordinator can edit this post."))


# What an edit may change: everything but the kind (claims were made on what it is) and the neighbour
# a post is held for (its own route, `contact_update`). The place is `area`, or `lat` with `lon`.
EDITABLE_FIELDS = (
    "category",
    "title",
    "details",
    "quantity",
    "unit",
    "urgency",
    "window_start",
    "window_end",
    "recurring",
    "languages",
    "area",
    "lat",
    "lon",
    "max_km",
    "address",
    "private_note",
    "visibility",
)
PLACE_FIELDS = frozenset({"area", "lat", "lon"})
_PLACE_COLUMNS = ("area", "cell", "lat", "lon", "area_unplaced")


def input_of(post: Post) -> PostInput:
    """What the post holds now, in the shape an edit sends (sealed fields read to be written back)."""
    return PostInput(
        kind=post.kind,
        category=post.category,
        title=post.title or "",
        details=post.details or "",
        quantity=post.quantity,
        unit=post.unit or "",
        urgency=post.urgency,
        window_start=post.window_start,
        window_end=post.window_end,
        recurring=post.recurring,
        languages=list(post.languages),
        area=post.area,
        lat=post.lat,
        lon=post.lon,
        max_km=post.max_km,
        address=post.address or "",
        private_note=post.private_note or "",
        visibility=post.visibility,
    )


@transaction.atomic
def post_update(*, post: Post, actor: User, data: PostInput, ask_area: bool = False) -> Post:
    """Edit a post that is not closed for good: its poster, or a coordinator (e.g. to publish an import).
    Every field is replaced by `data`'s (the form, the API's PUT); ``ask_area`` as for `post_create`."""
    post = _locked_editable(post, actor)
    keep_place = post.area_unplaced and not data.area.strip() and (data.lat is None or data.lon is None)
    # An edit that gives no place keeps the flagged one (the texter's words stay in the note).
    return _edit(post, actor, data, ask_area=ask_area, keep_place=keep_place)


@transaction.atomic
def post_change(*, post: Post, actor: User, changes: dict[str, object]) -> Post:
    """Change only the fields named in `changes` (the API's PATCH); the others stay exactly as they are.

    The place is one thing: `area` alone is looked up by name (any map point is dropped), `lat` with
    `lon` alone is a map point labelled by its coordinates; with neither, the place is kept as stored,
    flag included. Validation is the form's, every wrong field named at once."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    post = _locked_editable(post, actor)
    data = input_of(post)
    place_sent = PLACE_FIELDS & changes.keys()
    if place_sent:
        data.area = "" if "area" not in changes else data.area
        if not {"lat", "lon"} & place_sent:
            data.lat = data.lon = None
    else:
        data.area, data.lat, data.lon = "", None, None  # not looked up again: kept below
    for name, value in changes.items():
        setattr(data, name, value)
    ask_area = "area" in changes and data.area != post.area
    return _edit(post, actor, data, ask_area=ask_area, keep_place=not place_sent)


def _locked_editable(post: Post, actor: User) -> Post:
    post = _locked(post)
    check_may_edit(post, actor)
    if post.status in lifecycle.FINAL:
        raise ValidationError(_("A fulfilled or withdrawn post cannot be edited."))
    return post


def _edit(post: Post, actor: User, data: PostInput, *, ask_area: bool, keep_place: bool) -> Post:
    data.kind = post.kind  # a need stays a need: claims were made on what it is
    values = _clean(data, post.group, ask_area=ask_area)
    if keep_place:
        for key in _PLACE_COLUMNS:
            values[key] = getattr(post, key)
    for key, value in values.items():
        setattr(post, key, value)
    post.updated_at = timezone.now()
    post.full_clean()
    post.save()
    _event(post, actor, "edit", post.status, post.status)
    return post


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().get(pk=post.pk)


def _move(post: Post, actor: User | None, action: str) -> str:
    before = post.status
    try:
        after = lifecycle.next_state(before, action)
    except lifecycle.IllegalTransition:
        raise ValidationError(illegal_message(post, action)) from None
    now = timezone.now()
    post.status = after
    post.updated_at = now
    if after in lifecycle.CLOSED:
        post.closed_at = now
    elif before in lifecycle.CLOSED:
        post.closed_at = None
    if action == "renew" and post.kind == Kind.NEED:
        post.expires_at = now + timedelta(days=need_expiry_days())
        post.reminded_at = None
    post.save(update_fields=["status", "updated_at", "closed_at", "expires_at", "reminded_at"])
    _event(post, actor, action, before, after)
    post._previous_status = before  # type: ignore[attr-defined]
    return after


def action_label(action: str) -> str:
    return {
        "claim": _("claim"),
        "accept": _("accept a claim on"),
        "decline": _("decline a claim on"),
        "assign": _("assign"),
        "release": _("release"),
        "fulfil": _("mark as fulfilled"),
        "withdraw": _("withdraw"),
        "expire": _("expire"),
        "renew": _("renew"),
    }.get(action, action)


def illegal_message(post: Post, action: str) -> str:
    status = Status(post.status).label.lower()
    messages = {
        "claim": _("This post cannot be claimed: it is %(status)s."),
        "accept": _("There is no claim to answer: the post is %(status)s."),
        "decline": _("There is no claim to answer: the post is %(status)s."),
        "assign": _("Only open posts can be assigned; this one is %(status)s."),
        "release": _("There is no claim to release: the post is %(status)s."),
        "fulfil": _("Only a post in progress can be marked fulfilled; this one is %(status)s."),
        "withdraw": _("This post cannot be withdrawn: it is %(status)s."),
        "expire": _("Only open needs expire; this one is %(status)s."),
        "renew": _("This post cannot be renewed: it is %(status)s."),
    }
    return messages.get(action, _("This cannot be done now: the post is %(status)s.")) % {"status": status}


def _live_claim(post: Post) -> Claim | None:
    return Claim.objects.filter(post=post, state__in=Claim.LIVE).select_related("claimant").first()


@transaction.atomic
def claim_create(*, post: Post, claimant: User) -> Claim:
    """ "I can help" on a need, "I'd like this" on an offer. The poster then accepts or declines."""
    _membership(claimant, post.group_id)
    post = _locked(post)
    if post.author_id == claimant.pk:
        raise ValidationError(_("You cannot claim your own post."))
    _move(post, claimant, "claim")
    try:
        with transaction.atomic():
            claim = Claim.objects.create(post=post, claimant=claimant)
    except IntegrityError:
        # Only reachable if the row lock was bypassed; the constraint is the last line of defence.
        raise ValidationError(illegal_message(post, "claim")) from None
    notices.claim_made(claim)
    return claim


def _is_poster(post: Post, user: User) -> bool:
    return post.author_id == user.pk


@transaction.atomic
def claim_decide(*, claim: Claim, actor: User, accept: bool, tell: bool = True) -> Claim:
    """The poster (or a coordinator) accepts or declines a claim; the claimant is told unless ``tell`` is
    false (a delivery that pairs and fulfils the post in one step: "arrange the details" would come
    after the goods are at the door)."""
    post = _locked(claim.post)
    if not _is_poster(post, actor):
        require_coordinator(actor, post.group_id, _("Only the poster or a coordinator can answer a claim."))
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.state != Claim.State.PENDING:
        raise ValidationError(_("This claim was already answered."))
    _move(post, actor, "accept" if accept else "decline")
    claim.state = Claim.State.ACCEPTED if accept else Claim.State.DECLINED
    claim.decided_at = timezone.now()
    claim.save(update_fields=["state", "decided_at"])
    if tell:
        notices.claim_answered(claim)
    return claim


@transaction.atomic
def post_assign(*, post: Post, actor: User, claimant: User, tell: bool = True) -> Claim:
    """A coordinator pairs an open post with a member directly (the claim starts accepted); the member
    is told unless ``tell`` is false (see `claim_decide`)."""
    require_coordinator(actor, post.group_id, _("Only coordinators can assign."))
    if not Membership.objects.filter(user=claimant, group_id=post.group_id).exists():
        raise ValidationError({"member": _("Choose a member of the group.")})
    post = _locked(post)
    if post.author_id == claimant.pk:
        raise ValidationError({"member": _("A post cannot be assigned to its own poster.")})
    _move(post, actor, "assign")
    now = timezone.now()
    claim = Claim.objects.create(
        post=post, claimant=claimant, state=Claim.State.ACCEPTED, assigned_by=actor, decided_at=now
    )
    if tell:
        notices.claim_answered(claim)
    return claim


@transaction.atomic
def post_split(*, post: Post, actor: User, units: int) -> Post:
    """A coordinator splits ``units`` off an open post into a new open post (same author, place,
    window, age and encrypted fields); the original keeps the rest and stays open.

    Used when part of a need or offer is promised (e.g. a matching proposal for fewer units
    than the post holds): the part can then be assigned on its own while the rest stays open.
    """
    require_coordinator(actor, post.group_id, _("Only coordinators can split a post."))
    post = _locked(post)
    if post.status != Status.OPEN:
        raise ValidationError(illegal_message(post, "assign"))
    if isinstance(units, bool) or not 1 <= units < post.quantity:
        raise ValidationError({"units": _("Split from 1 to %(max)d units.") % {"max": post.quantity - 1}})
    now = timezone.now()
    part = Post.objects.get(pk=post.pk)  # a fresh copy of every field, encrypted ones included
    part.pk = None
    part.quantity = units
    part.updated_at = now
    part.save(force_insert=True)
    post.quantity -= units
    post.updated_at = now
    post.save(update_fields=["quantity", "updated_at"])
    _event(part, actor, "split", "", part.status)
    _event(post, actor, "split", post.status, post.status)
    return part


@transaction.atomic
def post_act(*, post: Post, actor: User, action: str) -> Post:
    """Release, fulfil, withdraw or renew; who may do what is checked here, legality by the state machine."""
    if action not in {"release", "fulfil", "withdraw", "renew"}:
        raise ValidationError(_("Unknown action."))
    post = _locked(post)
    claim = _live_claim(post)
    poster = _is_poster(post, actor)
    claimant = claim is not None and claim.claimant_id == actor.pk
    as_side = {
        "release": claimant,
        "fulfil": poster or claimant,
        "withdraw": poster,
        "renew": poster,
    }[action]
    if not as_side:
        require_coordinator(
            actor, post.group_id, _("You cannot %(action)s this post.") % {"action": action_label(action)}
        )
    _move(post, actor, action)
    if claim is not None and action != "renew":
        claim.state = {
            "release": Claim.State.RELEASED,
            "fulfil": Claim.State.DONE,
            "withdraw": Claim.State.CANCELLED,
        }[action]
        claim.save(update_fields=["state"])
    return post


def author_forget(*, user: User) -> None:
    """A member deleted their account: what they posted stays, without what could find them.

    Their own posts lose the exact address and the private note; the ones still live are withdrawn
    (nobody is left to answer a claim), with the live claim on them cancelled. Their live claims on
    other people's posts are released, so a neighbour's need they had promised to meet opens again.
    Posts they took in for a neighbour stay as they are: the need and its details are the neighbour's.
    Runs inside the account deletion's transaction (members.services.account_delete).
    """
    live = (lifecycle.OPEN, lifecycle.CLAIMED, lifecycle.IN_PROGRESS)
    own = Post.objects.select_for_update().filter(author=user, contact__isnull=True)
    for post in own.filter(status__in=live).order_by("pk"):
        claim = _live_claim(post)
        _move(post, None, "withdraw")
        if claim is not None:
            claim.state = Claim.State.CANCELLED
            claim.save(update_fields=["state"])
    for post in own.exclude(address="", private_note="").order_by("pk"):
        post.address = post.private_note = ""
        post.save(update_fields=["address", "private_note"])
    for claim in Claim.objects.filter(claimant=user, state__in=Claim.LIVE).order_by("pk"):
        post = _locked(claim.post)
        _move(post, None, "release")
        claim.state = Claim.State.RELEASED
        claim.save(update_fields=["state"])


def posts_expire(*, now: datetime | None = None) -> tuple[int, int]:
    """Remind posters of needs about to expire, then expire open needs past their date.

    Returns (reminded, expired). Run daily by the worker or `mutualaid expire_needs`.
    """
    now = now or timezone.now()
    reminded = 0
    soon = now + timedelta(days=reminder_days())
    with transaction.atomic():
        for post in Post.objects.select_for_update().filter(
            kind=Kind.NEED,
            status=Status.OPEN,
            reminded_at__isnull=True,
            expires_at__lte=soon,
            expires_at__gt=now,
        ):
            post.reminded_at = now
            post.save(update_fields=["reminded_at"])
            notices.tell(user=post.author, kind="reminder", post=post)
            PostEvent.objects.create(
                post=post, actor=None, action="remind", from_status=post.status, to_status=post.status
            )
            reminded += 1
    expired = 0
    for pk in Post.objects.filter(kind=Kind.NEED, status=Status.OPEN, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            post = Post.objects.select_for_update().get(pk=pk)
            if post.status == Status.OPEN and post.expires_at and post.expires_at <= now:
                _move(post, None, "expire")
                expired += 1
    return reminded, expired


def conversation_members(claim: Claim) -> set[int]:
    """Who can read and write a claim's conversation: both sides, and coordinators once invited."""
    ids = {claim.claimant_id}
    if claim.post.author_id:
        ids.add(claim.post.author_id)
    return ids


def can_join_conversation(claim: Claim, user: User) -> bool:
    if user.pk in conversation_members(claim):
        return True
    return claim.coordinators_invited and acts_as_coordinator(user, claim.post.group_id)


@transaction.atomic
def message_send(*, claim: Claim, author: User, body: str) -> Message:
    if not can_join_conversation(claim, author):
        raise PermissionDenied(_("You are not part of this conversation."))
    if claim.state not in Claim.LIVE and claim.state != Claim.State.DONE:
        raise ValidationError({"body": _("This conversation is closed.")})
    body = _strip_controls(body)
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MESSAGE_MAX:
        raise ValidationError(
            {"body": _("A message can have at most %(max)d characters.") % {"max": MESSAGE_MAX}}
        )
    message = Message.objects.create(claim=claim, author=author, body=body)
    url = reverse(
        "exchange_conversation",
        kwargs={"slug": claim.post.group.slug, "post_id": claim.post_id, "claim_id": claim.pk},
    )
    for user_id in conversation_members(claim) - {author.pk}:
        notices.tell(
            user=User.objects.filter(pk=user_id).first(),
            kind="message",
            post=claim.post,
            name=author.display_name,
            url=url,
        )
    return message


@transaction.atomic
def message_from_neighbour(*, claim: Claim, body: str) -> Message:
    """The neighbour a post is held for answers in its claim's conversation (by text message, relayed
    by the channels app): kept sealed like every message, and the members in the conversation are told."""
    if claim.post.contact_id is None:
        raise ValidationError(_("This post is not held for a neighbour."))
    body = _strip_controls(body)[:MESSAGE_MAX]
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    message = Message.objects.create(claim=claim, author=None, from_neighbour=True, body=body)
    url = notices.conversation_url(claim)
    for user in User.objects.filter(pk__in=conversation_members(claim), is_active=True).order_by("pk"):
        with speaking(user.language):
            name = _("The neighbour who texted")
        notices.tell(user=user, kind="message", post=claim.post, name=name, url=url)
    return message


@transaction.atomic
def post_note_from_neighbour(*, post: Post, text: str) -> Post:
    """The neighbour a post is held for adds words while nobody has taken it up (by text message): kept
    with what they wrote (the sealed note, shown to whoever claims it and to coordinators)."""
    post = _locked(post)
    if post.contact_id is None:
        raise ValidationError(_("This post is not held for a neighbour."))
    text = _strip_controls(text)
    if text:
        note = (post.private_note or "").rstrip()
        post.private_note = ((note + "\n" if note else "") + text)[:NOTE_MAX]
        post.updated_at = timezone.now()
        post.save(update_fields=["private_note", "updated_at"])
    return post


@transaction.atomic
def conversation_invite_coordinators(*, claim: Claim, actor: User) -> Claim:
    if actor.pk not in conversation_members(claim):
        raise PermissionDenied(_("Only the two sides can invite coordinators."))
    claim.coordinators_invited = True
    claim.save(update_fields=["coordinators_invited"])
    return claim


def may_edit_contact(post: Post, user: User) -> bool:
    """The neighbour a post is held for: the member who took them in, or a coordinator (second factor)."""
    return post.contact_id is not None and (
        post.author_id == user.pk or acts_as_coordinator(user, post.group_id)
    )


@transaction.atomic
def contact_update(*, post: Post, actor: User, data: ContactInput) -> Contact:
    """Correct the private details of the neighbour a post is held for (a new phone number, a misspelt name).

    The details stay encrypted; the change is recorded in the post's history (who and when, never what).
    A neighbour who reached the group by SMS keeps the number their texts come from: the phone belongs to
    the SMS channel, and changing it here would cut the thread between their texts and their posts.
    """
    post = _locked(post)
    if post.contact_id is None:
        raise ValidationError(_("This post is not held for a neighbour."))
    if post.author_id != actor.pk:
        require_coordinator(
            actor,
            post.group_id,
            _("Only the member who took the neighbour in or a coordinator can change their details."),
        )
    contact = Contact.objects.select_for_update().get(pk=post.contact_id)
    values = clean_contact(data)
    if contact.source == "sms":
        values.pop("phone")
        values.pop("phone_index")
    for key, value in values.items():
        setattr(contact, key, value)
    contact.save()
    _event(post, actor, "contact_edit", post.status, post.status)
    return contact


# Neighbours who reach the group without an account (SMS) -------------------------------------------


def contact_for_phone_index(*, group: Group, phone_index: str, language: str = "") -> Contact:
    """The group's neighbour with this phone blind index, taken in once and found again afterwards.

    Only the blind index is kept here: the number itself is sealed once, by the channel that talks to
    the neighbour (channels.Contact). A neighbour a coordinator already took in with the same number is
    reused, so one person has one record on the board.
    """
    found = Contact.objects.filter(group=group, phone_index=phone_index).order_by("pk").first()
    if found is None:
        found = Contact.objects.create(
            group=group, phone_index=phone_index, languages=[language] if language else [], source="sms"
        )
    return found


@transaction.atomic
def post_create_for_contact(*, group: Group, contact: Contact, data: PostInput) -> Post:
    """Put a neighbour's need or offer on the board when it arrives without a member (e.g. by SMS).

    There is no author: coordinators act on it, and the neighbour renews or withdraws it through
    `post_act_for_contact`. Needs expire like every other need.
    """
    if contact.group_id != group.pk:
        raise ValidationError(_("This neighbour belongs to another group."))
    values = _clean(data, group)
    now = timezone.now()
    post = Post(group=group, author=None, contact=contact, created_at=now, updated_at=now, **values)
    if post.kind == Kind.NEED:
        post.expires_at = now + timedelta(days=need_expiry_days())
    post.full_clean(exclude=["author"])  # no author by design (the field is blank=False for members' posts)
    post.save()
    _event(post, None, "post", "", post.status)
    return post


@transaction.atomic
def post_act_for_contact(*, post: Post, contact: Contact, action: str, actor: User | None = None) -> Post:
    """The neighbour a post is held for renews or withdraws it (by SMS); `actor` is a coordinator acting
    for them, if any, and is recorded in the history."""
    if action not in {"renew", "withdraw"}:
        raise ValidationError(_("Unknown action."))
    post = _locked(post)
    if post.contact_id != contact.pk:
        raise PermissionDenied(_("You cannot %(action)s this post.") % {"action": action_label(action)})
    claim = _live_claim(post)
    _move(post, actor, action)
    if claim is not None and action == "withdraw":
        claim.state = Claim.State.CANCELLED
        claim.save(update_fields=["state"])
    return post
