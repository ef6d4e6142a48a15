"""Access rows for matching: the coordinators' round page, bulk decisions, settings, members' answers, API."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug
from tests.helpers import HERE, NEAR


def build(world: World) -> None:
    from mutualaid.exchange import services as board
    from mutualaid.matching import services
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    ben, ada = world.users["ben"], world.users["ada"]
    mira = make_user("mira")
    Membership.objects.create(user=mira, group=world.crown)

    def post(author: Any, title: str, kind: str, category: str) -> Any:
        return board.post_create(
            group=world.crown,
            author=author,
            data=board.PostInput(
                kind=kind, category=category, title=title, **(HERE if kind == "need" else NEAR)
            ),
        )

    post(ben, "Matched groceries", "need", "food")
    post(mira, "Matched soup", "offer", "food")
    post(ben, "Matched diapers", "need", "supplies")
    post(mira, "Matched diaper packs", "offer", "supplies")
    the_round = services.round_run(group=world.crown, started_by=ada)
    food, supplies = sorted(the_round.proposals.all(), key=lambda p: p.need.category)
    services.proposals_decide(group=world.crown, actor=ada, approve_ids=[supplies.pk])
    world.objects.update({"proposal_proposed": food, "proposal_approved": supplies, "round": the_round})


def proposal_kw(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "proposal_id": w.proposal_approved.pk}


COORDINATOR = "login 404 404 403 ok"
MEMBER = "login 404 404 ok ok"
API_COORDINATOR = "401 404 404 403 ok"
API_MEMBER = "401 404 404 ok ok"

ROUTES = [
    Route("matching_rounds", COORDINATOR, kwargs=crown_slug),
    Route("matching_rounds", COORDINATOR, method="POST", variant="run", kwargs=crown_slug),
    Route(
        "matching_decide",
        COORDINATOR,
        method="POST",
        kwargs=crown_slug,
        data=lambda w: {"selected": [w.proposal_proposed.pk], "action": "approve"},
    ),
    Route(
        "matching_settings",
        COORDINATOR,
        method="POST",
        kwargs=crown_slug,
        data=lambda w: {"schedule": "daily"},
    ),
    Route("matching_mine", MEMBER, kwargs=crown_slug),
    # Only the sides answer (ben posted the need, mira the offer); the coordinator is not a side here.
    Route(
        "matching_respond",
        "login 404 404 ok 404",
        method="POST",
        kwargs=proposal_kw,
        data=lambda w: {"decision": "accept"},
    ),
    Route("api:matching_round_run", API_COORDINATOR, method="POST", api=True, kwargs=crown_slug),
    Route(
        "api:matching_round_get",
        API_COORDINATOR,
        api=True,
        kwargs=lambda w: {"slug": w.crown.slug, "round_id": w.round.pk},
    ),
    Route("api:matching_proposals_list", API_MEMBER, api=True, kwargs=crown_slug),
    Route(
        "api:matching_proposals_decide",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"approve_ids": [w.proposal_proposed.pk], "edits": {str(w.proposal_proposed.pk): 1}},
    ),
    Route(
        "api:matching_proposal_respond",
        "401 404 404 ok 404",
        method="POST",
        api=True,
        kwargs=proposal_kw,
        data=lambda w: {"decision": "decline"},
    ),
    Route(
        "api:matching_settings_update",
        API_COORDINATOR,
        method="PUT",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"schedule": "off"},
    ),
]
