"""Writes about groups: creating them, their profile and areas, and first-run setup."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mutualaid.core.categories import category_codes, language_codes
from mutualaid.core.geo import normalise_name, valid_point
from mutualaid.core.models import SetupCode
from mutualaid.core.ratelimit import limit
from mutualaid.groups.models import Area, Group
from mutualaid.members import services as member_services
from mutualaid.members.models import Membership, Role, User

_POSTAL = re.compile(r"^[A-Za-z0-9 -]{2,12}$")


@dataclass
class GroupProfile:
    name: str
    slug: str = ""
    description: str = ""
    centre_lat: float | None = None
    centre_lon: float | None = None
    radius_km: float = 5.0
    postal_codes: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    contact: str = ""
    how_to_join: str = ""
    listed: bool = True
    accepts_requests: bool = False


def _clean_profile(profile: GroupProfile, *, instance: Group | None = None) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    name = profile.name.strip()
    if not name:
        errors["name"] = [_("Give the group a name.")]
    slug = (profile.slug or slugify(name))[:50]
    if not re.fullmatch(r"[a-z0-9-]{2,50}", slug or ""):
        errors["slug"] = [_("Use 2 to 50 lowercase letters, digits or dashes.")]
    elif Group.objects.filter(slug=slug).exclude(pk=getattr(instance, "pk", None)).exists():  # type: ignore[misc]  # no pk yet for a new group: excludes nothing
        errors["slug"] = [_("Another group already uses this short name.")]
    if (profile.centre_lat is None) != (profile.centre_lon is None):
        errors["centre_lat"] = [_("Give both latitude and longitude, or neither.")]
    elif profile.centre_lat is not None and not valid_point(profile.centre_lat, profile.centre_lon):  # type: ignore[arg-type]
        errors["centre_lat"] = [_("Latitude must be between -90 and 90 and longitude between -180 and 180.")]
    if not 0.1 <= profile.radius_km <= 500:
        errors["radius_km"] = [_("The radius must be between 0.1 and 500 km.")]
    postal = [p.strip().upper() for p in profile.postal_codes if p.strip()]
    if len(postal) > 200 or any(not _POSTAL.match(p) for p in postal):
        errors["postal_codes"] = [
            _("List postal codes separated by commas (letters, digits, spaces, dashes).")
        ]
    if set(profile.categories) - category_codes():
        errors["categories"] = [_("Choose categories from the list.")]
    if set(profile.languages) - language_codes():
        errors["languages"] = [_("Choose languages from the list.")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "slug": slug,
        "description": profile.description.strip(),
        "centre_lat": profile.centre_lat,
        "centre_lon": profile.centre_lon,
        "radius_km": profile.radius_km,
        "postal_codes": sorted(set(postal)),
        "categories": [c for c in category_codes() if c in profile.categories],
        "languages": sorted(set(profile.languages)),
        "contact": profile.contact.strip(),
        "how_to_join": profile.how_to_join.strip(),
        "listed": profile.listed,
        "accepts_requests": profile.accepts_requests,
    }


@transaction.atomic
def group_create(*, profile: GroupProfile, creator: User) -> Group:
    """Create a group with `creator` as its first coordinator."""
    group = Group(**_clean_profile(profile))
    group.full_clean()
    group.save()
    Membership.objects.create(user=creator, group=group, role=Role.COORDINATOR)
    return group


@transaction.atomic
def group_update(*, group: Group, profile: GroupProfile) -> Group:
    for key, value in _clean_profile(profile, instance=group).items():
        setattr(group, key, value)
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def area_add(*, group: Group, name: str, lat: float, lon: float, postal_code: str = "") -> Area:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Name the neighbourhood (at most 100 characters).")})
    if not valid_point(lat, lon):
        raise ValidationError(
            {"lat": _("Latitude must be between -90 and 90 and longitude between -180 and 180.")}
        )
    postal_code = postal_code.strip().upper()
    if postal_code and not _POSTAL.match(postal_code):
        raise ValidationError(
            {"postal_code": _("A postal code has 2 to 12 letters, digits, spaces or dashes.")}
        )
    if group.areas.count() >= 200:
        raise ValidationError(_("A group can name at most 200 neighbourhoods."))
    return Area.objects.create(
        group=group, name=name, name_key=normalise_name(name), lat=lat, lon=lon, postal_code=postal_code
    )


@transaction.atomic
def area_remove(*, area: Area) -> None:
    area.delete()


# First run -----------------------------------------------------------------------------------------


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


SETUP_CODE_LIFETIME = timedelta(hours=24)


def _new_setup_code() -> str:
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    SetupCode.objects.create(code_hash=_hash_code(code))
    return code


@transaction.atomic
def setup_code_issue() -> str | None:
    """A fresh one-time code for first-run setup (replacing any earlier one), or None when setup is done.

    `mutualaid setup-code` calls this; tests call it as the operator would."""
    if User.objects.exists():
        return None
    SetupCode.objects.filter(used_at__isnull=True).delete()
    return _new_setup_code()


@transaction.atomic
def setup_code_ensure() -> tuple[str | None, SetupCode | None]:
    """At a server's start: keep the install's one pending code, or issue one when there is none.

    Returns (new code, None) when a code was issued, (None, pending code) when an earlier start or
    `mutualaid setup-code` already issued one that is still valid (it is stored hashed, so it cannot be
    shown again), and (None, None) when setup is done. Several app servers and restarts therefore share
    one code instead of cancelling the one the operator is typing."""
    if User.objects.exists():
        return None, None
    now = timezone.now()
    SetupCode.objects.filter(used_at__isnull=True, created_at__lt=now - SETUP_CODE_LIFETIME).delete()
    pending = SetupCode.objects.filter(used_at__isnull=True).order_by("-created_at").first()
    if pending is not None:
        return None, pending
    return _new_setup_code(), None


def setup_complete(
    *, code: str, profile: GroupProfile, username: str, password: str, display_name: str, language: str
) -> tuple[User, Group]:
    """Create the first coordinator (who also operates the server) and the first group.

    Attempts are counted before the transaction, so wrong codes use up the install's setup attempts.
    """
    limit(scope="install", action="setup_attempt")
    return _setup_complete(
        code=code,
        profile=profile,
        username=username,
        password=password,
        display_name=display_name,
        language=language,
    )


@transaction.atomic
def _setup_complete(
    *, code: str, profile: GroupProfile, username: str, password: str, display_name: str, language: str
) -> tuple[User, Group]:
    now = timezone.now()
    used = SetupCode.objects.filter(
        code_hash=_hash_code(code), used_at__isnull=True, created_at__gte=now - SETUP_CODE_LIFETIME
    ).update(used_at=now)
    if not used or User.objects.exists():
        raise ValidationError(
            {
                "code": _(
                    "That setup code is not right. Use the latest code printed where the server started or by `mutualaid setup-code`."
                )
            }
        )
    user = member_services.user_create(
        username=username, password=password, display_name=display_name, language=language, is_staff=True
    )
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    group = group_create(profile=profile, creator=user)
    return user, group
