"""Two-way texting (issue 11): a member's messages in the conversation of a claim on a need that came
by SMS go out to the neighbour from the group's number, and the neighbour's replies land in that
conversation, sealed; numbers stay hidden both ways; a gateway's retries add nothing; with several open
conversations a reply goes to the current one, a code at the start picks another, and MENU/MENÚ still
reaches the bot. Through the signed webhooks with the gateways' recorded payload shapes."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from django.db import connection
from django.urls import reverse

from mutualaid.channels.models import Contact, IntakeRequest, OutboundMessage
from mutualaid.channels.models import Notice as InboxNotice
from mutualaid.exchange import services as exchange
from mutualaid.exchange.models import Claim, Message
from tests.channels.conftest import android_event, post_android, post_twilio, run_jobs

PHONE = "+17185550177"
NEED = ["NEED", "1", "Crown Heights", "1", "Rice and beans"]
NECESITO = ["NECESITO", "1", "Crown Heights", "1", "Arroz y frijoles"]


def _sms_need(client: Any, words: list[str] = NEED, post: Any = post_twilio) -> IntakeRequest:
    before = set(IntakeRequest.objects.values_list("pk", flat=True))
    for word in words:
        assert post(client, PHONE, word).status_code == 200
    return IntakeRequest.objects.select_related("post").exclude(pk__in=before).get()


def _accepted(request: IntakeRequest, claimant: Any, coordinator: Any) -> Claim:
    claim = exchange.claim_create(post=request.post, claimant=claimant)
    return exchange.claim_decide(claim=claim, actor=coordinator, accept=True)


def _conversation(request: IntakeRequest, claim: Claim) -> str:
    return reverse("exchange_conversation", args=["crown", request.post.pk, claim.pk])


def _relayed() -> list[str]:
    return [m.body or "" for m in OutboundMessage.objects.filter(kind="relay").order_by("pk")]


def test_web_message_goes_out_by_sms_and_the_twilio_reply_lands_in_the_conversation(
    client: Any,
    twilio: Any,
    http_server: Any,
    ada: Any,
    ben: Any,
    client_for: Any,
    api_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ben.phone = "+17185550999"
    ben.save(update_fields=["phone"])
    request = _sms_need(client)
    claim = _accepted(request, ben, ada)
    page = client_for(ben)
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(_conversation(request, claim), {"body": "Hi! Can I bring it at 5pm?"})
    assert response.status_code == 302
    [queued] = OutboundMessage.objects.filter(kind="relay")
    assert queued.recipient == PHONE and queued.contact is not None and queued.gateway == twilio
    assert queued.body == (
        f"Ben (Crown Heights Mutual Aid), about your request {request.code}: Hi! Can I bring it at 5pm?\n"
        "Reply to this message to answer. Text MENU for the menu."
    )
    assert "+17185550999" not in (queued.body or "")  # the member's number never goes out
    http_server.requests.clear()
    run_jobs()
    [sent] = http_server.requests
    form = parse_qs(sent["body"].decode())
    assert form["To"] == [PHONE] and form["From"] == ["+17185550100"]  # from the group's number
    assert form["Body"][0].startswith("Ben (Crown Heights Mutual Aid)")

    # The neighbour answers; Twilio delivers it, and retries the same delivery.
    params_sid = "SM" + "7" * 32
    with django_capture_on_commit_callbacks(execute=True):
        assert post_twilio(client, PHONE, "Yes 5pm is perfect, thank you!", sid=params_sid).status_code == 200
        assert post_twilio(client, PHONE, "Yes 5pm is perfect, thank you!", sid=params_sid).status_code == 200
    [reply] = Message.objects.filter(claim=claim, from_neighbour=True)
    assert reply.body == "Yes 5pm is perfect, thank you!" and reply.author is None
    # No bot menu for a reply in a conversation, and no second copy for the retry.
    assert not OutboundMessage.objects.filter(kind="reply", created_at__gte=reply.created_at).exists()
    # Sealed like every message.
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM exchange_message WHERE id = %s", [reply.pk])
        (raw,) = cursor.fetchone()
    assert "5pm is perfect" not in raw
    # The member sees it on the page, from "the neighbour", without the number; and is told.
    html = page.get(_conversation(request, claim)).content.decode()
    assert "Yes 5pm is perfect, thank you!" in html
    assert "The neighbour (by text message)" in html
    assert "7185550177" not in html
    notice = InboxNotice.objects.filter(user=ben, kind="message").get()
    assert notice.url == _conversation(request, claim)
    # API parity.
    api = api_for(ben).get(f"/api/v1/groups/crown/posts/{request.post.pk}/claims/{claim.pk}/messages")
    assert api.status_code == 200
    rows = api.json()
    assert rows[-1]["from_neighbour"] is True and rows[-1]["author"] is None
    assert "7185550177" not in api.content.decode()


def test_android_gateway_reply_arrives_once_and_an_api_message_is_queued_as_sms(
    client: Any, android: Any, ada: Any, fay: Any, api_for: Any
) -> None:
    ids = iter(range(100))
    request = _sms_need(
        client,
        NECESITO,
        post=lambda c, phone, text: post_android(c, android_event(phone, text, message_id=f"m-{next(ids)}")),
    )
    claim = _accepted(request, fay, ada)
    api = api_for(fay).post(
        f"/api/v1/groups/crown/posts/{request.post.pk}/claims/{claim.pk}/messages",
        data=json.dumps({"body": "Puedo llevarlo mañana"}),
        content_type="application/json",
    )
    assert api.status_code == 201
    [queued] = _relayed()
    assert queued.startswith(
        f"Fay (Crown Heights Mutual Aid), sobre su pedido {request.code}: Puedo llevarlo"
    )
    body = android_event(PHONE, "Gracias, mañana está bien", message_id="reply-1")
    assert post_android(client, body).status_code == 200
    assert post_android(client, body).status_code == 200  # the app's retry
    assert [m.body for m in Message.objects.filter(claim=claim, from_neighbour=True)] == [
        "Gracias, mañana está bien"
    ]


def test_a_reply_is_kept_even_before_any_member_wrote(client: Any, twilio: Any, ada: Any, ben: Any) -> None:
    """The "help is found" text invites an answer; "OK thank you" is not lost in the bot's menu."""
    request = _sms_need(client)
    claim = _accepted(request, ben, ada)
    before = OutboundMessage.objects.count()
    assert post_twilio(client, PHONE, "OK thank you").status_code == 200
    assert [m.body for m in Message.objects.filter(claim=claim)] == ["OK thank you"]
    assert OutboundMessage.objects.count() == before  # no bot menu, no loop


