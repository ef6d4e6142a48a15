"""Access rows for housing: offers exist only for their host and the group's coordinators, stays only
for those and their guest; everyone else (members of the group included) gets 404."""

from __future__ import annotations

import datetime
from typing import Any

from tests.access import Route, World, crown_slug

MEMBER = "login 404 404 ok ok"
COORDINATOR_OR_PARTY = "login 404 404 404 ok"
API_MEMBER = "401 404 404 ok ok"
API_COORDINATOR_OR_PARTY = "401 404 404 404 ok"


def build(world: World) -> None:
    from django.utils import timezone

    from mutualaid.housing import services
    from mutualaid.members.models import Membership
    from tests.conftest import enable_totp, make_user
    from tests.housing.conftest import housing_need, make_offer

    hal = make_user("hal")
    gus = make_user("gus")
    ivy = make_user("ivy")
    Membership.objects.create(user=hal, group=world.crown)
    Membership.objects.create(user=gus, group=world.crown)
    Membership.objects.create(user=ivy, group=world.crown, role="coordinator")
    enable_totp(ivy)
    ada = world.users["ada"]
    taken = make_offer(world.crown, hal)
    free = make_offer(world.crown, hal, kind="couch")
    need = housing_need(world.crown, gus)
    start = timezone.localdate() + datetime.timedelta(days=1)
    stay = services.stay_propose(
        offer=taken, actor=ivy, need=need, starts_on=start, ends_on=start + datetime.timedelta(days=2)
    )
    services.stay_step(stay=stay, actor=hal, action="agree")
    world.objects.update(
        {"housing_taken": taken, "housing_free": free, "housing_need": need, "housing_stay": stay}
    )
    assert ada is not None


def _day(n: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=n)


def taken(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "offer_id": w.housing_taken.pk}


def free(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "offer_id": w.housing_free.pk}


def stay(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "stay_id": w.housing_stay.pk}


def stay_step(action: str) -> Any:
    return lambda w: {"slug": w.crown.slug, "stay_id": w.housing_stay.pk, "action": action}


def offer_data(w: World) -> dict[str, Any]:
    return {"kind": "room", "max_nights": "3", "address": "1 Main St"}


def propose_data(w: World) -> dict[str, Any]:
    start = _day(2)
    return {
        "need": w.housing_need.pk,
        "starts_on": start.isoformat(),
        "ends_on": (start + datetime.timedelta(days=2)).isoformat(),
        "checkin_every_days": "2",
    }


ROUTES = [
    Route("housing_home", MEMBER, kwargs=crown_slug),
    Route("housing_offer_new", MEMBER, kwargs=crown_slug),
    Route("housing_offer_new", MEMBER, method="POST", kwargs=crown_slug, data=offer_data),
    Route("housing_offer", COORDINATOR_OR_PARTY, kwargs=taken),
    Route("housing_propose", "login 405 405 405 405", kwargs=free, variant="get"),
    Route("housing_propose", "login 404 404 404 ok", method="POST", kwargs=free, data=propose_data),
    Route("housing_offer_edit", COORDINATOR_OR_PARTY, kwargs=free),
    Route("housing_offer_edit", COORDINATOR_OR_PARTY, method="POST", kwargs=free, data=offer_data),
    Route("housing_offer_withdraw", COORDINATOR_OR_PARTY, method="POST", kwargs=free),
    Route("housing_stay", COORDINATOR_OR_PARTY, kwargs=stay),
    Route("housing_stay_step", "login 405 405 405 405", kwargs=stay_step("confirm"), variant="get"),
    # ada did not propose it (ivy did) and the host agreed: ada's confirmation arranges the stay.
    Route("housing_stay_step", COORDINATOR_OR_PARTY, method="POST", kwargs=stay_step("confirm")),
    # Only the host answers a proposal: a coordinator is refused.
    Route(
        "housing_stay_step",
        "login 404 404 404 403",
        method="POST",
        kwargs=stay_step("decline"),
        variant="decline",
    ),
    # API
    Route("api:housing_offers", API_MEMBER, api=True, kwargs=crown_slug),
    Route(
        "api:housing_offer_create", API_MEMBER, method="POST", api=True, kwargs=crown_slug, data=offer_data
    ),
    Route("api:housing_offer_detail", API_COORDINATOR_OR_PARTY, api=True, kwargs=taken),
    Route(
        "api:housing_offer_update",
        API_COORDINATOR_OR_PARTY,
        method="PUT",
        api=True,
        kwargs=free,
        data=offer_data,
    ),
    Route("api:housing_offer_withdraw", API_COORDINATOR_OR_PARTY, method="POST", api=True, kwargs=free),
    Route(
        "api:housing_stay_propose",
        API_COORDINATOR_OR_PARTY,
        method="POST",
        api=True,
        kwargs=free,
        data=lambda w: {
            "need_id": w.housing_need.pk,
            "starts_on": (_day(2)).isoformat(),
            "ends_on": (_day(4)).isoformat(),
        },
    ),
    Route("api:housing_stays", API_MEMBER, api=True, kwargs=crown_slug),
    Route("api:housing_stay_detail", API_COORDINATOR_OR_PARTY, api=True, kwargs=stay),
    Route(
        "api:housing_stay_step",
        API_COORDINATOR_OR_PARTY,
        method="POST",
        api=True,
        kwargs=stay_step("confirm"),
    ),
]
