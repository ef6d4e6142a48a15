"""What one cell says: categories, urgency, languages, status, quantities and phone numbers, in the words
groups' forms use."""

from __future__ import annotations

import re

from mutualaid.core.categories import Category, Language
from mutualaid.exchange.models import (
    UNIT_MAX,
    Status,
    Urgency,
)
from mutualaid.exchange.services import (
    NANP_WRITTEN,
)
from mutualaid.exchange.spreadsheet import normalise_header

CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "food": (
        "food",
        "groceries",
        "grocery",
        "shopping",
        "meal",
        "meals",
        "cooked meals",
        "pantry",
        "produce",
        "comida",
        "alimentos",
        "despensa",
        "compras",
        "mercado",
        "viveres",
        "formula",
        "baby formula",
        "water",
        "bread",
        "rice",
        "agua",
        "leche",
        "arroz",
        "comestibles",
        "comidas",
        "alimentacion",
        "mandado",
    ),
    "housing": (
        "housing",
        "rent",
        "eviction",
        "shelter",
        "utilities",
        "landlord",
        "tenant",
        "tenants",
        "vivienda",
        "renta",
        "alquiler",
        "desalojo",
        "refugio",
        "casero",
        "arrendador",
        "inquilino",
    ),
    "legal": ("legal", "bail", "lawyer", "immigration", "court", "fianza", "abogado", "inmigracion"),
    "disaster": ("disaster", "emergency", "storm", "flood", "fire", "hurricane", "desastre", "emergencia"),
    "defense": (
        "defense",
        "defence",
        "safety",
        "escort",
        "security",
        "defensa",
        "seguridad",
        "acompanamiento",
    ),
    "childcare": (
        "childcare",
        "child care",
        "babysitting",
        "kids",
        "children",
        "after school",
        "cuidado de ninos",
        "ninos",
        "guarderia",
        "ninera",
    ),
    "health": (
        "health",
        "medicine",
        "medicines",
        "medical",
        "prescription",
        "pharmacy",
        "nursing",
        "doctor",
        "mental health",
        "emotional support",
        "wellness",
        "clinic",
        "hospital",
        "check in",
        "check ins",
        "wellness check",
        "companionship",
        "emotional",
        "therapy",
        "counseling",
        "medicina",
        "medicamento",
        "medicamentos",
        "salud",
        "receta",
        "farmacia",
        "clinica",
        "apoyo emocional",
        "salud mental",
        "medico",
    ),
    "transport": (
        "transportation",
        "transport",
        "ride",
        "rides",
        "car",
        "drive",
        "driving",
        "driver",
        "delivery",
        "lift",
        "pick up",
        "pickup",
        "drop off",
        "transporte",
        "viaje",
        "carro",
        "coche",
        "auto",
        "raite",
        "aventon",
        "entrega",
    ),
    "skills": (
        "skills",
        "translation",
        "interpreting",
        "labor",
        "labour",
        "repair",
        "repairs",
        "tutoring",
        "moving",
        "tech",
        "habilidades",
        "traduccion",
        "reparaciones",
        "tutoria",
        "mudanza",
    ),
    "supplies": (
        "supplies",
        "goods",
        "cleaning",
        "diapers",
        "masks",
        "clothes",
        "clothing",
        "hygiene",
        "household items",
        "suministros",
        "ropa",
        "panales",
        "limpieza",
        "higiene",
        "cubrebocas",
    ),
    "money": (
        "money",
        "financial",
        "financial support",
        "cash",
        "funds",
        "bill",
        "bills",
        "electric bill",
        "pay",
        "paying",
        "payment",
        "venmo",
        "cash app",
        "dinero",
        "apoyo financiero",
        "efectivo",
        "financiero",
        "pagar",
        "pago",
        "cuentas",
        "factura",
        "facturas",
        "ayuda economica",
        "economica",
    ),
}
_CATEGORY_LOOKUP = {normalise_header(w): c for c, words in CATEGORY_WORDS.items() for w in words}
for _cat in Category:
    _CATEGORY_LOOKUP.setdefault(_cat.value, _cat.value)

