"""Keyword conversations by SMS in Haitian Creole and in French, through the Twilio webhook: the bot
answers in the language the keyword or the first sentence implies, as it does for Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.channels.conversation import detect_language
from mutualaid.channels.models import Contact, IntakeRequest
from tests.channels.test_conversation import texts


def test_need_conversation_in_haitian_creole(client: Any, twilio: Any) -> None:
    replies = texts(client, "BEZWEN", "1", "Bushwick", "1", "non")
    assert replies[0].startswith("Kisa ou bezwen? Reponn ak yon nimewo:\n1 Manje")
    assert replies[1] == "Nan ki katye oswa ki kòd postal ou ye? Pa bay adrès lari a, tanpri."
    assert replies[2] == "Pou kilè? Reponn 1 pou jodi a, 2 pou semèn sa a, 3 pou nenpòt lè."
    assert replies[3] == "Gen lòt bagay nou ta dwe konnen? Reponn ak kèk mo, oswa NON."
    need = IntakeRequest.objects.get()
    assert replies[4] == (
        f"Mèsi. Demann ou {need.code} sou tablo Crown Heights Mutual Aid; yon vwazen ap kontakte ou. "
        "Reponn ESTATI pou swiv li. Si yon chofè volontè pote l ba ou, èske nou ka voye yon tèks ba ou lè l ap "
        "pati? Reponn WI oswa NON."
    )
    # NON answers "anything else?" with nothing: no details are kept.
    assert (need.language, need.post.category, need.post.urgency, need.post.private_note) == (
        "ht",
        "food",
        "today",
        "",
    )
    assert texts(client, "ESTATI")[0].startswith(f"Demann ak òf ou yo:\n{need.code}: ")


def test_need_conversation_in_french(client: Any, twilio: Any) -> None:
    replies = texts(client, "BESOIN", "1", "Bushwick", "semaine", "Des couches pour un bébé")
    assert replies[0].startswith("De quoi as-tu besoin ? Réponds avec un numéro :\n1 Nourriture")
    assert replies[2].startswith("C'est pour quand ?")
    need = IntakeRequest.objects.get()
    assert replies[4] == (
        f"Merci. Ta demande {need.code} est sur le tableau de Crown Heights Mutual Aid ; un voisin ou une "
        "voisine va te contacter. Réponds STATUT pour la suivre. Si un chauffeur bénévole te l'apporte, "
        "pouvons-nous t'envoyer un SMS quand il part ? Réponds OUI ou NON."
    )
    assert (need.language, need.post.urgency, need.post.private_note) == (
        "fr",
        "week",
        "Des couches pour un bébé",
    )


def test_a_sentence_in_kreyol_starts_a_need_with_its_category(client: Any, twilio: Any) -> None:
    (reply,) = texts(client, "Bonjou, mwen bezwen manje pou fanmi mwen")
    assert reply == (
        "Bonjou, se Crown Heights Mutual Aid. N ap mete demann ou an sou tablo nou an. "
        "Nan ki katye oswa ki kòd postal ou ye? Pa bay adrès lari a, tanpri."
    )
    assert Contact.objects.get().language == "ht"


def test_stop_start_news_and_language_words(client: Any, twilio: Any) -> None:
    assert texts(client, "KANPE")[0] == (
        "Ou p ap resevwa mesaj Crown Heights Mutual Aid ankò. Reponn START pou tounen."
    )
    assert Contact.objects.get().opted_out
    assert texts(client, "KÒMANSE")[0].startswith("Byenveni ankò nan Crown Heights Mutual Aid.")
    assert not Contact.objects.get().opted_out
    assert texts(client, "FRANÇAIS")[0] == "Nous t'écrirons en français."
    assert texts(client, "NOUVELLES")[0] == (
        "Tu recevras les annonces de Crown Heights Mutual Aid. Réponds encore NOUVELLES pour les arrêter."
    )
    assert Contact.objects.get().broadcasts
    assert texts(client, "KREYÒL")[0] == "N ap ekri ou an kreyòl ayisyen."
    help_text = texts(client, "ÈD")[0]
    assert help_text.startswith("Crown Heights Mutual Aid, yon rezo èd mityèl. Reponn 1 oswa BEZWEN")
    assert "Reponn ALÈT" in help_text
    assert Contact.objects.get().language == "ht"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("BEZWEN", "ht"),
        ("KREYÒL", "ht"),
        ("wi", "ht"),
        ("Bonjou mwen bezwen èd tanpri", "ht"),
        ("BESOIN", "fr"),
        ("Oui", "fr"),
        ("Bonjour, j'ai besoin d'aide pour ma famille", "fr"),
        ("ALERTE", "fr"),
        ("ALÈT", "ht"),
        ("MENU", "en"),
        ("NON", "en"),
        ("Hola, necesito ayuda", "es"),
    ],
)
def test_keywords_and_sentences_imply_a_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_a_group_whose_first_language_is_kreyol_answers_a_new_texter_in_kreyol(
    client: Any, twilio: Any
) -> None:
    twilio.group.languages = ["ht", "en"]
    twilio.group.save(update_fields=["languages"])
    (reply,) = texts(client, "allo")
    assert reply == (
        "Bonjou, se Crown Heights Mutual Aid. Reponn 1 oswa BEZWEN pou mande èd, 2 oswa OFRI pou ofri èd, "
        "3 oswa ESTATI pou wè demann ou yo, STOP pou pa resevwa mesaj ankò. ENGLISH for English. "
        "ESPANOL para español. "
        "FRANCAIS pour nos messages dans cette langue."
    )
    assert Contact.objects.get().language == "ht"
