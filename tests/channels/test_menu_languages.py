"""The SMS menu names every language a texter can switch to, each in its own words (note 6: the English menu
ended "ESPANOL para español" and named neither Kreyòl nor French), and stays within two SMS segments."""

from __future__ import annotations

import pytest
from django.utils import translation

from mutualaid.channels import conversation

pytestmark = pytest.mark.pure

# The GSM 03.38 basic alphabet (a text with any other character goes as UCS-2: 70 characters a segment).
GSM = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
TWO_SEGMENTS = 2 * 153  # concatenated GSM-7 segments carry 153 characters each
GROUP = "Crown Heights Mutual Aid and Neighbours"  # a long group name


@pytest.mark.parametrize(
    ("language", "own"),
    [("en", "ENGLISH"), ("es", "ESPANOL"), ("fr", "FRANCAIS"), ("ht", "KREYOL")],
)
def test_the_menu_names_the_other_languages_in_theirs(language: str, own: str) -> None:
    with translation.override(language):
        text = conversation.menu()
        welcome = translation.gettext("Hello from %(group)s.") % {"group": GROUP} + " " + text
    others = {
        "ENGLISH for English.",
        "ESPANOL para español.",
        "KREYOL pou kreyòl.",
        "FRANCAIS pour nos messages dans cette langue.",
    }
    for line in others:
        assert (line in text) != line.startswith(own), line
    assert set(welcome) <= set(GSM), set(welcome) - set(GSM)
    # Only the keywords are in capitals: the rest of each line reads as a sentence.
    for line in others:
        assert not any(w.isupper() and len(w) > 1 for w in line.split()[1:]), line
    assert len(welcome) <= TWO_SEGMENTS
    # each switch word is understood, with or without its accents
    for word in ("ENGLISH", "ESPAÑOL", "KREYÒL", "FRANÇAIS"):
        assert conversation.keyword(word) in conversation.LANGUAGE_WORDS