def test_several_conversations_current_one_code_picks_another_and_menu_reaches_the_bot(
    client: Any, twilio: Any, ada: Any, ben: Any, fay: Any
) -> None:
    first = _sms_need(client)
    second = _sms_need(client, ["NEED", "2", "Crown Heights", "2", "Rent help"])
    claim_one = _accepted(first, ben, ada)
    claim_two = _accepted(second, fay, ada)
    exchange.message_send(claim=claim_one, author=ben, body="Rice tomorrow?")
    relayed = _relayed()[-1]
    assert f"about your request {first.code}: Rice tomorrow?" in relayed
    assert f"To write about {second.code} instead, start your message with that code." in relayed

    # A plain reply goes to the conversation a member last wrote in, with a hint how to choose.
    before = OutboundMessage.objects.count()
    post_twilio(client, PHONE, "tomorrow is good")
    assert [m.body for m in Message.objects.filter(claim=claim_one)] == ["Rice tomorrow?", "tomorrow is good"]
    [hint] = OutboundMessage.objects.order_by("pk")[before:]
    assert hint.body == (
        f"Sent about your request {first.code}. To write about {second.code} instead, "
        "start your message with that code."
    )

    # The code of the other request, in any case, sends this one there, without the code.
    post_twilio(client, PHONE, f"{second.code.lower()}: the landlord called again")
    assert [m.body for m in Message.objects.filter(claim=claim_two)] == ["the landlord called again"]
    # ...and makes it the current one: the next plain reply follows.
    post_twilio(client, PHONE, "thanks fay")
    assert Message.objects.filter(claim=claim_two).count() == 2
    assert Contact.objects.get().relay_to == second

    # MENÚ reaches the bot (nothing relayed), then the bot's questions get the answers.
    count = Message.objects.count()
    replies = []
    for text in ["MENÚ", "NEED", "1", "Crown Heights", "3", "NO"]:
        before = OutboundMessage.objects.count()
        post_twilio(client, PHONE, text)
        replies.append(" ".join(m.body or "" for m in OutboundMessage.objects.order_by("pk")[before:]))
    assert Message.objects.count() == count
    assert "Reply 1 or NEED to ask for help" in replies[0]
    assert "Thank you. Your request" in replies[-1]
    assert IntakeRequest.objects.count() == 3


def test_a_need_half_written_keeps_its_answers_until_a_member_writes(
    client: Any, twilio: Any, ada: Any, ben: Any
) -> None:
    request = _sms_need(client)
    claim = _accepted(request, ben, ada)
    post_twilio(client, PHONE, "NEED")
    post_twilio(client, PHONE, "1")  # the bot's category question, not the conversation
    assert Contact.objects.get().step == "need:area"
    assert not Message.objects.filter(claim=claim).exists()
    exchange.message_send(claim=claim, author=ben, body="Are you home?")
    post_twilio(client, PHONE, "yes I am")
    assert [m.body for m in Message.objects.filter(claim=claim, from_neighbour=True)] == ["yes I am"]


