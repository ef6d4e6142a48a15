"""Access rows for groups: public pages, membership management, invitations, join requests."""

from __future__ import annotations

from tests.access import Route, World, crown_slug


def build(world: World) -> None:
    from mutualaid.groups.services import area_add
    from mutualaid.members.models import JoinRequest, Membership

    world.objects["area"] = area_add(
        group=world.crown, name="Wingate", lat=40.66, lon=-73.94, postal_code="11225"
    )
    world.objects["ben_membership"] = Membership.objects.get(user=world.users["ben"], group=world.crown)
    world.objects["eve_request"] = JoinRequest.objects.create(group=world.crown, user=world.users["eve"])


def ben_membership(w: World) -> dict[str, object]:
    return {"slug": w.crown.slug, "membership_id": w.ben_membership.pk}


COORDINATOR = "login 404 404 403 ok"
MEMBER = "login 404 404 ok ok"

ROUTES = [
    Route("directory", "ok ok ok ok ok", data=lambda w: {"q": "11216"}),
    Route("group", "ok ok ok ok ok", kwargs=crown_slug),
    Route("join_request", "ok ok ok ok ok", kwargs=crown_slug),
    Route("group_new", "login 403 403 403 403"),
    Route("group_edit", COORDINATOR, kwargs=crown_slug),
    Route(
        "group_edit",
        COORDINATOR,
        method="POST",
        variant="save",
        kwargs=crown_slug,
        data=lambda w: {"name": "Crown", "slug": "crown", "radius_km": "3"},
    ),
    Route(
        "area_add",
        COORDINATOR,
        method="POST",
        kwargs=crown_slug,
        data=lambda w: {"name": "Weeksville", "lat": "40.67", "lon": "-73.93"},
    ),
    Route(
        "area_remove",
        COORDINATOR,
        method="POST",
        kwargs=lambda w: {"slug": w.crown.slug, "area_id": w.area.pk},
    ),
    Route("members", COORDINATOR, kwargs=crown_slug),
    Route(
        "member_role",
        COORDINATOR,
        method="POST",
        kwargs=ben_membership,
        data=lambda w: {"role": "coordinator"},
    ),
    Route("member_remove", COORDINATOR, method="POST", kwargs=ben_membership),
    Route("member_reviewed", COORDINATOR, method="POST", kwargs=ben_membership),
    Route(
        "join_request_decide",
        COORDINATOR,
        method="POST",
        kwargs=lambda w: {"slug": w.crown.slug, "request_id": w.eve_request.pk},
        data=lambda w: {"decision": "approve"},
    ),
    Route("leave", MEMBER, method="POST", kwargs=crown_slug),
    Route("invitations", MEMBER, kwargs=crown_slug),
    Route(
        "invitations",
        MEMBER,
        method="POST",
        variant="create",
        kwargs=crown_slug,
        data=lambda w: {"days": "7", "note": ""},
    ),
    Route(
        "invitation_revoke",
        MEMBER,
        method="POST",
        kwargs=lambda w: {"slug": w.crown.slug, "invitation_id": w.ben_invitation.pk},
    ),
    Route("api:directory", "ok ok ok ok ok", api=True, data=lambda w: {"q": "Crown"}),
    Route("api:group_members", "401 404 404 403 ok", api=True, kwargs=crown_slug),
    Route("api:invitations", "401 404 404 ok ok", api=True, kwargs=crown_slug),
    Route(
        "api:invitation_create",
        "401 404 404 ok ok",
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"days": 3},
    ),
    Route(
        "api:invitation_revoke",
        "401 404 404 ok ok",
        method="POST",
        api=True,
        kwargs=lambda w: {"slug": w.crown.slug, "invitation_id": w.ben_invitation.pk},
    ),
]
