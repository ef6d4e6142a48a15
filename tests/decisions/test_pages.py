"""Decisions in the browser without JavaScript: open a proposal, vote and change the vote, an
anonymous ballot's receipt kept in the voter's browser only, a proposal that changes a fund's rule,
the policy page; and the same pages in Spanish."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.decisions import services
from mutualaid.decisions.models import Ballot, Proposal
from mutualaid.funds import services as fund_services
from tests.decisions.conftest import later, member, open_proposal


def _url(name: str, proposal: Any) -> str:
    return reverse(name, kwargs={"slug": proposal.group.slug, "proposal_id": proposal.pk})


def test_a_member_opens_a_proposal_and_the_group_votes(
    client_for: Any, crown: Any, ada: Any, ben: Any
) -> None:
    page = client_for(ben).post(
        reverse("decisions_new", args=["crown"]),
        {
            "title": "Move the pantry to Saturday",
            "body": "More people are free then.",
            "kind": "majority",
            "closes_at": later(3).strftime("%Y-%m-%dT%H:%M"),
            "quorum_percent": "50",
            "threshold_percent": "50",
        },
    )
    proposal = Proposal.objects.get()
    assert page.status_code == 302 and page["Location"] == _url("decisions_proposal", proposal)
    assert proposal.author == ben and proposal.eligible_count == 2 and proposal.quorum_percent == 50
    ada_client = client_for(ada)
    html = ada_client.get(_url("decisions_proposal", proposal)).content.decode()
    assert "Move the pantry to Saturday" in html and "0 of 2 members have voted" in html
    assert 'name="choice" value="yes"' in html
    ada_client.post(_url("decisions_vote", proposal), {"choice": "no"})
    ada_client.post(_url("decisions_vote", proposal), {"choice": "yes"})  # changed her mind
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]
    html = ada_client.get(_url("decisions_proposal", proposal)).content.decode()
    assert "1 of 2 members have voted" in html and "Change your vote" in html
    assert 'value="yes" checked' in html
    services.close(proposal=proposal, now=later(4))
    html = ada_client.get(_url("decisions_proposal", proposal)).content.decode()
    assert 'id="outcome">Passed' in html and "Who voted what" in html and "Ada" in html


def test_the_form_explains_what_is_wrong(client_for: Any, crown: Any, ada: Any) -> None:
    page = client_for(ada).post(
        reverse("decisions_new", args=["crown"]),
        {
            "title": "Too quick",
            "kind": "consent",
            "closes_at": later(0.5).strftime("%Y-%m-%dT%H:%M"),
            "quorum_percent": "0",
            "threshold_percent": "50",
        },
    )
    assert page.status_code == 400
    assert "at least 48 hours" in page.content.decode()
    assert not Proposal.objects.exists()


def test_a_newcomer_sees_why_they_cannot_vote(client_for: Any, crown: Any, ada: Any) -> None:
    proposal = open_proposal(crown, ada)
    gus = member(crown, "gus")
    client = client_for(gus)
    html = client.get(_url("decisions_proposal", proposal)).content.decode()
    assert "You joined after this proposal opened" in html and 'name="choice"' not in html
    client.post(_url("decisions_vote", proposal), {"choice": "agree"})
    assert not Ballot.objects.exists()


def test_an_anonymous_receipt_lives_in_the_browser_only(
    client_for: Any, crown: Any, ada: Any, ben: Any
) -> None:
    proposal = open_proposal(crown, ada, anonymous=True)
    client = client_for(ben)
    answer = client.post(_url("decisions_vote", proposal), {"choice": "object", "reason": "Too soon"})
    cookie = answer.cookies[f"ballot{proposal.pk}"]
    assert cookie["httponly"] and cookie["path"] == _url("decisions_proposal", proposal)
    assert services.receipt_valid(proposal, cookie.value)
    session = client.session
    assert cookie.value not in str(dict(session.items()))
    client.post(_url("decisions_vote", proposal), {"choice": "agree"})  # the browser sends the receipt back
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["agree"]
    other_browser = client_for(ben)
    other_browser.post(_url("decisions_vote", proposal), {"choice": "object", "reason": "again"})
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["agree"]
    html = other_browser.get(_url("decisions_proposal", proposal)).content.decode()
    assert "only from the browser you voted with" in html


def test_a_fund_rule_changes_by_consent_through_the_pages(
    client_for: Any, crown: Any, ada: Any, ben: Any
) -> None:
    fund = fund_services.fund_create(group=crown, name="Groceries", single_approval_limit=5000)
    ada_client = client_for(ada)
    page = ada_client.post(
        reverse("decisions_policy", args=["crown"]),
        {
            "members_may_propose": "on",
            "min_hours": "48",
            "max_days": "30",
            "min_quorum_percent": "0",
            "remind_hours": "24",
            "require_for_fund_rules": "on",
        },
    )
    assert page.status_code == 302
    edit = ada_client.post(
        reverse("funds_fund_edit", args=["crown", fund.pk]),
        {
            "name": "Groceries",
            "kind": fund.kind,
            "currency": "USD",
            "visibility": fund.visibility,
            "single_approval_limit": "200",
            "coordinator_approvals": "2",
            "member_approvals": "0",
        },
    )
    assert "only by a passed proposal" in edit.content.decode()
    fund.refresh_from_db()
    assert fund.single_approval_limit == 5000
    listing = ada_client.get(reverse("decisions_list", args=["crown"])).content.decode()
    assert "?effect=funds.approval_rule" in listing and "a fund's approval rule" in listing
    form = ada_client.get(
        reverse("decisions_new", args=["crown"]) + f"?effect=funds.approval_rule&fund={fund.pk}"
    ).content.decode()
    assert f'<option value="{fund.pk}" selected>' in form
    ada_client.post(
        reverse("decisions_new", args=["crown"]),
        {
            "title": "Raise the single-approval limit to $200",
            "kind": "consent",
            "closes_at": later(3).strftime("%Y-%m-%dT%H:%M"),
            "quorum_percent": "0",
            "threshold_percent": "50",
            "reasons_required": "on",
            "effect": "funds.approval_rule",
            "fund": str(fund.pk),
            "single_approval_limit": "200",
            "coordinator_approvals": "2",
            "member_approvals": "0",
        },
    )
    proposal = Proposal.objects.get()
    assert proposal.effect_params == {
        "fund_id": fund.pk,
        "single_approval_limit": 20000,
        "coordinator_approvals": 2,
        "member_approvals": 0,
    }
    html = client_for(ben).get(_url("decisions_proposal", proposal)).content.decode()
    assert "approval rule becomes" in html and "200.00 USD" in html
    client_for(ben).post(_url("decisions_vote", proposal), {"choice": "agree"})
    services.close_due(now=later(4))
    fund.refresh_from_db()
    assert fund.single_approval_limit == 20000
    assert (
        "The change it decided has been made."
        in ada_client.get(_url("decisions_proposal", proposal)).content.decode()
    )


def test_pages_in_spanish(client_for: Any, crown: Any, ada: Any, ben: Any) -> None:
    proposal = open_proposal(crown, ada, kind="score")
    ben.language = "es"  # a member's own language wins over the browser's
    ben.save(update_fields=["language"])
    client = client_for(ben)
    html = client.get(reverse("decisions_list", args=["crown"])).content.decode()
    assert "Decisiones" in html and "Abiertas a votación" in html
    html = client.get(_url("decisions_proposal", proposal)).content.decode()
    assert "Tu puntuación" in html and "Puntuación: de -2 a +2" in html
    html = client.get(reverse("decisions_new", args=["crown"])).content.decode()
    assert "Cómo decidimos" in html and "Consentimiento" in html


def test_after_the_closing_time_the_page_says_the_vote_is_being_counted(
    client_for: Any, crown: Any, ada: Any, ben: Any
) -> None:
    import datetime

    from django.utils import timezone

    proposal = open_proposal(crown, ada)
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    html = client_for(ben).get(_url("decisions_proposal", proposal)).content.decode()
    assert "the outcome is being counted" in html and 'name="choice"' not in html


def test_a_refused_vote_shows_what_the_person_chose(client_for: Any, crown: Any, ada: Any, ben: Any) -> None:
    proposal = open_proposal(crown, ada)
    client = client_for(ben)
    client.post(_url("decisions_vote", proposal), {"choice": "agree"})
    answer = client.post(_url("decisions_vote", proposal), {"choice": "object", "reason": ""})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'value="object" checked' in html and 'value="agree" checked' not in html
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["agree"]
    answer = client.post(_url("decisions_vote", proposal), {"choice": "object", "reason": "Not like this"})
    assert answer.status_code == 302
    assert 'value="object" checked' in client.get(_url("decisions_proposal", proposal)).content.decode()