LANGUAGE_WORDS = {
    "en": ("english", "ingles", "anglais", "en"),
    "es": ("spanish", "espanol", "castellano", "es"),
    "ht": ("haitian", "haitian creole", "haitian kreyol", "kreyol", "creole", "criollo haitiano", "ht"),
    "zh": ("chinese", "mandarin", "cantonese", "chino", "zh"),
    "ru": ("russian", "ruso", "ru"),
    "ar": ("arabic", "arabe", "ar"),
    "fr": ("french", "frances", "francais", "fr"),
    "bn": ("bengali", "bangla", "bn"),
    "pl": ("polish", "polaco", "pl"),
    "ko": ("korean", "coreano", "ko"),
    "vi": ("vietnamese", "vietnamita", "vi"),
    "tl": ("tagalog", "filipino", "tl"),
    "pt": ("portuguese", "portugues", "pt"),
}
_LANGUAGE_LOOKUP = {normalise_header(w): code for code, words in LANGUAGE_WORDS.items() for w in words}

_NOT_AN_ANSWER = {
    "yes",
    "no",
    "si",
    "n a",
    "na",
    "none",
    "ninguno",
    "ninguna",
    "x",
    "true",
    "false",
    "nothing",
    "nada",
    "other",
    "otro",
    "otra",
}
_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")
_SPLIT = re.compile(r"[,;\n/]+|\s+(?:and|y)\s+")
_CHOICES = re.compile(r"[,;\n]+|\s+(?:and|y)\s+")
# What a checkbox or yes/no column holds when the answer is yes, in the languages groups' forms use.
_TICKED = {"yes", "y", "si", "true", "1", "x", "checked", "yes please", "si por favor", "needed", "required"}
_YES = _TICKED | {
    "weekly",
    "daily",
    "monthly",
    "every week",
    "biweekly",
    "every month",
    "ongoing",
    "semanal",
    "diario",
    "mensual",
    "cada semana",
    "cada mes",
    "quincenal",
    "recurring",
    "recurrente",
}
CELL_MAX = 5000


def _split(cell: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(cell) if p.strip()]


_OTHER_PREFIX = re.compile(r"^\s*(?:other|otro|otra|otros)\s*[:(-]\s*", re.IGNORECASE)


def _choices(cell: str) -> list[str]:
    """The answers of a multi-choice cell. A separator inside brackets belongs to its choice ("Cleaning
    supplies (soap, bleach)"), and a form's "Other: …" answer is the words after the colon."""
    hidden = re.sub(r"\([^)]*\)", lambda m: m.group(0).replace(",", "\x00").replace(";", "\x01"), cell)
    parts = [p.replace("\x00", ",").replace("\x01", ";").strip() for p in _CHOICES.split(hidden)]
    return [_OTHER_PREFIX.sub("", p).strip() for p in parts if _OTHER_PREFIX.sub("", p).strip()]


def _singular(key: str, lookup: dict[str, str]) -> str | None:
    """Plural answers ("medicinas", "rides") find their singular entry."""
    for cut in (1, 2):
        if len(key) > cut + 2 and key.endswith("s") and key[:-cut] in lookup:
            return lookup[key[:-cut]]
    return None


def _category_of_words(key: str) -> str | None:
    code = _CATEGORY_LOOKUP.get(key) or _singular(key, _CATEGORY_LOOKUP)
    if code is None:
        words = key.split()
        code = next(
            (
                c
                for n in (3, 2, 1)
                for i in range(len(words) - n + 1)
                if (
                    c := _CATEGORY_LOOKUP.get(" ".join(words[i : i + n]))
                    or _singular(" ".join(words[i : i + n]), _CATEGORY_LOOKUP)
                )
            ),
            None,
        )
    return code


