"""One source cannot use up an anonymous limit for everyone (THREATS.md 10): an attempt carrying a proof
of work counts against its own pool, so a flood without proofs leaves newcomers with a browser their way
in, a proof is spent once, and its price rises as the proved pool fills. No address is kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from mutualaid.core import proofofwork, ratelimit
from mutualaid.core.models import RateCounter
from mutualaid.core.ratelimit import RateLimited
from mutualaid.hubs import services as hubs
from mutualaid.hubs.models import Report
from mutualaid.members.models import JoinRequest
from mutualaid.members.services import signup_with_join_request
from tests.conftest import PASSWORD
from tests.hubs.conftest import fridge as fridge


def _signup(group: Any, n: int, proof: tuple[str, str] | None = None) -> None:
    signup_with_join_request(
        group=group,
        username=f"newcomer{n}",
        password=PASSWORD,
        display_name=f"Newcomer {n}",
        language="en",
        proof=proof,
    )


def _proof(action: str = "signup_open", scope: str = "install") -> tuple[str, str]:
    challenge = proofofwork.challenge(action, scope)
    return challenge, proofofwork.solve(challenge)


@pytest.mark.usefixtures("one_rate_window")
def test_a_flood_without_proofs_leaves_newcomers_a_way_in(
    crown: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_SIGNUP_OPEN", "3/h")
    monkeypatch.setattr(proofofwork, "BASE_BITS", 4)
    for n in range(3):
        _signup(crown, n)
    with pytest.raises(RateLimited):  # the flood has used the plain limit up
        _signup(crown, 3)
    _signup(crown, 4, proof=_proof())  # a newcomer whose browser paid for the attempt
    assert JoinRequest.objects.filter(group=crown).count() == 4
    # The proved pool is ten times the plain one, and it is its own.
    assert ratelimit.remaining(action="signup_open_proved", scope="install", rate="30/3600s") == 29


@pytest.mark.usefixtures("one_rate_window")
def test_a_proof_is_spent_once_and_only_for_its_action(crown: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_SIGNUP_OPEN", "1/h")
    monkeypatch.setattr(proofofwork, "BASE_BITS", 4)
    _signup(crown, 0)
    proof = _proof()
    _signup(crown, 1, proof=proof)
    with pytest.raises(RateLimited):  # replayed: counted against the plain limit, which is used up
        _signup(crown, 2, proof=proof)
    for wrong in (
        _proof(action="hub_report_anonymous"),  # another action's
        _proof(scope="hub:1"),  # another scope's
        (proof[0][:-2] + "xx", proof[1]),  # tampered
        (_proof()[0], "not-a-number"),
    ):
        with pytest.raises(RateLimited):
            _signup(crown, 3, proof=wrong)
    assert JoinRequest.objects.filter(group=crown).count() == 2


def test_a_wrong_answer_is_no_proof(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(proofofwork, "BASE_BITS", 16)
    challenge = proofofwork.challenge("signup_open", "install")
    answer = int(proofofwork.solve(challenge))
    wrong = next(
        str(n)
        for n in range(answer)
        if not proofofwork.verify(challenge, str(n), action="signup_open", scope="install")
    )
    assert not proofofwork.verify(challenge, wrong, action="signup_open", scope="install")
    assert proofofwork.verify(challenge, str(answer), action="signup_open", scope="install")


@pytest.mark.usefixtures("one_rate_window")
def test_the_price_rises_as_the_proved_pool_fills(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_SIGNUP_OPEN", "2/h")  # proved pool: 20
    monkeypatch.setattr(proofofwork, "BASE_BITS", 2)
    assert proofofwork.difficulty("signup_open", "install") == 2
    for _n in range(10):
        proofofwork.limit(action="signup_open", scope="install", proof=_proof())
    assert proofofwork.difficulty("signup_open", "install") == 2 + 5
    assert not RateCounter.objects.filter(key__contains="198.51").exists()


@pytest.mark.usefixtures("one_rate_window")
def test_the_join_page_carries_a_challenge_and_the_form_accepts_its_proof(
    client_for: Any, crown: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_SIGNUP_OPEN", "1/h")
    monkeypatch.setattr(proofofwork, "BASE_BITS", 4)
    _signup(crown, 0)  # the flood used the plain limit up
    client = client_for(None)
    url = reverse("join_request", kwargs={"slug": crown.slug})
    page = client.get(url).content.decode()
    assert "core/proof" in page and "data-proof" in page
    challenge = re.search(r'name="proof_challenge" value="([^"]+)"', page).group(1)
    data = {"username": "late", "password": PASSWORD, "display_name": "Late", "language": "en"}
    assert client.post(url, data).status_code == 429  # no proof (no script): the plain limit
    solved = {**data, "proof_challenge": challenge, "proof_solution": proofofwork.solve(challenge)}
    assert client.post(url, solved).status_code == 302
    assert JoinRequest.objects.filter(group=crown).count() == 2


@pytest.mark.usefixtures("one_rate_window")
def test_a_hub_flooded_without_proofs_still_takes_a_proved_report(
    client_for: Any, fridge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_HUB_REPORT_ANONYMOUS", "2/h")
    monkeypatch.setattr(proofofwork, "BASE_BITS", 4)
    for _n in range(2):
        hubs.report_create(hub=fridge, condition="good", food_level=2)
    with pytest.raises(RateLimited):
        hubs.report_create(hub=fridge, condition="good", food_level=2)
    client = client_for(None)
    url = reverse("hubs_report", args=["crown", fridge.pk])
    page = client.get(url).content.decode()
    challenge = re.search(r'name="proof_challenge" value="([^"]+)"', page).group(1)
    answer = proofofwork.solve(challenge)
    data = {"condition": "good", "food_level": "1", "proof_challenge": challenge, "proof_solution": answer}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 429  # the same proof again: spent
    assert Report.objects.filter(hub=fridge).count() == 3


@pytest.mark.usefixtures("one_rate_window")
def test_the_api_takes_the_same_proof_for_an_anonymous_hub_report(
    client_for: Any, fridge: Any, crown: Any, ada: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An API client gets the page's challenge from its own route, answers it and sends it with the
    report: counted against the proved pool; without a proof, a replayed one or another hub's, against
    the plain limit, which a flood has used up."""
    import json

    from mutualaid.hubs.services import HubInput, hub_create

    monkeypatch.setenv("MUTUALAID_RATE_HUB_REPORT_ANONYMOUS", "2/h")
    monkeypatch.setattr(proofofwork, "BASE_BITS", 4)
    client = client_for(None)
    report = f"/api/v1/hubs/{fridge.pk}/reports"
    body = {"condition": "good", "food_level": 1}

    def post(data: dict[str, Any]) -> Any:
        return client.post(report, json.dumps(data), content_type="application/json")

    assert [post(body).status_code for _n in range(3)] == [201, 201, 429]  # the flood, then the limit
    answer = client.get(f"{report}/challenge").json()
    assert answer["bits"] == 4 and answer["max_age_seconds"] == proofofwork.MAX_AGE
    proved = {**body, "proof_challenge": answer["challenge"]}
    assert post({**proved, "proof_solution": "x"}).status_code == 429  # not an answer: the plain limit
    solution = proofofwork.solve(answer["challenge"])
    created = post({**proved, "proof_solution": solution})
    assert created.status_code == 201, created.content
    assert post({**proved, "proof_solution": solution}).status_code == 429  # spent
    other = hub_create(group=crown, actor=ada, data=HubInput(name="Second fridge", area="11216"))
    elsewhere = client.get(f"/api/v1/hubs/{other.pk}/reports/challenge").json()["challenge"]
    stray = {**body, "proof_challenge": elsewhere, "proof_solution": proofofwork.solve(elsewhere)}
    assert post(stray).status_code == 429  # a challenge names its hub
    assert Report.objects.filter(hub=fridge).count() == 3
    assert (
        ratelimit.remaining(action="hub_report_anonymous_proved", scope=f"hub:{fridge.pk}", rate="20/3600s")
        == 19
    )
