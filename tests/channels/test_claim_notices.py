"""Claims on the board reach everyone they concern: coordinators of a need that came by SMS, the
claimant when the claim is answered, and the neighbour who texted in when help is found."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.channels.models import IntakeRequest, OutboundMessage
from mutualaid.exchange import services as exchange
from mutualaid.exchange.models import Claim
from mutualaid.members.services import profile_update
from tests.channels.conftest import post_twilio, run_jobs

PHONE = "+17185550177"
NEED = ["NEED", "1", "Crown Heights", "1", "Rice and beans"]
NECESITO = ["NECESITO", "1", "Crown Heights", "1", "Arroz y frijoles"]


def _with_email(user: Any, email: str) -> Any:
    return profile_update(
        user=user, display_name=user.display_name, language=user.language, email=email, phone=""
    )


def _sms_need(client: Any, words: list[str] = NEED) -> IntakeRequest:
    for word in words:
        assert post_twilio(client, PHONE, word).status_code == 200
    return IntakeRequest.objects.select_related("post").get()


def _texts_to_texter() -> list[str]:
    return [m.body for m in OutboundMessage.objects.filter(channel="sms", kind="notification").order_by("pk")]


def test_a_claim_on_an_sms_need_tells_the_coordinators_who_answer_it(
    client: Any, twilio: Any, ada: Any, ben: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    _with_email(ada, "ada@example.org")
    _with_email(ben, "ben@example.org")
    request = _sms_need(client)
    with django_capture_on_commit_callbacks(execute=True):
        exchange.claim_create(post=request.post, claimant=ben)
    run_jobs()
    [sent] = mail.outbox
    assert sent.to == ["ada@example.org"]  # the coordinator; not the claimant himself
    assert sent.subject == "Someone will help with your need"
    url = reverse("exchange_post", args=["crown", request.post.pk])
    assert f'Ben offered to help with "Food, by text message". {url}' in sent.body
    assert _texts_to_texter() == []  # nothing for the texter until a coordinator accepts


def test_accepting_tells_the_claimant_and_texts_the_neighbour(
    client: Any, twilio: Any, ada: Any, ben: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _with_email(ben, "ben@example.org")
    request = _sms_need(client)
    claim = exchange.claim_create(post=request.post, claimant=ben)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ada).post(
            reverse("exchange_claim_decide", args=["crown", request.post.pk, claim.pk]),
            {"decision": "accept"},
        )
    assert response.status_code == 302
    assert Claim.objects.get().state == "accepted"
    told = OutboundMessage.objects.get(user=ben, kind="claim_accepted")
    assert told.subject == 'You are paired up: "Food, by text message"'
    conversation = reverse("exchange_conversation", args=["crown", request.post.pk, claim.pk])
    assert 'Your claim on "Food, by text message" in Crown Heights Mutual Aid was accepted.' in told.body
    assert conversation in told.body
    [text] = OutboundMessage.objects.filter(kind="notification")
    assert text.recipient == PHONE and text.gateway == twilio
    assert text.body == (
        f"Good news from Crown Heights Mutual Aid: a neighbour can help with your request {request.code}. "
        "We will text you to arrange it."
    )


def test_the_neighbour_hears_in_spanish(client: Any, twilio: Any, ada: Any, ben: Any) -> None:
    request = _sms_need(client, NECESITO)
    claim = exchange.claim_create(post=request.post, claimant=ben)
    exchange.claim_decide(claim=claim, actor=ada, accept=True)
    assert _texts_to_texter() == [
        f"Buenas noticias de Crown Heights Mutual Aid: una persona vecina puede ayudar con su pedido {request.code}. "
        "Le escribiremos para organizarlo."
    ]


def test_declining_tells_the_claimant_and_not_the_neighbour(
    client: Any, twilio: Any, ada: Any, ben: Any
) -> None:
    _with_email(ben, "ben@example.org")
    request = _sms_need(client)
    claim = exchange.claim_create(post=request.post, claimant=ben)
    exchange.claim_decide(claim=claim, actor=ada, accept=False)
    told = OutboundMessage.objects.get(user=ben, kind="claim_declined")
    assert told.subject == 'Not this time: "Food, by text message"'
    assert "was declined. Thank you for reaching out." in told.body
    assert _texts_to_texter() == []


def test_assignment_tells_the_member_and_the_neighbour(client: Any, twilio: Any, ada: Any, ben: Any) -> None:
    _with_email(ben, "ben@example.org")
    request = _sms_need(client)
    exchange.post_assign(post=request.post, actor=ada, claimant=ben)
    assert OutboundMessage.objects.filter(user=ben, kind="claim_accepted").count() == 1
    assert len(_texts_to_texter()) == 1


def test_a_neighbour_who_replied_stop_is_not_texted(client: Any, twilio: Any, ada: Any, ben: Any) -> None:
    request = _sms_need(client)
    post_twilio(client, PHONE, "STOP")
    claim = exchange.claim_create(post=request.post, claimant=ben)
    exchange.claim_decide(claim=claim, actor=ada, accept=True)
    assert _texts_to_texter() == []


def test_a_members_own_post_tells_the_claimant_once_and_texts_no_one(ben: Any, ada: Any, crown: Any) -> None:
    _with_email(ada, "ada@example.org")
    post = exchange.post_create(
        group=crown, author=ben, data=exchange.PostInput(kind="need", category="food", title="Soup")
    )
    claim = exchange.claim_create(post=post, claimant=ada)
    exchange.claim_decide(claim=claim, actor=ben, accept=True)
    assert list(OutboundMessage.objects.filter(user=ada).values_list("kind", flat=True)) == ["claim_accepted"]
    exchange.post_act(post=post, actor=ada, action="fulfil")  # later changes of the claim say nothing more
    assert OutboundMessage.objects.filter(user=ada).count() == 1
    assert not OutboundMessage.objects.filter(channel="sms").exists()