def test_stop_silences_relayed_messages(client: Any, twilio: Any, ada: Any, ben: Any) -> None:
    request = _sms_need(client)
    claim = _accepted(request, ben, ada)
    post_twilio(client, PHONE, "STOP")
    exchange.message_send(claim=claim, author=ben, body="Hello?")
    assert _relayed() == []
    assert Message.objects.filter(claim=claim).count() == 1  # kept on the web


def test_no_relay_for_a_members_own_post(ben: Any, fay: Any, crown: Any, twilio: Any) -> None:
    from tests.helpers import make_post

    post = make_post(crown, ben)
    claim = exchange.claim_create(post=post, claimant=fay)
    exchange.message_send(claim=claim, author=fay, body="hi")
    assert _relayed() == []


def test_long_messages_are_split_for_the_gateway() -> None:
    from mutualaid.channels.relay import split_sms

    text = "word " * 700
    parts = split_sms(text.strip())
    assert len(parts) == 3 and all(len(p) <= 1500 for p in parts)
    assert " ".join(parts) == text.strip()


def test_words_before_anyone_took_the_request_up_are_kept_with_it(client: Any, twilio: Any) -> None:
    request = _sms_need(client)
    before = OutboundMessage.objects.count()
    assert post_twilio(client, PHONE, "I am home after 5pm").status_code == 200
    request.post.refresh_from_db()
    assert request.post.private_note.endswith("Rice and beans\nI am home after 5pm")
    [told] = OutboundMessage.objects.order_by("pk")[before:]
    assert told.body == (
        f"Thank you. We added your message to your request {request.code}, for the neighbour who takes it up. "
        "Reply MENU for the menu."
    )
    # Asking for more help still starts a new request, and MENU still reaches the bot.
    assert "What do you need?" in _last_reply(client, "I need diapers too")
    assert "Reply 1 or NEED to ask for help" in _last_reply(client, "MENU")


def test_a_released_claim_leaves_the_words_with_the_open_request(
    client: Any, twilio: Any, ada: Any, ben: Any
) -> None:
    request = _sms_need(client)
    claim = _accepted(request, ben, ada)
    exchange.post_act(post=request.post, actor=ben, action="release")
    claim.refresh_from_db()
    assert claim.state == "released"
    post_twilio(client, PHONE, "is anyone still coming?")
    request.post.refresh_from_db()
    assert "is anyone still coming?" in request.post.private_note
    assert not Message.objects.filter(from_neighbour=True).exists()


def test_control_characters_alone_do_not_break_the_webhook(
    client: Any, twilio: Any, ada: Any, ben: Any
) -> None:
    request = _sms_need(client)
    _accepted(request, ben, ada)
    assert post_twilio(client, PHONE, "\x07\x08 ").status_code == 200
    assert not Message.objects.filter(from_neighbour=True).exists()


def _last_reply(client: Any, text: str) -> str:
    before = OutboundMessage.objects.count()
    assert post_twilio(client, PHONE, text).status_code == 200
    return "\n".join(m.body or "" for m in OutboundMessage.objects.order_by("pk")[before:])


def test_slot_words_reach_the_bot_even_in_an_open_conversation(
    client: Any, twilio: Any, crown: Any, ada: Any, ben: Any
) -> None:
    from tests.shifts.test_distribution_sms import make_day

    request = _sms_need(client)
    claim = _accepted(request, ben, ada)
    exchange.message_send(claim=claim, author=ben, body="Rice tomorrow?")
    make_day(crown)
    count = Message.objects.filter(claim=claim).count()

    for text in ["SLOT", "1"]:
        before = OutboundMessage.objects.count()
        post_twilio(client, PHONE, text)
        replies = [m.body or "" for m in OutboundMessage.objects.order_by("pk")[before:]]
        assert replies, text
    assert "Booked: " in replies[0]
    post_twilio(client, PHONE, "slot off")
    assert Message.objects.filter(claim=claim).count() == count  # nothing of it went to the conversation
    post_twilio(client, PHONE, "see you then")
    assert Message.objects.filter(claim=claim).count() == count + 1


def test_an_alert_report_reaches_the_bot_even_in_an_open_conversation(
    client: Any, twilio: Any, crown: Any, ada: Any, ben: Any
) -> None:
    from mutualaid.defense.models import Report

    request = _sms_need(client)
    claim = _accepted(request, ben, ada)
    exchange.message_send(claim=claim, author=ben, body="Rice tomorrow?")
    count = Message.objects.filter(claim=claim).count()

    for text in ["ALERT", "2", "Marshals at the door", "Nostrand Av and Park Pl", "now"]:
        post_twilio(client, PHONE, text)
    report = Report.objects.get()
    assert (report.kind, report.what, report.where) == (
        "eviction",
        "Marshals at the door",
        "Nostrand Av and Park Pl",
    )
    assert Message.objects.filter(claim=claim).count() == count  # none of it reached the helper
