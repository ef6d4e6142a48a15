"""Complete keyword conversations by SMS, in English and in Spanish, through the Twilio webhook."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.channels.conversation import detect_language
from mutualaid.channels.models import Contact, IntakeRequest, OutboundMessage
from tests.channels.conftest import post_twilio

PHONE = "+17185550199"


def texts(client: Any, *messages: str) -> list[str]:
    """Send each message, return the reply to each (one reply per message in these flows)."""
    replies = []
    for message in messages:
        before = set(OutboundMessage.objects.values_list("pk", flat=True))
        assert post_twilio(client, PHONE, message).status_code == 200
        new = OutboundMessage.objects.exclude(pk__in=before).order_by("pk")
        replies.append("\n".join(m.body for m in new))
    return replies


def test_need_conversation_in_english(client: Any, twilio: Any) -> None:
    replies = texts(
        client, "hi", "NEED", "9", "1", "x", "Crown Heights 11216", "soon", "2", "Groceries for 3 kids"
    )
    assert "Reply 1 or NEED to ask for help" in replies[0]
    assert replies[1].startswith(
        "What do you need? Reply with a number:\n1 Food\n2 Housing\n3 Transportation"
    )
    assert replies[2].startswith("Please reply with a number from 1 to 3.")
    assert replies[3] == "Which neighbourhood or ZIP code are you in? No street address, please."
    assert replies[4] == "Please reply with your neighbourhood or ZIP code (2 to 80 characters)."
    assert replies[5] == "How soon? Reply 1 for today, 2 for this week, 3 for whenever."
    assert (
        replies[6] == "Please reply 1, 2 or 3. How soon? Reply 1 for today, 2 for this week, 3 for whenever."
    )
    assert replies[7] == "Anything else we should know? Reply in a few words, or NO."
    need = IntakeRequest.objects.get()
    assert replies[8] == (
        f"Thank you. Your request {need.code} is on the board of Crown Heights Mutual Aid; "
        "a neighbour will get in touch. Reply STATUS to check on it. "
        # Food a driver may bring: whether they agree to an "on the way" text (issue 13).
        "If a volunteer driver brings it, may we text you when they set out? Reply YES or NO."
    )
    post = need.post  # on the board of the group whose number was texted, held for the texter
    assert (post.group, post.kind, post.category, post.urgency, post.status, post.author, need.language) == (
        twilio.group,
        "need",
        "food",
        "week",
        "open",
        None,
        "en",
    )
    assert (post.title, post.visibility, post.languages) == ("Food, by text message", "group", ["en"])
    # What the texter wrote is a sealed note; an area the board cannot place stays in it, not in the clear.
    assert (post.area, post.details, post.private_note) == (
        "",
        "",
        "Area: Crown Heights 11216\nGroceries for 3 kids",
    )
    assert need.contact.phone == PHONE and post.contact == need.contact.person
    status = texts(client, "status")[0]
    assert status == f"Your requests and offers:\n{need.code}: Need, Food, Open"


def test_need_conversation_in_spanish(client: Any, twilio: Any) -> None:
    replies = texts(client, "Hola, necesito ayuda", "NECESITO", "1", "Bushwick", "1", "no")
    # A sentence that asks for help starts a need at once (issue 11); the keyword starts it afresh.
    assert replies[0].startswith(
        "Hola, le saluda Crown Heights Mutual Aid. Pondremos su pedido en nuestro tablero. "
        "¿Qué necesita? Responda con un número:\n1 Comida"
    )
    assert replies[1].startswith("¿Qué necesita? Responda con un número:\n1 Comida")
    assert replies[2] == "¿En qué barrio o código postal está? Sin dirección exacta, por favor."
    assert replies[3] == "¿Para cuándo? Responda 1 para hoy, 2 para esta semana, 3 para cuando se pueda."
    assert replies[4] == "¿Algo más que debamos saber? Responda en pocas palabras, o NO."
    need = IntakeRequest.objects.get()
    assert replies[5] == (
        f"Gracias. Su pedido {need.code} está en el tablero de Crown Heights Mutual Aid; "
        "una persona vecina se pondrá en contacto. Responda ESTADO para consultarlo. "
        "Si una persona voluntaria se lo lleva, ¿podemos enviarle un mensaje cuando salga? Responda SÍ o NO."
    )
    assert (need.post.urgency, need.post.private_note, need.language) == ("today", "", "es")
    assert need.post.area == "Bushwick"  # a place the gazetteer knows goes on the board (coarse)
    assert texts(client, "Estado")[0] == f"Sus pedidos y ofertas:\n{need.code}: Necesidad, Comida, Abierta"


def test_offer_conversation_in_both_languages(client: Any, twilio: Any) -> None:
    replies = texts(client, "OFFER", "transportation", "11225", "I have a car on weekends")
    assert replies[0].startswith("What can you offer? Reply with a number:")
    assert replies[2] == "Tell us a little more about your offer, or reply NO."
    offer = IntakeRequest.objects.get()
    assert (
        offer.post.kind,
        offer.post.category,
        offer.post.area,
        offer.post.private_note,
        offer.post.expires_at,
    ) == ("offer", "transport", "11225", "I have a car on weekends", None)
    assert replies[3].startswith(f"Thank you. Your offer {offer.code} is on the board")
    replies = texts(client, "OFREZCO", "1", "Crown Heights", "Cocino los domingos")
    assert replies[0].startswith("¿Qué puede ofrecer?")
    assert IntakeRequest.objects.filter(post__kind="offer", language="es").count() == 1


def test_stop_start_and_help(client: Any, twilio: Any) -> None:
    replies = texts(client, "NEED", "STOP")
    assert (
        replies[1] == "You will get no more messages from Crown Heights Mutual Aid. Reply START to come back."
    )
    contact = Contact.objects.get()
    assert contact.opted_out and contact.step == ""
    # Opted out: anything but START or HELP gets no answer at all.
    assert texts(client, "NEED", "hello")[0:2] == ["", ""]
    assert texts(client, "HELP")[0].startswith("Crown Heights Mutual Aid, a mutual aid network.")
    assert texts(client, "START")[0].startswith("Welcome back to Crown Heights Mutual Aid.")
    assert not Contact.objects.get().opted_out


def test_stop_in_spanish_and_language_switch(client: Any, twilio: Any) -> None:
    assert (
        texts(client, "PARAR")[0]
        == "No recibirá más mensajes de Crown Heights Mutual Aid. Responda COMENZAR para volver."
    )
    assert texts(client, "COMENZAR")[0].startswith("Bienvenido de nuevo")
    assert texts(client, "ENGLISH")[0] == "We will write to you in English."
    assert texts(client, "ESPAÑOL")[0] == "Le escribiremos en español."


def test_news_opts_in_and_out_of_announcements(client: Any, twilio: Any) -> None:
    assert "Reply NEWS for announcements." in texts(client, "HELP")[0]
    assert not Contact.objects.get().broadcasts
    assert texts(client, "news")[0] == (
        "You will get announcements from Crown Heights Mutual Aid. Reply NEWS again to stop them."
    )
    assert Contact.objects.get().broadcasts
    assert texts(client, "NOTICIAS")[0] == "No recibirá más anuncios de Crown Heights Mutual Aid."
    assert not Contact.objects.get().broadcasts


def test_status_with_nothing_open(client: Any, twilio: Any) -> None:
    assert (
        texts(client, "STATUS")[0]
        == "You have no open requests or offers. Reply NEED to ask for help or OFFER to offer it."
    )


def test_menu_resets_a_conversation(client: Any, twilio: Any) -> None:
    texts(client, "NEED", "1")
    assert Contact.objects.get().step == "need:area"
    assert texts(client, "menu")[0].startswith("Reply 1 or NEED")
    assert Contact.objects.get().step == ""


def test_details_too_long(client: Any, twilio: Any) -> None:
    replies = texts(client, "NEED", "1", "11216", "3", "x" * 501)
    assert replies[4] == "That is too long for us. Please use at most 500 characters."
    assert not IntakeRequest.objects.exists()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("NECESITO", "es"),
        ("hola", "es"),
        ("¿me pueden ayudar?", "es"),
        ("Necesitamos comida para mi familia", "es"),
        ("hello", "en"),
        ("NEED", "en"),
        ("I need food", "en"),
        ("STOP", "en"),
    ],
)
def test_language_detection(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_language_detected_from_a_first_ayuda_is_kept_for_the_next_reply(client: Any, twilio: Any) -> None:
    replies = texts(client, "AYUDA", "hmm")
    assert replies[0].startswith("Crown Heights Mutual Aid, una red de ayuda mutua.")
    assert Contact.objects.get().language == "es"
    assert replies[1].startswith("Hola, le saluda Crown Heights Mutual Aid.")