def categories_of(cell: str) -> tuple[list[str], list[str]]:
    """Taxonomy codes for a multi-choice cell, and the words that matched none (mapped to "other")."""
    found, unknown, _words = categories_with_words(cell)
    return found, unknown


def categories_with_words(cell: str) -> tuple[list[str], list[str], dict[str, str]]:
    """Like `categories_of`, plus the sheet's own words for each category ("Groceries" for food), which
    make better titles than the taxonomy's labels."""
    found: list[str] = []
    unknown: list[str] = []
    words: dict[str, str] = {}
    parts = _choices(cell)
    # Free text with a comma ("Ride to clinic, Tuesday") is one answer, not a list: only short parts
    # are choices.
    if (
        len(parts) > 1
        and len(cell) > 40
        and _category_of_words(normalise_header(parts[0])) is not None
        and all(_category_of_words(normalise_header(p)) is None for p in parts[1:])
    ):
        parts = [parts[0]]
    for part in parts:
        pieces = [q.strip() for q in part.split("/") if q.strip()] or [part]
        codes = []
        for piece in pieces:
            key = normalise_header(piece)
            if key in _NOT_AN_ANSWER or not key:
                continue
            code = _category_of_words(key)
            if code is None:
                unknown.append(piece)
                code = Category.OTHER.value
            codes.append((code, piece))
        # "Car / rides" is one choice: its words stay together when its halves mean the same thing.
        whole = len({c for c, _p in codes}) == 1
        for code, piece in codes:
            word = part if whole else piece
            if code not in found:
                found.append(code)
                words[code] = word
            elif code == Category.OTHER.value and word not in words[code]:
                words[code] = f"{words[code]}, {word}"
    return found, unknown, words


_URGENCIES = frozenset(Urgency.values)


def urgency_of(cell: str) -> str | None:
    key = normalise_header(cell)
    if not key:
        return Urgency.FLEXIBLE
    if key in _URGENCIES:
        return key
    # A yes/no column ("Urgent?"): yes is today, no is whenever.
    if key in _TICKED:
        return Urgency.TODAY
    if key in {"no", "false", "0", "n"}:
        return Urgency.FLEXIBLE
    padded = f" {key} "
    if any(
        w in key
        for w in ("not urgent", "no urgente", "no es urgente", "non urgent", "whenever", "cuando sea")
    ):
        return Urgency.FLEXIBLE
    if any(
        w in key
        for w in (
            "day or two",
            "couple of days",
            "few days",
            "dia o dos",
            "unos dias",
            "48 hours",
            "48 horas",
            "72 hours",
        )
    ):
        return Urgency.WEEK
    if any(
        w in key
        for w in (
            "today",
            "urgent",
            "24 hours",
            "24 h",
            "asap",
            "emergency",
            "immediately",
            "hoy",
            "urgente",
            "inmediat",
            "24 horas",
            "within a day",
            "now",
            "critical",
            "critica",
            "critico",
            "tonight",
            "esta noche",
        )
    ) or any(f" {w} " in padded for w in ("high", "alta", "alto", "1", "p1", "very high", "muy alta")):
        return Urgency.TODAY
    if any(
        w in key for w in ("week", "soon", "days", "semana", "pronto", "dias", "tomorrow", "manana")
    ) or any(
        f" {w} " in padded for w in ("medium", "media", "medio", "normal", "2", "p2", "moderate", "moderada")
    ):
        return Urgency.WEEK
    if any(
        w in key
        for w in (
            "flexible",
            "whenever",
            "anytime",
            "any time",
            "not urgent",
            "no urgente",
            "cuando sea",
            "month",
            "mes",
            "later",
            "no rush",
            "sin prisa",
        )
    ) or any(f" {w} " in padded for w in ("low", "baja", "bajo", "3", "p3")):
        return Urgency.FLEXIBLE
    return None


