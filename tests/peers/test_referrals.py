"""Referrals between linked installs, in process (the install linked to itself; see conftest): offered →
accepted → details arrive sealed → original closed as referred; declined → returned; a peer down → retried,
delivered once; timeouts; idempotent retries; nothing readable before acceptance; never logged."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import orjson
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from mutualaid.core.models import SensitiveRead
from mutualaid.exchange.models import PostEvent
from mutualaid.peers import delivery, keys, services
from mutualaid.peers.models import Message, Referral, ReferralState
from tests.helpers import make_post
from tests.peers.conftest import Loop

pytestmark = pytest.mark.django_db

SECRET = "Rent due, landlord at 41 Secret Street"


@pytest.fixture
def need(ada: Any) -> Any:
    post = make_post(
        ada.memberships.first().group, ada, title="Groceries for a family of five", details=SECRET, quantity=3
    )
    post.address = "41 Secret Street, apt 2"
    post.save(update_fields=["address"])
    assert post.status == "open"
    return post


def pair(referral: Referral) -> Referral:
    return Referral.objects.get(uid=referral.uid, direction="in" if referral.direction == "out" else "out")


def test_offer_accept_details_arrive_sealed_and_the_need_closes_as_referred(
    loop: Loop, bush_there: Any, need: Any, ada: Any, dee: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    out = services.refer(post=need, actor=ada, target=bush_there)
    assert delivery.run_due() == {"sent": 1, "retry": 0, "gave_up": 0}
    incoming = pair(out)
    assert incoming.group.slug == "bush" and incoming.state == ReferralState.OFFERED
    assert (incoming.category, incoming.quantity, incoming.urgency) == ("food", 3, need.urgency)
    # Before acceptance the peer holds the coarse form only: nothing the neighbour typed travelled.
    offer = loop.posts[-1][1]
    assert SECRET.encode() not in offer and b"Groceries" not in offer and b"Secret" not in offer
    assert services.details_of(incoming) is None and incoming.details == "" and incoming.contact == ""

    services.decide(referral=incoming, actor=dee, accept=True)
    assert delivery.run_due()["sent"] == 1  # the acceptance
    out.refresh_from_db()
    assert out.state == ReferralState.ACCEPTED
    assert delivery.run_due()["sent"] == 1  # the details, encrypted to the peer's key
    details_body = loop.posts[-1][1]
    assert (
        b"envelope" in details_body and SECRET.encode() not in details_body and b"Secret" not in details_body
    )

    incoming.refresh_from_db()
    out.refresh_from_db()
    need.refresh_from_db()
    assert incoming.state == out.state == ReferralState.REFERRED
    got = services.details_of(incoming)
    assert got is not None and got["details"] == SECRET and got["address"] == "41 Secret Street, apt 2"
    assert got["contact"]["name"] == ada.display_name
    # Sealed with the receiving install's key ring: the database holds no clear words.
    with connection.cursor() as cursor:
        cursor.execute("SELECT details, contact FROM peers_referral WHERE id = %s", [incoming.pk])
        raw = " ".join(cursor.fetchone())
    assert "Secret" not in raw and ada.display_name not in raw
    assert need.status == "withdrawn" and need.closed_at is not None
    assert list(PostEvent.objects.filter(post=need).values_list("action", flat=True)) == [
        "post",
        "referral offered",
        "referral accepted",
        "referred",
    ]
    assert list(out.events.values_list("action", flat=True)) == ["offered", "accepted", "referred"]
    assert list(incoming.events.values_list("action", flat=True)) == [
        "offered",
        "accepted",
        "details arrived",
    ]
    assert "Secret" not in caplog.text and "Groceries" not in caplog.text
    assert Message.objects.filter(state="pending").count() == 0


def test_declined_returns_the_need_and_nothing_else_leaves(
    loop: Loop, bush_there: Any, need: Any, ada: Any, dee: Any
) -> None:
    out = services.refer(post=need, actor=ada, target=bush_there)
    delivery.run_due()
    services.decide(referral=pair(out), actor=dee, accept=False)
    delivery.run_due()
    out.refresh_from_db()
    need.refresh_from_db()
    assert out.state == ReferralState.DECLINED and need.status == "open"
    assert not any(b"envelope" in body for _p, body, _s in loop.posts)
    # Answered once: a second answer is refused, and the need can be referred again.
    with pytest.raises(ValidationError):
        services.decide(referral=pair(out), actor=dee, accept=True)
    again = services.refer(post=need, actor=ada, target=bush_there)
    assert again.uid != out.uid


def test_the_peer_down_is_retried_later_and_delivered_once(
    loop: Loop, bush_there: Any, need: Any, ada: Any
) -> None:
    out = services.refer(post=need, actor=ada, target=bush_there)
    loop.down = 1
    assert delivery.run_due() == {"sent": 0, "retry": 1, "gave_up": 0}
    assert not Referral.objects.filter(direction="in").exists()
    later = timezone.now() + timedelta(minutes=5)
    assert delivery.run_due(later) == {"sent": 1, "retry": 0, "gave_up": 0}
    assert delivery.run_due(later + timedelta(hours=1)) == {"sent": 0, "retry": 0, "gave_up": 0}
    assert Referral.objects.filter(uid=out.uid, direction="in").count() == 1


def test_a_retried_delivery_is_recognised(loop: Loop, bush_there: Any, need: Any, ada: Any) -> None:
    out = services.refer(post=need, actor=ada, target=bush_there)
    delivery.run_due()
    path, body, status = loop.posts[-1]
    assert status == 202
    # The same message again (the answer was lost): answered, nothing done twice.
    message = Message.objects.get(referral=out, kind="offer")
    assert (
        loop.post(
            "http://testserver" + path,
            body=body,
            key_id=keys.key_id(),
            private_key=keys.private_key(),
        )
        == 202
    )
    assert Referral.objects.filter(uid=out.uid, direction="in").count() == 1
    assert pair(out).events.count() == 1
    # The same referral under a new message id (a resend): recognised by its uid.
    resend = orjson.loads(message.body or "{}") | {"id": "00000000-0000-4000-8000-000000000001"}
    assert (
        loop.post(
            "http://testserver/peers/inbox",
            body=orjson.dumps(resend),
            key_id=keys.key_id(),
            private_key=keys.private_key(),
        )
        == 202
    )
    assert Referral.objects.filter(uid=out.uid, direction="in").count() == 1


def test_details_are_never_sent_without_an_acceptance_from_that_peer(
    loop: Loop, bush_there: Any, need: Any, ada: Any
) -> None:
    out = services.refer(post=need, actor=ada, target=bush_there)
    delivery.run_due()
    incoming = pair(out)
    # Details pushed at a referral nobody accepted here are refused.
    forged = {
        "id": "00000000-0000-4000-8000-000000000002",
        "type": "details",
        "referral": str(out.uid),
        "envelope": {},
    }
    assert (
        loop.post(
            "http://testserver/peers/inbox",
            body=orjson.dumps(forged),
            key_id=keys.key_id(),
            private_key=keys.private_key(),
        )
        == 409
    )
    incoming.refresh_from_db()
    assert incoming.details == "" and incoming.state == ReferralState.OFFERED
    assert not Message.objects.filter(kind="details").exists()


def test_an_offer_nobody_answers_comes_back_on_both_sides(
    loop: Loop, bush_there: Any, need: Any, ada: Any
) -> None:
    out = services.refer(post=need, actor=ada, target=bush_there)
    delivery.run_due()
    assert services.expire(timezone.now() + timedelta(hours=services.OFFER_HOURS + 1)) == 2
    out.refresh_from_db()
    need.refresh_from_db()
    assert out.state == ReferralState.RETURNED and need.status == "open"
    assert pair(out).state == ReferralState.RETURNED
    assert list(out.events.values_list("action", flat=True)) == ["offered", "timed out"]


def test_met_here_meanwhile_the_acceptance_gets_a_withdrawal(
    loop: Loop, bush_there: Any, need: Any, ada: Any, dee: Any, ben: Any
) -> None:
    from mutualaid.exchange import services as exchange

    out = services.refer(post=need, actor=ada, target=bush_there)
    delivery.run_due()
    exchange.claim_create(post=need, claimant=ben)
    services.decide(referral=pair(out), actor=dee, accept=True)
    delivery.run_due()  # the acceptance; the install answers with a withdrawal
    delivery.run_due()
    out.refresh_from_db()
    assert out.state == ReferralState.RETURNED and pair(out).state == ReferralState.RETURNED
    assert not Message.objects.filter(kind="details").exists()


def test_who_may_refer_and_what(loop: Loop, bush_there: Any, need: Any, ada: Any, ben: Any, dee: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.refer(post=need, actor=ben, target=bush_there)
    offer = make_post(need.group, ben, kind="offer")
    with pytest.raises(ValidationError):
        services.refer(post=offer, actor=ada, target=bush_there)
    legal = make_post(need.group, ada, category="housing")
    with pytest.raises(ValidationError):  # Bush takes food and legal needs, not housing
        services.refer(post=legal, actor=ada, target=bush_there)
    services.refer(post=need, actor=ada, target=bush_there)
    with pytest.raises(ValidationError):  # one live referral per need
        services.refer(post=need, actor=ada, target=bush_there)
    # Groups serving the category; one sharing a postal code with the referring group first (the
    # install linked to itself lists Crown too).
    assert [g.slug for g in services.targets(need)] == ["crown", "bush"]
    assert [g.slug for g in services.targets(legal)] == ["crown"]
    with pytest.raises(PermissionDenied):  # only the receiving group's coordinators answer
        services.decide(referral=Referral.objects.get(direction="out"), actor=dee, accept=True)


def test_pages_refer_answer_and_show_details_with_an_audit_row(
    loop: Loop, bush_there: Any, need: Any, ada: Any, dee: Any, client_for: Any
) -> None:
    crown_page = client_for(ada).get("/g/crown/referrals/")
    assert crown_page.status_code == 200 and f"/g/crown/referrals/refer/{need.pk}/" in crown_page.text
    form = client_for(ada).get(f"/g/crown/referrals/refer/{need.pk}/")
    assert "Ayuda Mutua Bushwick" in form.text
    assert (
        client_for(ada).post(f"/g/crown/referrals/refer/{need.pk}/", {"target": "999999"}).status_code == 400
    )
    sent = client_for(ada).post(f"/g/crown/referrals/refer/{need.pk}/", {"target": bush_there.pk})
    assert sent.status_code == 302
    delivery.run_due()
    incoming = Referral.objects.get(direction="in")
    page = client_for(dee).get(f"/g/bush/referrals/{incoming.uid}/")
    assert page.status_code == 200 and "Accept" in page.text and SECRET not in page.text
    assert (
        client_for(dee).post(f"/g/bush/referrals/{incoming.uid}/decide", {"answer": "accept"}).status_code
        == 302
    )
    delivery.run_due()
    delivery.run_due()
    assert not SensitiveRead.objects.exists()
    page = client_for(dee).get(f"/g/bush/referrals/{incoming.uid}/")
    assert SECRET in page.text and "41 Secret Street, apt 2" in page.text
    read = SensitiveRead.objects.get()
    assert read.reader == dee and read.subject_type == "peers.referral" and read.fields == "contact,details"
    # Crown's coordinators do not see Bush's incoming row (and the other way round).
    assert client_for(ada).get(f"/g/crown/referrals/{incoming.uid}/").text.count(SECRET) == 0


def test_api_parity(loop: Loop, bush_there: Any, need: Any, ada: Any, dee: Any, api_for: Any) -> None:
    targets = api_for(ada).get(f"/api/v1/groups/crown/referrals/targets/{need.pk}").json()
    assert [t["name"] for t in targets] == ["Crown Heights Mutual Aid", "Ayuda Mutua Bushwick"]
    made = api_for(ada).post(
        "/api/v1/groups/crown/referrals",
        {"post_id": need.pk, "target_id": bush_there.pk},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["state"] == "offered"
    delivery.run_due()
    listed = api_for(dee).get("/api/v1/groups/bush/referrals").json()
    assert [r["direction"] for r in listed] == ["in"] and listed[0]["details"] is None
    uid = listed[0]["uid"]
    answer = api_for(dee).post(
        f"/api/v1/groups/bush/referrals/{uid}/decision", {"accept": True}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["state"] == "accepted"
    delivery.run_due()
    delivery.run_due()
    detail = api_for(dee).get(f"/api/v1/groups/bush/referrals/{uid}").json()
    assert detail["state"] == "referred" and detail["details"]["details"] == SECRET
    assert api_for(ada).get(f"/api/v1/groups/crown/referrals/{uid}").json()["details"] is None


def test_retention_forgets_messages_and_blanks_details_of_ended_referrals(
    loop: Loop, bush_there: Any, need: Any, ada: Any, dee: Any
) -> None:
    from mutualaid.core.retention import rules
    from mutualaid.peers.models import SeenMessage

    out = services.refer(post=need, actor=ada, target=bush_there)
    delivery.run_due()
    services.decide(referral=pair(out), actor=dee, accept=True)
    delivery.run_due()
    delivery.run_due()
    later = timezone.now() + timedelta(days=400)
    found = {rule.name: rule for rule in rules()}
    assert found["finished peer messages"].expired(later).count() == Message.objects.count() == 3
    assert found["received peer message ids"].expired(later).count() == SeenMessage.objects.count() == 3
    ended = found["details of ended referrals"]
    rows = ended.expired(later)
    assert [r.direction for r in rows] == ["in"]
    assert ended.scrub is not None and ended.scrub(rows) == 1
    incoming = pair(out)
    assert incoming.details == incoming.contact == "" and incoming.state == ReferralState.REFERRED
    assert not found["details of ended referrals"].expired(timezone.now()).exists()


def test_a_message_nested_too_deeply_is_refused(peer: Any) -> None:
    deep: Any = {"id": "00000000-0000-4000-8000-0000000000dd", "type": "offer"}
    nested: Any = []
    for _ in range(40):
        nested = [nested]
    deep["x"] = nested
    from tests.peers.test_linking import signed

    assert signed(deep) == 400
