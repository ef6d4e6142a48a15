"""The matching engine serves a hub's restock need (the need an "empty" report puts on the board, held
for the hub's contact, with no author) from a fitting offer; a coordinator answers for the hub."""

from __future__ import annotations

from typing import Any

from mutualaid.exchange import services as exchange
from mutualaid.hubs import services
from mutualaid.matching import services as matching
from mutualaid.matching.models import Proposal


def test_a_fitting_offer_is_proposed_for_the_restock_need(fridge: Any, ada: Any, ben: Any) -> None:
    services.report_create(hub=fridge, condition="good", food_level=0)
    fridge.refresh_from_db()
    need = fridge.restock_post
    assert need is not None and need.author_id is None and need.contact_id is not None
    offer = exchange.post_create(
        group=fridge.group,
        author=ben,
        data=exchange.PostInput(
            kind="offer",
            category="food",
            title="Three bags of groceries",
            quantity=3,
            unit="bags",
            area=fridge.area,
            lat=fridge.lat,
            lon=fridge.lon,
        ),
    )
    matching.round_run(group=fridge.group, started_by=ada)
    proposal = Proposal.objects.get(need=need)
    assert proposal.offer_id == offer.pk
    # Nobody answers for the hub but a coordinator (the one who approves the proposal).
    proposal.decided_by_id = ada.pk
    assert matching.responder_id(proposal, "need") == ada.pk