def languages_of(cell: str) -> list[str]:
    codes = []
    for part in _split(cell):
        code = _LANGUAGE_LOOKUP.get(normalise_header(part)) or Language.OTHER.value
        if code not in codes:
            codes.append(code)
    return codes


def status_of(cell: str) -> str:
    key = normalise_header(cell)
    if any(w in key for w in ("duplicate", "duplicado", "dupe", "repetido")):
        return "duplicate"
    if any(w in key for w in ("cancel", "withdrawn", "retirad", "spam", "invalid")):
        return Status.WITHDRAWN
    if any(
        w in key
        for w in (
            "done",
            "complete",
            "delivered",
            "fulfilled",
            "closed",
            "resolved",
            "entregad",
            "completad",
            "cumplid",
            "cerrad",
            "resuelt",
            "finished",
            "met",
        )
    ):
        return Status.FULFILLED
    if any(w in key for w in ("progress", "assigned", "proceso", "asignad", "claimed")):
        return Status.IN_PROGRESS
    return Status.OPEN


# Quantities -------------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "dozen": 12,
    "twenty": 20,
    "a couple": 2,
    "couple": 2,
    "un": 1,
    "una": 1,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "una docena": 12,
    "docena": 12,
    "veinte": 20,
}
_ABOUT = re.compile(
    r"^(?:about|around|approx\.?|approximately|roughly|up to|at least|~|aprox\.?|aproximadamente|"
    r"unos|unas|como|hasta|al menos)\s*"
)


def quantity_of(cell: str) -> tuple[int, str] | None:
    """How many, and of what, from a cell like "2", "2 bags", "three", "2-3 boxes", "dos bolsas de comida".

    A range counts as its upper end. None when there is no whole number to read.
    """
    text = _ABOUT.sub("", cell.strip().lower())
    match = re.match(
        r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?(?:\s*(?:-|\u2013|to|a)\s*(\d+))?(?![\d.])\s*(.*)$", text
    )
    if match:
        number = int(match.group(2) or match.group(1).replace(",", ""))
        rest = match.group(3)
    else:
        found = next(
            (
                w
                for w in sorted(_NUMBER_WORDS, key=len, reverse=True)
                if text == w or text.startswith(w + " ")
            ),
            None,
        )
        if found is None or (found in {"a", "an", "un", "una"} and text == found):
            return None
        number, rest = _NUMBER_WORDS[found], text[len(found) :]
    rest = re.split(r"\s+(?:of|de|for|para)\s+", f" {rest.strip()} ", maxsplit=1)[0].strip(" .x\u00d7")
    return number, rest[:UNIT_MAX].strip()


_PHONE_ONLY = re.compile(r"^[\d\s().+-]*$")
_PHONE_IN_TEXT = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")


def phone_part(cell: str) -> tuple[str, str]:
    """The phone number in a cell and any e-mail address beside it: "best way to reach you" columns hold
    either, and volunteers write "text only: 347-555-0101" or "(347) 555-0102 (cell)"."""
    email = ""
    found = re.search(r"[^\s,;<>()]+@[^\s,;<>()]+", cell)
    if found:
        email = found.group(0)
        cell = (cell[: found.start()] + cell[found.end() :]).strip(" ,;/-")
    if cell and not _PHONE_ONLY.match(cell):
        number = _PHONE_IN_TEXT.search(cell)
        cell = number.group(0) if number else cell
    return cell.strip(), email


def north_american(phones: list[str]) -> bool:
    """Whether a sheet's phone numbers are North American: some are written that way (347-555-0150 or +1…)
    and none carries another country's code. Then bare ten-digit numbers get +1 too, so one person's number
    has one form (the form SMS gateways send), whatever the volunteer typed."""
    written = [phone_part(p)[0] for p in phones if p.strip()]
    if any(p.strip().startswith("+") and not p.strip().startswith("+1") for p in written):
        return False
    return any(NANP_WRITTEN.match(p) for p in written)
