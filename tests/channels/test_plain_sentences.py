"""Texters who write sentences instead of keywords (issue 11): "Hola necesito comida" starts a need in
Spanish with the words kept, one helpful answer per message and never a loop, and words are accepted as
answers where they are unambiguous ("today"/"hoy", "food"/"comida"). Through the signed Twilio webhook
with Twilio's recorded payload shape."""

from __future__ import annotations

from typing import Any

from mutualaid.channels.models import Contact, IntakeRequest
from tests.channels.test_conversation import texts


def test_hola_necesito_comida_starts_a_need_in_spanish_with_the_words_kept(client: Any, twilio: Any) -> None:
    replies = texts(client, "Hola necesito comida para mis hijos", "Crown Heights 11216", "hoy", "NO")
    assert replies[0] == (
        "Hola, le saluda Crown Heights Mutual Aid. Pondremos su pedido en nuestro tablero. "
        "¿En qué barrio o código postal está? Sin dirección exacta, por favor."
    )  # "comida" already said what: food
    assert replies[1] == "¿Para cuándo? Responda 1 para hoy, 2 para esta semana, 3 para cuando se pueda."
    assert replies[3].startswith("Gracias. Su pedido")
    request = IntakeRequest.objects.get()
    post = request.post
    assert (post.kind, post.category, post.urgency) == ("need", "food", "today")
    assert "Hola necesito comida para mis hijos" in post.private_note
    assert Contact.objects.get().language == "es"


def test_a_sentence_without_a_category_asks_for_one_and_accepts_a_word(client: Any, twilio: Any) -> None:
    replies = texts(client, "I need help please", "food", "11216", "today", "Rice and beans")
    assert "What do you need? Reply with a number:" in replies[0]
    assert replies[1] == "Which neighbourhood or ZIP code are you in? No street address, please."
    post = IntakeRequest.objects.get().post
    assert (post.category, post.urgency) == ("food", "today")
    assert post.private_note.startswith("I need help please") and "Rice and beans" in post.private_note


def test_plain_thanks_gets_one_answer_each_time_never_a_loop(client: Any, twilio: Any) -> None:
    replies = texts(client, "OK thank you", "OK thank you")
    assert all(r.count("\n") == 0 and "Reply 1 or NEED" in r for r in replies)
    assert not IntakeRequest.objects.exists()
    assert Contact.objects.get().step == ""


def test_two_categories_in_one_word_list_are_not_guessed(client: Any, twilio: Any) -> None:
    replies = texts(client, "I need food and a ride")
    assert "What do you need? Reply with a number:" in replies[0]
