"""Which units can serve each other: "3 bags of groceries" is never served by "cooked meals for 6".

Units are free text. Two posts of one category are paired only when their units name the same thing
once spelling, plural, accents and the two languages are set aside ("bags", "Bag", "bolsas"); a post
without a unit pairs only with posts without one. Nothing here converts between units: a unit that does
not convert is simply another kind of thing.
"""

from __future__ import annotations

import re
import unicodedata

# Words for the same unit in English and Spanish (singular, without accents).
SYNONYMS = {
    "bolsa": "bag",
    "comida": "meal",
    "plato": "meal",
    "racion": "meal",
    "portion": "meal",
    "serving": "meal",
    "hora": "hour",
    "hr": "hour",
    "h": "hour",
    "asiento": "seat",
    "plaza": "seat",
    "viaje": "ride",
    "trip": "ride",
    "caja": "box",
    "noche": "night",
    "persona": "person",
    "people": "person",
    "pieza": "item",
    "unidad": "item",
    "unit": "item",
    "piece": "item",
}


def _singular(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)] + replacement
    return word


def unit_family(unit: str) -> str:
    """The unit's name for pairing: lower case, no accents, first word, singular, English."""
    text = unicodedata.normalize("NFKD", unit).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]+", text)
    if not words:
        return ""
    word = _singular(words[0])
    return SYNONYMS.get(word, word)


def pairing_key(category: str, unit: str) -> str:
    """The engine splits by category: a category joined with the unit family never meets another."""
    family = unit_family(unit)
    return f"{category}|{family}" if family else category
