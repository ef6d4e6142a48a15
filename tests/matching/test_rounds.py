"""Matching rounds, the coordinator's bulk decision and both sides' answers (services)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mutualaid.exchange.models import Claim, Status
from mutualaid.matching import services
from mutualaid.matching.models import DeclinedPair, Proposal, Round
from tests.helpers import HERE, NEAR, make_post
from tests.matching.test_round_jobs import run_jobs


def run(group: Any, ada: Any) -> Round:
    return services.round_run(group=group, started_by=ada)


def test_instance_holds_only_coarse_fields_never_the_address(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    make_post(
        crown, ben, "Groceries", address="12 Secret Street, Apt 3", private_note="door code 4411", place=HERE
    )
    make_post(crown, fay, "Soup", kind="offer", address="99 Hidden Lane", place=NEAR)
    obj, _excluded = services.round_instance(group=crown)
    text = json.dumps(obj)
    assert "Secret" not in text and "Hidden" not in text and "4411" not in text
    assert set(obj["needs"][0]) <= {
        "id",
        "category",
        "lat",
        "lon",
        "languages",
        "window",
        "quantity",
        "urgency",
        "waiting_days",
    }
    assert set(obj["offers"][0]) <= {
        "id",
        "category",
        "lat",
        "lon",
        "languages",
        "window",
        "capacity",
        "max_km",
    }


def test_round_stores_proposals_with_reasons_and_respects_capacities(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    n1 = make_post(crown, ben, "Groceries", quantity=3, urgency="today", place=HERE)
    n2 = make_post(crown, ben, "More groceries", quantity=2, place=HERE)
    offer = make_post(crown, fay, "Food boxes", kind="offer", quantity=4, place=NEAR)
    the_round = run(crown, ada)
    proposals = list(Proposal.objects.filter(round=the_round))
    assert sum(p.units for p in proposals) == 4  # the offer's capacity
    assert {p.need_id for p in proposals} <= {n1.pk, n2.pk}
    urgent = next(p for p in proposals if p.need_id == n1.pk)
    assert urgent.units == 3 and urgent.offer_id == offer.pk
    assert urgent.reasons["urgency"] == "today" and urgent.reasons["waiting_days"] == 0
    assert 0 < urgent.reasons["km"] < 2
    assert the_round.stats["proposals"] == len(proposals) and the_round.started_by == ada


def test_only_coordinators_run_rounds(crown: Any, ben: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.round_run(group=crown, started_by=ben)


def test_posts_of_the_same_author_are_never_paired(crown: Any, ada: Any, ben: Any) -> None:
    make_post(crown, ben, "Groceries", place=HERE)
    make_post(crown, ben, "Spare groceries", kind="offer", place=NEAR)
    assert run(crown, ada).proposals.count() == 0


def _one_proposal(crown: Any, ada: Any, ben: Any, fay: Any, **need: Any) -> Proposal:
    make_post(crown, ben, "Groceries", **need, place=HERE)
    make_post(crown, fay, "Soup", kind="offer", quantity=5, place=NEAR)
    return Proposal.objects.get(round=run(crown, ada))


def test_bulk_decide_approves_edits_and_rejects(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    make_post(crown, ben, "Groceries", quantity=3, place=HERE)
    make_post(crown, ben, "Diapers", category="supplies", place=HERE)
    make_post(crown, fay, "Soup", kind="offer", quantity=5, place=NEAR)
    make_post(crown, fay, "Diaper packs", kind="offer", category="supplies", place=NEAR)
    food, supplies = sorted(run(crown, ada).proposals.all(), key=lambda p: p.need.category)
    counts = services.proposals_decide(
        group=crown, actor=ada, approve_ids=[food.pk], reject_ids=[supplies.pk], edits={food.pk: 2}
    )
    assert counts == {"approved": 1, "rejected": 1, "lapsed": 0}
    food.refresh_from_db()
    supplies.refresh_from_db()
    assert (food.state, food.units, food.decided_by) == ("approved", 2, ada)
    assert supplies.state == "rejected"
    assert DeclinedPair.objects.filter(need=supplies.need, offer=supplies.offer).exists()


def test_bulk_decide_is_all_or_nothing(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    proposal = _one_proposal(crown, ada, ben, fay, quantity=2)
    with pytest.raises(ValidationError) as exc:
        services.proposals_decide(group=crown, actor=ada, approve_ids=[proposal.pk, 999999])
    assert exc.value.message_dict == {"approve_ids": ["Proposal 999999 is not waiting for a decision."]}
    with pytest.raises(ValidationError) as exc:
        services.proposals_decide(group=crown, actor=ada, approve_ids=[proposal.pk], edits={proposal.pk: 3})
    assert exc.value.message_dict == {"edits": [f"Proposal {proposal.pk} can have from 1 to 2 units."]}
    proposal.refresh_from_db()
    assert proposal.state == "proposed"
    with pytest.raises(PermissionDenied):
        services.proposals_decide(group=crown, actor=ben, approve_ids=[proposal.pk])


def test_both_sides_accept_assigns_the_need_on_the_board(
    crown: Any, ada: Any, ben: Any, fay: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    told: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        "mutualaid.matching.services.notify",
        lambda *, user, kind, context: told.append((user.username, kind, context["title"])),
    )
    proposal = _one_proposal(crown, ada, ben, fay)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposals_decide(group=crown, actor=ada, approve_ids=[proposal.pk])
    assert told == [("ben", "match", "Soup"), ("fay", "match", "Groceries")]
    with pytest.raises(PermissionDenied):
        services.proposal_respond(proposal=proposal, user=ada, accept=True)
    proposal = services.proposal_respond(proposal=proposal, user=ben, accept=True)
    assert (proposal.state, proposal.need_answer, proposal.offer_answer) == ("approved", "accepted", "")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_respond(proposal=proposal, user=fay, accept=True)
    assert proposal.state == "matched"
    assert told[2:] == [("ben", "match", "Groceries"), ("fay", "match", "Groceries")]
    claim = Claim.objects.get(post=proposal.need)
    assert (claim.claimant, claim.state, claim.assigned_by) == (fay, "accepted", ada)
    assert proposal.claim == claim
    proposal.need.refresh_from_db()
    assert proposal.need.status == Status.IN_PROGRESS
    with pytest.raises(ValidationError) as exc:
        services.proposal_respond(proposal=proposal, user=fay, accept=False)
    assert exc.value.messages == ["This proposal is not waiting for an answer."]


def test_declined_pair_is_never_proposed_again(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    proposal = _one_proposal(crown, ada, ben, fay)
    services.proposals_decide(group=crown, actor=ada, approve_ids=[proposal.pk])
    proposal = services.proposal_respond(proposal=proposal, user=fay, accept=False)
    assert proposal.state == "declined"
    assert DeclinedPair.objects.filter(need=proposal.need, offer=proposal.offer).count() == 1
    assert run(crown, ada).proposals.count() == 0
    # Another offer for the same need is still proposed.
    other = make_post(crown, ada, "Bread", kind="offer", place=NEAR)
    again = run(crown, ada).proposals.get()
    assert (again.need_id, again.offer_id) == (proposal.need_id, other.pk)


def test_units_waiting_for_answers_are_not_proposed_twice(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    proposal = _one_proposal(crown, ada, ben, fay, quantity=3)  # the offer has 5
    services.proposals_decide(group=crown, actor=ada, approve_ids=[proposal.pk], edits={proposal.pk: 1})
    make_post(crown, ada, "Dinner for two", quantity=4, place=HERE)
    later = {p.need.title: p.units for p in run(crown, ada).proposals.all()}
    # 4 units left on the offer; the first need still lacks 2 (the pair itself is waiting, so excluded).
    assert later == {"Dinner for two": 4}


def test_undecided_proposals_are_superseded_by_the_next_round(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    proposal = _one_proposal(crown, ada, ben, fay)
    run(crown, ada)
    proposal.refresh_from_db()
    assert proposal.state == "superseded"
    assert Proposal.objects.filter(state="proposed").count() == 1


def test_a_post_claimed_meanwhile_makes_the_proposal_lapse(crown: Any, ada: Any, ben: Any, fay: Any) -> None:
    from mutualaid.exchange import services as board

    proposal = _one_proposal(crown, ada, ben, fay)
    services.proposals_decide(group=crown, actor=ada, approve_ids=[proposal.pk])
    services.proposal_respond(proposal=proposal, user=ben, accept=True)
    board.claim_create(post=proposal.need, claimant=ada)
    proposal = services.proposal_respond(proposal=proposal, user=fay, accept=True)
    assert proposal.state == "lapsed"
    assert Claim.objects.filter(post=proposal.need).count() == 1


def test_the_approving_coordinator_answers_for_a_neighbour_without_account(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    from mutualaid.exchange.services import ContactInput

    make_post(
        crown,
        ben,
        "Groceries for Mrs K",
        on_behalf=ContactInput(name="Mrs K", phone="+1 718 555 0100"),
        place=HERE,
    )
    make_post(crown, fay, "Soup", kind="offer", place=NEAR)
    proposal = Proposal.objects.get(round=run(crown, ada))
    services.proposals_decide(group=crown, actor=ada, approve_ids=[proposal.pk])
    with pytest.raises(PermissionDenied):
        services.proposal_respond(proposal=proposal, user=ben, accept=True)
    assert services.proposal_respond(proposal=proposal, user=ada, accept=True).need_answer == "accepted"


def test_scheduled_rounds_run_for_groups_that_enable_them(
    crown: Any, bush: Any, ada: Any, ben: Any, fay: Any
) -> None:
    make_post(crown, ben, "Groceries", place=HERE)
    make_post(crown, fay, "Soup", kind="offer", place=NEAR)
    assert services.rounds_run_scheduled() == 0
    services.settings_update(group=crown, actor=ada, schedule="daily")
    assert services.rounds_run_scheduled() == 1
    run_jobs()
    the_round = Round.objects.get()
    assert the_round.started_by is None and the_round.proposals.count() == 1
    with pytest.raises(ValidationError):
        services.settings_update(group=crown, actor=ada, schedule="hourly")


def test_the_daily_job_is_registered() -> None:
    from mutualaid.core.registry import periodic_jobs

    assert any(p.task_path == "mutualaid.matching.tasks.run_scheduled_rounds" for p in periodic_jobs())


def test_coordinators_hear_when_a_scheduled_round_has_proposals(
    crown: Any, ada: Any, ben: Any, fay: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from mutualaid.channels.models import OutboundMessage

    for user in (ada, ben):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    services.settings_update(group=crown, actor=ada, schedule="daily")
    with django_capture_on_commit_callbacks(execute=True):
        services.rounds_run_scheduled()  # nothing to propose: nobody is told
        run_jobs()
    assert not OutboundMessage.objects.filter(kind="approval").exists()
    make_post(crown, ben, "Groceries", address="12 Secret Street", place=HERE)
    make_post(crown, fay, "Soup", kind="offer", place=NEAR)
    with django_capture_on_commit_callbacks(execute=True):
        run(crown, ada)  # a coordinator's own round: no notice, the page shows the proposals
    assert not OutboundMessage.objects.filter(kind="approval").exists()
    Proposal.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.rounds_run_scheduled()
        run_jobs()
    [message] = OutboundMessage.objects.filter(kind="approval")  # the coordinator, not ben
    assert message.user == ada
    assert (
        '"1 matching proposal" waits for approval in' in message.body and "/g/crown/matching/" in message.body
    )
    assert "Secret" not in message.body and "Groceries" not in message.body


def test_the_daily_round_waits_for_a_coordinators_round_already_queued(
    crown: Any, ada: Any, ben: Any, fay: Any
) -> None:
    """One round at a time per group, whoever starts it: two would supersede each other's proposals."""
    make_post(crown, ben, "Groceries", place=HERE)
    make_post(crown, fay, "Soup", kind="offer", place=NEAR)
    services.settings_update(group=crown, actor=ada, schedule="daily")
    mine, queued = services.round_request(group=crown, started_by=ada)
    assert queued
    assert services.rounds_run_scheduled() == 0
    assert list(Round.objects.values_list("pk", flat=True)) == [mine.pk]
    run_jobs()
    assert services.rounds_run_scheduled() == 1
    run_jobs()
    assert list(Round.objects.order_by("pk").values_list("status", "started_by")) == [
        ("done", ada.pk),
        ("done", None),
    ]
