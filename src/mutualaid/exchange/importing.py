"""Importing needs and offers from the spreadsheets groups already keep (Google Forms, Sheets, Airtable).

Three steps, the same on the web and in `mutualaid import`:
1. `propose_mapping` says which column feeds which field, from header aliases in English and Spanish
   and fuzzy matching, so other groups' sheets work without configuration;
2. `plan_import` turns every row into what will be created, with each row's problems and its line number;
3. `import_commit` writes the whole plan in one transaction, or nothing when any row has a problem.

People imported without an account become `Contact`s held privately by the group (encrypted).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualaid.core.categories import Category, Language
from mutualaid.core.encryption import blind_index
from mutualaid.exchange import search
from mutualaid.exchange.models import (
    ADDRESS_MAX,
    DETAILS_MAX,
    QUANTITY_MAX,
    TITLE_MAX,
    UNIT_MAX,
    Contact,
    Kind,
    Post,
    PostEvent,
    Status,
    Urgency,
    Visibility,
)
from mutualaid.exchange.services import (
    NAME_MAX,
    NANP,
    NANP_WRITTEN,
    NOTE_MAX,
    Location,
    PostingFlood,
    need_expiry_days,
    place_or_centre,
)
from mutualaid.exchange.spreadsheet import Sheet, normalise_header, read_sheet
from mutualaid.groups.models import Group
from mutualaid.members.models import User

IGNORE = "ignore"
# Fields a column can feed. The multi ones join several columns (first + last name, two cross streets).
# A "yes" column whose header names a category ("Financial Support Needed?", "Groceries") adds it.
CATEGORY_FLAG = "category_flag"
FIELDS = (
    "name",
    "phone",
    "email",
    "address",
    "area",
    "languages",
    "category",
    "urgency",
    "title",
    "details",
    "private_note",
    "household_size",
    "quantity",
    "unit",
    "status",
    "timestamp",
    "recurring",
    "kind",
    CATEGORY_FLAG,
)
MULTI = {"name", "address", "category", "details", "private_note", "languages", CATEGORY_FLAG}

ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "first name",
        "last name",
        "full name",
        "your name",
        "contact name",
        "requester",
        "nombre",
        "apellido",
        "nombre completo",
        "su nombre",
        "tu nombre",
        "nom",
    ),
    "phone": (
        "phone",
        "telephone",
        "cell",
        "cell phone",
        "mobile",
        "phone number",
        "telephone number",
        "contact number",
        "whatsapp",
        "telefono",
        "numero de telefono",
        "celular",
        "movil",
        "tel",
        # Mixed answers (a number or an address): an e-mail found here goes to the e-mail field.
        "best way to reach you",
        "how can we reach you",
        "contact info",
        "contact information",
        "contact phone",
        "contacto",
        "como contactarte",
        "como le contactamos",
    ),
    "email": (
        "email",
        "e mail",
        "email address",
        "e mail address",
        "correo",
        "correo electronico",
        "mail",
        "contact email",
        "contact e mail",
    ),
    "address": (
        "address",
        "street address",
        "home address",
        "delivery address",
        "cross street",
        "cross streets",
        "intersection",
        "direccion",
        "domicilio",
        "calle",
        "calles",
        "apt",
        "apartment",
        "apartment number",
        "apt unit",
        "apt number",
        "unit number",
        "apartamento",
        "depto",
        "departamento",
    ),
    "area": (
        "neighborhood",
        "neighbourhood",
        "area",
        "neighborhood area",
        "zip",
        "zip code",
        "zipcode",
        "postal code",
        "postcode",
        "borough",
        "city",
        "location",
        "barrio",
        "vecindario",
        "codigo postal",
        "zona",
        "ubicacion",
        "colonia",
        "ciudad",
    ),
    "languages": (
        "languages",
        "language",
        "languages spoken",
        "preferred language",
        "idioma",
        "idiomas",
        "lengua",
        "lenguas",
        "idioma preferido",
    ),
    "category": (
        "what do you need",
        "what do you need check all that apply",
        "what type s of support are you seeking",
        "type of support",
        "support type",
        "type of help",
        "kind of help",
        "needs",
        "need",
        "request type",
        "category",
        "categories",
        "what resources can you offer",
        "what skills can you offer",
        "resources",
        "skills",
        "what can you offer",
        "offers",
        "offer",
        "que necesita",
        "que necesitas",
        "que necesitas marca todas las que apliquen",
        "tipo de ayuda",
        "tipo de apoyo",
        "categoria",
        "categorias",
        "necesidades",
        "necesidad",
        "que puede ofrecer",
        "que puedes ofrecer",
        "recursos",
        "habilidades",
        "request",
        "type of request",
        "request category",
        "items needed",
        "what items do you need",
        "i need help with",
        "i can help with",
        "services offered",
        "services",
        "how can we help",
        "what can we help with",
        "en que podemos ayudarte",
        "en que te podemos ayudar",
        "como podemos ayudar",
        "en que puedo ayudar",
        "puedo ayudar con",
        "servicios",
    ),
    "urgency": (
        "urgency",
        "urgency level",
        "urgent",
        "is this an emergency",
        "emergency",
        "is it an emergency",
        "es una emergencia",
        "emergencia",
        "is it urgent",
        "is this urgent",
        "es urgente",
        "time sensitivity",
        "timeline",
        "by when",
        "is your need",
        "how urgent",
        "how urgent is your need",
        "when do you need",
        "when do you need it",
        "priority",
        "urgencia",
        "prioridad",
        "cuando lo necesita",
        "que tan urgente",
        "es su necesidad",
        "es tu necesidad",
    ),
    "title": ("title", "summary", "subject", "titulo", "resumen", "asunto"),
    "details": (
        "details",
        "message",
        "description",
        "add any details",
        "more details",
        "request details",
        "add any details that would help us meet your need",
        "detalles",
        "mensaje",
        "descripcion",
        "mas detalles",
        "explain",
        "explique",
        "additional details",
        "please describe",
        "describe",
        "describe your need",
        "describe your request",
        "what is your request",
        "describa",
        "describe su necesidad",
    ),
    # What neighbours tell organisers in a catch-all question ("Anything else we should know?") was
    # written to the organisers, not to the whole group: it goes to the sealed private note. A
    # coordinator can map the column to the details instead in the preview.
    "private_note": (
        "anything else",
        "anything else we should know",
        "additional information",
        "additional info",
        "other information",
        "tell us more",
        "algo mas",
        "informacion adicional",
        "otra informacion",
        "cuentanos mas",
        "notes",
        "note",
        "intake notes",
        "intake general notes",
        "internal notes",
        "organizer notes",
        "organizer results and comments",
        "comments",
        "volunteer notes",
        "notas",
        "nota",
        "comentarios",
        "notas internas",
        "observaciones",
    ),
    "household_size": (
        "household size",
        "number of people in household",
        "people in household",
        "family size",
        "how many people",
        "how many people live with you",
        "household members",
        "number in household",
        "adults and children",
        "tamano del hogar",
        "personas en el hogar",
        "numero de personas",
        "tamano de la familia",
        "cuantas personas",
    ),
    "quantity": (
        "quantity",
        "amount",
        "how many",
        "qty",
        "cantidad",
        "cuantos",
        "number of items",
        "items",
        "how many items",
        "cuantas",
        "numero de articulos",
    ),
    "unit": ("unit", "units", "unidad", "unidades"),
    "status": ("status", "state", "estado", "estatus"),
    "timestamp": (
        "timestamp",
        "time",
        "date",
        "submitted",
        "submitted at",
        "submitted on",
        "created",
        "created at",
        "created on",
        "created time",
        "date submitted",
        "date of request",
        "request date",
        "date received",
        "marca temporal",
        "marca de tiempo",
        "fecha",
        "fecha y hora",
        "hora",
        "fecha de envio",
        "fecha de solicitud",
    ),
    "recurring": (
        "recurring",
        "is your need recurring",
        "repeats",
        "how often",
        "frequency",
        "recurrente",
        "es recurrente",
        "frecuencia",
        "se repite",
    ),
    "kind": (
        "need or offer",
        "request or offer",
        "kind",
        "type",
        "necesidad u oferta",
        "pedido u oferta",
        "tipo",
    ),
    # Columns that look like a field but are not what it means: a deadline is not when the row was written.
    IGNORE: (
        "date needed by",
        "needed by",
        "need by",
        "deadline",
        "date last used",
        "last used",
        "last modified",
        "fecha limite",
        "para cuando",
        "record id",
        "id",
        "request id",
        "request number",
        "case id",
        "case number",
        "ticket",
        "assigned to",
        "assigned volunteer",
    ),
}
_ALIAS_INDEX = [(normalise_header(a), f) for f, aliases in ALIASES.items() for a in aliases]
_EXACT = dict(_ALIAS_INDEX)

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


def field_for_header(header: str) -> tuple[str, float]:
    """The field a column header most likely feeds, and how sure we are (0 to 1)."""
    key = normalise_header(header)
    if not key:
        return IGNORE, 0.0
    if key in _EXACT:
        return _EXACT[key], 1.0
    close = difflib.get_close_matches(key, list(_EXACT), n=1, cutoff=0.86)
    if close:
        return _EXACT[close[0]], 0.9
    padded = f" {key} "
    # A one-word alias inside a long question ("Does your request NEED to remain anonymous?") says
    # little, so single words count only in short headers.
    short = len(key.split()) <= 4
    best = max(
        (
            (len(alias), f)
            for alias, f in _ALIAS_INDEX
            if len(alias) >= 3 and (short or " " in alias) and f" {alias} " in padded
        ),
        default=None,
    )
    if best is not None:
        return best[1], 0.6 + min(0.3, best[0] / 100)
    # A yes/no column named after a category: a short name ("Groceries?", "Financial support needed?") or a
    # question that asks for it ("Can you drive?"). "Do you have a car?" says the opposite and is left out.
    asks = any(
        w in padded
        for w in (
            " need ",
            " needed ",
            " can you ",
            " could you ",
            " offer ",
            " necesita ",
            " necesitas ",
            " puede ",
            " puedes ",
        )
    )
    if (
        (short or (asks and len(key.split()) <= 6))
        and not key.startswith(("do you have", "are you", "tiene "))
        and _category_in_header(key)
    ):
        return CATEGORY_FLAG, 0.5
    return IGNORE, 0.0


def _category_in_header(key: str) -> str | None:
    """The category a short header names ("financial support needed" → money), if it names exactly one."""
    words = [
        w
        for w in key.split()
        if w
        not in {
            "needed",
            "need",
            "needs",
            "necesita",
            "necesitas",
            "help",
            "ayuda",
            "with",
            "con",
            "de",
            "for",
            "para",
        }
    ]
    found = {
        c
        for n in (3, 2, 1)
        for i in range(len(words) - n + 1)
        if (c := _CATEGORY_LOOKUP.get(" ".join(words[i : i + n])))
    }
    return found.pop() if len(found) == 1 else None


def score_header_row(cells: list[str]) -> float:
    return sum(field_for_header(c)[1] for c in cells if c and len(c) <= 200)


_ID_LIKE = re.compile(r"^[A-Za-z]{0,4}[-#_]?\d+$")


def propose_mapping(headers: list[str], rows: list[tuple[int, list[str]]] | None = None) -> list[str]:
    """One field per column. A single-valued field goes to the column that matches it best.

    With the rows, a column of record numbers ("Request ID": rec001, CH-0412) is never read as what is asked.
    """
    guesses = [field_for_header(h) for h in headers]
    if rows:
        for i, (target, _score) in enumerate(guesses):
            if target in ("category", "title", "details"):
                values = [cells[i] for _line, cells in rows[:200] if i < len(cells) and cells[i]]
                if values and sum(bool(_ID_LIKE.match(v)) for v in values) >= 0.8 * len(values):
                    guesses[i] = (IGNORE, 0.0)
    mapping = [f for f, _score in guesses]
    for target in set(mapping) - MULTI - {IGNORE}:
        columns = [i for i, f in enumerate(mapping) if f == target]
        if len(columns) > 1:
            keep = max(columns, key=lambda i: (guesses[i][1], -i))
            for i in columns:
                if i != keep:
                    mapping[i] = IGNORE
    return mapping


_OFFER_WORDS = (
    "offer",
    " i can ",
    "can help",
    "puedo",
    "can you give",
    "can you provide",
    "can you help with",
    "can you share",
    "ofrec",
    "puede dar",
    "puedes dar",
    "puede ayudar",
    "puedes ayudar",
    "puede compartir",
    "oferta",
)
_NEED_WORDS = ("need", "request", "seeking", "looking for", "necesit", "solicit", "pedido", "busca")


def infer_kind(headers: list[str], mapping: list[str], filename: str = "") -> str:
    """Whether a sheet lists needs or offers: its category questions say ("What can you offer?"), then its
    other headers, then its file name. Needs when nothing says."""

    def vote(texts: list[str]) -> str | None:
        keys = [f" {normalise_header(t)} " for t in texts]
        offers = sum(any(w in k for w in _OFFER_WORDS) for k in keys)
        needs = sum(any(w in k for w in _NEED_WORDS) for k in keys)
        if offers != needs:
            return Kind.OFFER if offers > needs else Kind.NEED
        return None

    asked = [h for h, m in zip(headers, mapping, strict=False) if m in ("category", CATEGORY_FLAG)]
    return vote(asked) or vote(headers) or vote([filename.replace("_", " ")]) or Kind.NEED


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


# Dates ------------------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "dic": 12,
}
_WEEKDAYS = re.compile(
    r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|nesday|urday|sday)?\b|"
    r"\b(lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b"
)
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{2,4})\b")
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:\.\d+)?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?(?![\d/])")
_OFFSET = re.compile(r"\s*(?:gmt|utc|z)\s*([+-]\d{1,2})(?::?(\d{2}))?\s*$|\s*(?:gmt|utc|z)\s*$")
_SLASHED = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}")
# Spreadsheet programs count days from 30 December 1899; numbers in this range are dates from 1954 to 2119.
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")


def day_first(values: list[str], headers: list[str]) -> bool:
    """Whether dates like 02/04/2020 are day first: decided by the column, then by the sheet's language."""
    for value in values:
        match = _SLASHED.match(value)
        if match and int(match.group(1)) > 12:
            return True
        if match and int(match.group(2)) > 12:
            return False
    spanish = {
        "marca temporal",
        "marca de tiempo",
        "fecha",
        "fecha y hora",
        "nombre",
        "telefono",
        "barrio",
        "estado",
        "fecha de envio",
        "fecha de solicitud",
        "correo",
        "correo electronico",
    }
    return any(normalise_header(h) in spanish for h in headers)


def _time_of(text: str) -> tuple[int, int, int] | None:
    """Hours, minutes, seconds of a time like 9:05:11, 9:05am, 21.30 or 9 PM; None when it is not one."""
    text = text.strip()
    if not text:
        return (0, 0, 0)
    match = _TIME.fullmatch(text.replace(".", ":", 1) if re.fullmatch(r"\d{1,2}\.\d{2}", text) else text)
    if match is None or (match.group(2) is None and match.group(4) is None):
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
    meridiem = (match.group(4) or "").replace(".", "").replace(" ", "")
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _year(text: str) -> int:
    year = int(text)
    if year < 100:
        year += 2000 if year < 70 else 1900
    return year


def parse_timestamp(cell: str, *, dayfirst: bool = False) -> datetime | None:
    """A date or date and time as spreadsheets write them: ISO 8601, 3/14/2026 9:05:11, 14/03/2026 (day first
    when the day is over 12, or when the column or sheet says so), March 14, 2026 9:05am, 14 de marzo de 2026,
    and spreadsheet serial numbers (46095.5). Naive values are in the server's time zone."""
    text = cell.strip()
    if not text:
        return None
    try:
        value: datetime | None = datetime.fromisoformat(
            text.replace("Z", "+00:00") if text.endswith("Z") else text
        )
    except ValueError:
        value = None
    if value is None and _SERIAL.match(text) and 20_000 <= float(text) <= 80_000:
        value = datetime(1899, 12, 30) + timedelta(days=float(text))  # noqa: DTZ001 - made aware just below
        value = value.replace(microsecond=0)
    if value is None:
        value = _parse_written_date(text, dayfirst)
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _parse_written_date(text: str, dayfirst: bool) -> datetime | None:
    key = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()
    key = re.sub(r"\s*\([^)]*\)\s*$", "", key)  # "… GMT-0400 (Eastern Daylight Time)"
    tz = None
    offset = _OFFSET.search(key)
    if offset:
        if offset.group(1):
            minutes = int(offset.group(1)) * 60 + (
                int(offset.group(2) or 0) * (1 if offset.group(1)[0] != "-" else -1)
            )
            tz = dt_timezone(timedelta(minutes=minutes))
        else:
            tz = UTC
        key = key[: offset.start()]
    key = _WEEKDAYS.sub(" ", key)
    key = re.sub(r"\b(de|del|the|of|at|a las|las|a la)\b", " ", key)
    key = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", key)
    key = re.sub(r"\s+", " ", key.replace(",", " ")).strip()
    numeric = _NUMERIC_DATE.match(key)
    if numeric:
        a, b, c = numeric.groups()
        rest = key[numeric.end() :]
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            first, second = int(a), int(b)
            if first > 12 or (dayfirst and second <= 12):
                day, month = first, second
            else:
                month, day = first, second
            year = _year(c)
    else:
        key = re.sub(r"(?<=[a-z\d])[-.](?=[a-z])|(?<=[a-z])[-.]\s*(?=\d)", " ", key)
        named = re.match(r"^(?:(\d{1,2}) ([a-z]+)|([a-z]+) (\d{1,2})) (\d{4})\b", key)
        if named is None or (named.group(2) or named.group(3)) not in _MONTHS:
            return None
        month = _MONTHS[named.group(2) or named.group(3)]
        day, year = int(named.group(1) or named.group(4)), int(named.group(5))
        rest = key[named.end() :]
    clock = _time_of(rest.strip().lstrip("t"))
    if clock is None:
        return None
    try:
        return datetime(year, month, day, *clock, tzinfo=tz)
    except ValueError:
        return None


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


@dataclass
class RowPlan:
    line: int
    kind: str
    categories: list[str] = field(default_factory=list)
    title: str = ""
    # The sheet's own words for each category ("Groceries", "Ride to clinic"): titles of the posts a
    # multi-choice row becomes when the row has no title of its own.
    words: dict[str, str] = field(default_factory=dict)
    summary: str = ""  # the first sentence of the details
    key: str = ""  # blind index of when, who and what: the same row in a later export is skipped
    details: str = ""
    urgency: str = Urgency.FLEXIBLE
    quantity: int = 1
    unit: str = ""
    area: str = ""
    address: str = ""
    languages: list[str] = field(default_factory=list)
    recurring: bool = False
    status: str = Status.OPEN
    created_at: datetime | None = None
    private_note: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    household_size: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: bool = False

    @property
    def has_contact(self) -> bool:
        return bool(self.name or self.phone or self.email)

    def title_for(self, category: str) -> str:
        """The title of this row's post in `category`: the sheet's title; else the first sentence of the details
        when it says something (three words or more) about the row's only category; else the row's own words
        for the category ("Groceries"); else the details; else the category's name."""
        if self.title:
            return self.title
        word = self.words.get(category, "").strip()
        if self.summary and (not word or (len(self.categories) == 1 and len(self.summary.split()) >= 3)):
            word = self.summary
        if word:
            return (word[:1].upper() + word[1:])[:TITLE_MAX]
        return str(Category(category).label)

    @property
    def titles(self) -> list[str]:
        return [self.title_for(c) for c in self.categories]


@dataclass
class ImportPlan:
    headers: list[str]
    mapping: list[str]
    rows: list[RowPlan]
    kind: str
    visibility: str = Visibility.COORDINATORS
    encoding: str = ""
    delimiter: str = ""

    @property
    def problems(self) -> list[tuple[int, str]]:
        return [(r.line, p) for r in self.rows for p in r.problems]

    @property
    def to_create(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.skipped and not r.problems]

    @property
    def post_count(self) -> int:
        return sum(len(r.categories) for r in self.to_create)

    @property
    def contact_count(self) -> int:
        return sum(1 for r in self.to_create if r.has_contact)


def sheet_error_message(code: str) -> str:
    return {
        "too_big": _("The file is larger than 10 MB."),
        "empty": _("The file has no rows."),
        "too_many_rows": _("The file has more than 20,000 rows. Split it and import the parts."),
        "too_many_columns": _("The file has more than 200 columns."),
        "unreadable_csv": _("This file cannot be read as CSV."),
        "unreadable_xlsx": _("This file cannot be read as an Excel workbook (XLSX)."),
    }.get(code, _("This file cannot be read."))


def read(data: bytes) -> Sheet:
    """The sheet of an uploaded file, or ValidationError with a message for people."""
    from mutualaid.exchange.spreadsheet import SheetError

    try:
        return read_sheet(data, score_header_row)
    except SheetError as exc:
        raise ValidationError({"file": sheet_error_message(str(exc))}) from None


def _too_long(plan: RowPlan, label: object, value: str, limit: int) -> str:
    # `label` is lazy: translating five labels for every row of a 10,000-row sheet cost a tenth of the plan.
    if len(value) > limit:
        plan.problems.append(
            _("Too long (at most %(max)d characters): %(field)s") % {"field": label, "max": limit}
        )
        return value[:limit]
    return value


def _text(cell: str) -> str:
    """A cell as the board stores text: one kind of line break, no control characters (as typed posts)."""
    cell = cell.replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    return "".join(ch for ch in cell if ch in "\n\t" or ord(ch) >= 32)


def _row(
    line: int,
    cells: list[str],
    mapping: list[str],
    kind: str,
    dayfirst: bool = False,
    headers: list[str] | None = None,
    north_american: bool = False,
) -> RowPlan:
    values: dict[str, list[str]] = {}
    flags: list[tuple[str, str]] = []
    address_parts: list[tuple[str, str]] = []
    for index, (raw, target) in enumerate(zip(cells, mapping, strict=False)):
        cell = _text(raw) if target != IGNORE else raw
        if target == CATEGORY_FLAG and cell.strip() and headers is not None:
            flags.append((headers[index], cell.strip()))
        elif target != IGNORE and cell.strip():
            values.setdefault(target, []).append(cell.strip())
            if target == "address":
                address_parts.append((normalise_header(headers[index]) if headers else "", cell.strip()))
    plan = RowPlan(line=line, kind=kind)
    if any(len(c) > CELL_MAX for c in cells):
        plan.problems.append(_("A cell is longer than %(max)d characters.") % {"max": CELL_MAX})
        return plan

    def one(name: str) -> str:
        return values.get(name, [""])[0]

    if "kind" in values:
        key = normalise_header(one("kind"))
        if any(w in key for w in ("offer", "oferta", "ofrec")):
            plan.kind = Kind.OFFER
        elif any(w in key for w in ("need", "request", "necesidad", "pedido", "solicitud")):
            plan.kind = Kind.NEED
    plan.status = status_of(one("status"))
    if plan.status == "duplicate":
        plan.skipped = True
        plan.notes.append(_("Marked as a duplicate in the sheet; skipped."))
        return plan
    categories: list[str] = []
    for cell in values.get("category", []):
        found, unknown, words = categories_with_words(cell)
        for code in found:
            if code not in categories:
                categories.append(code)
                plan.words[code] = words[code]
        if unknown:
            plan.notes.append(
                _("Not a known category, filed under Other: %(words)s") % {"words": ", ".join(unknown)}
            )
    for header, cell in flags:
        flagged = _category_in_header(normalise_header(header))
        if flagged is not None and normalise_header(cell) in _TICKED and flagged not in categories:
            code = flagged
            categories.append(code)
            name = re.sub(r"[\s?¿]*(needed|\?)*[\s?]*$", "", header.strip(" ¿?"), flags=re.IGNORECASE)
            question = normalise_header(name).startswith(
                ("can ", "could ", "do ", "are ", "is ", "puede", "tiene")
            )
            plan.words[code] = (
                name if name and not question and len(name.split()) <= 3 else str(Category(code).label)
            )
    plan.details = " — ".join(values.get("details", []))
    plan.title = one("title")
    if not categories and not plan.details and not plan.title:
        plan.skipped = True
        plan.notes.append(_("Nothing asked or offered in this row; skipped."))
        return plan
    if not categories:
        guessed = _category_of_words(normalise_header(f"{plan.title} {plan.details}")[:CELL_MAX])
        if guessed is not None:
            categories = [guessed]
            plan.notes.append(
                _("No category given; guessed from the words: %(category)s")
                % {"category": Category(guessed).label}
            )
    plan.categories = categories or [Category.OTHER.value]
    if plan.status == Status.IN_PROGRESS:
        plan.status = Status.OPEN
        plan.notes.append(
            _("In progress in the sheet; imported as open, since nobody here has claimed it yet.")
        )
    urgency = urgency_of(one("urgency"))
    if urgency is None:
        plan.notes.append(_("Urgency not understood, set to flexible: %(value)s") % {"value": one("urgency")})
        urgency = Urgency.FLEXIBLE
    plan.urgency = urgency
    plan.unit = one("unit")[:UNIT_MAX]
    if "quantity" in values:
        quantity = quantity_of(one("quantity"))
        if quantity is None or not 1 <= quantity[0] <= QUANTITY_MAX:
            plan.problems.append(
                _("The quantity must be a whole number from 1 to %(max)d: %(value)s")
                % {"max": QUANTITY_MAX, "value": one("quantity")}
            )
        else:
            plan.quantity = quantity[0]
            plan.unit = plan.unit or quantity[1]
    if "household_size" in values:
        size = quantity_of(one("household_size"))
        if size is None or not 1 <= size[0] <= 50:
            plan.problems.append(
                _("The household size must be a whole number from 1 to 50: %(value)s")
                % {"value": one("household_size")}
            )
        else:
            plan.household_size = size[0]
    if "timestamp" in values:
        created = parse_timestamp(one("timestamp"), dayfirst=dayfirst)
        if created is None:
            plan.problems.append(_("This date cannot be read: %(value)s") % {"value": one("timestamp")})
        elif created > timezone.now() + timedelta(days=1):
            plan.problems.append(_("This date is in the future: %(value)s") % {"value": one("timestamp")})
        else:
            plan.created_at = created
    plan.recurring = normalise_header(one("recurring")) in _YES
    plan.languages = [c for cell in values.get("languages", []) for c in languages_of(cell)]
    plan.languages = list(dict.fromkeys(plan.languages))
    plan.area = one("area")[:100]
    plan.address = _too_long(plan, gettext_lazy("address"), _address(address_parts), ADDRESS_MAX)
    if not plan.area and plan.address:
        # Only the coarse part of an address is used in the clear: its ZIP code, or the whole text when it
        # has no digits at all (then it names a neighbourhood, not a door).
        postal = _ZIP.search(plan.address)
        if postal:
            plan.area = postal.group(1)
        elif (
            not any(ch.isdigit() for ch in plan.address)
            and len(plan.address) <= 60
            and "&" not in plan.address
        ):
            plan.area = plan.address
    plan.private_note = _too_long(
        plan, gettext_lazy("private note"), " — ".join(values.get("private_note", [])), NOTE_MAX
    )
    plan.details = _too_long(plan, gettext_lazy("details"), plan.details, DETAILS_MAX)
    plan.summary = _short_title(plan.details)
    plan.title = _too_long(plan, gettext_lazy("title"), plan.title, TITLE_MAX)
    plan.name = _too_long(plan, gettext_lazy("name"), " ".join(values.get("name", [])), NAME_MAX)
    _contact_fields(plan, one("phone"), one("email"), north_american)
    return plan


def _address(parts: list[tuple[str, str]]) -> str:
    """Address columns as one line: cross streets joined with "&" (Lincoln Pl & Rogers Ave), the street
    first and the apartment after it (123 Main St, 4B)."""

    def apartment(header: str) -> bool:
        return any(
            w in f" {header} "
            for w in (
                " apt ",
                " apartment ",
                " unit ",
                " apartamento ",
                " depto ",
                " departamento ",
                " suite ",
            )
        )

    crossing = [
        cell
        for header, cell in parts
        if not apartment(header) and any(w in header for w in ("cross", "intersection", "calle"))
    ]
    street = [cell for header, cell in parts if not apartment(header) and cell not in crossing]
    flat = [cell for header, cell in parts if apartment(header)]
    return ", ".join(p for p in (", ".join(street), " & ".join(crossing), ", ".join(flat)) if p)


def _short_title(text: str) -> str:
    """The first sentence of a text, cut at a word near 80 characters."""
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0].strip()
    if len(first) <= 80:
        return first
    return first[:77].rsplit(" ", 1)[0].rstrip(",;:— ") + "…"


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


def _contact_fields(plan: RowPlan, phone: str, email: str, north_american: bool = False) -> None:
    from mutualaid.members.services import normalise_email, normalise_phone

    phone, found_email = phone_part(phone)
    email = email or found_email
    if phone:
        if north_american and NANP.match(phone):
            digits = re.sub(r"\D", "", phone)
            phone = "+1" + digits[-10:]
        try:
            plan.phone = normalise_phone(phone)
        except ValidationError:
            plan.problems.append(_("This phone number cannot be read: %(value)s") % {"value": phone})
    if email:
        try:
            plan.email = normalise_email(email)
        except ValidationError:
            plan.problems.append(_("This e-mail address cannot be read: %(value)s") % {"value": email})


def _row_key(row: RowPlan) -> str:
    """A keyed HMAC of what identifies a row across exports of the same sheet: when it was written, who
    wrote it, what it asks. Columns a group edits between exports (status, organiser notes) are left out."""
    who = row.phone or row.email or normalise_header(row.name)
    when = row.created_at.isoformat() if row.created_at else ""
    what = normalise_header(row.details)
    if not (when or who or what):
        return ""
    return blind_index(
        "\x1f".join((row.kind, when, who, ",".join(row.categories), what)), purpose="import-row"
    )


def _already_imported(group: Group, rows: list[RowPlan]) -> None:
    keyed = [r for r in rows if r.key and not r.skipped and not r.problems]
    keys = list({r.key for r in keyed})
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(
            Post.objects.filter(group=group, import_key__in=keys[start : start + 500]).values_list(
                "import_key", flat=True
            )
        )
    for row in keyed:
        if row.key in found:
            row.skipped = True
            row.notes.append(_("Already imported from an earlier copy of this sheet; skipped."))


def _duplicate_key(row: RowPlan) -> tuple[object, ...] | None:
    who = row.phone or row.email or row.name
    if not who:
        return None
    return (who, tuple(row.categories), normalise_header(row.details), row.kind)


def plan_import(
    sheet: Sheet,
    *,
    kind: str | None = Kind.NEED,
    mapping: list[str] | None = None,
    visibility: str = Visibility.COORDINATORS,
    filename: str = "",
    group: Group | None = None,
) -> ImportPlan:
    """What importing `sheet` would create, row by row, with problems and notes per line.

    `kind` "auto" (or None) reads whether the rows are needs or offers from the sheet's headers. With the
    `group`, rows it already imported from an earlier export of the same sheet are skipped.
    """
    mapping = list(mapping) if mapping is not None else propose_mapping(sheet.headers, sheet.rows)
    mapping = [m if m in FIELDS else IGNORE for m in mapping][: len(sheet.headers)]
    mapping += [IGNORE] * (len(sheet.headers) - len(mapping))
    if kind not in Kind.values:
        kind = infer_kind(sheet.headers, mapping, filename)
    stamps = [
        cells[i] for i, m in enumerate(mapping) if m == "timestamp" for _l, cells in sheet.rows if cells[i]
    ]
    dayfirst = day_first(stamps, sheet.headers)
    phones = [cells[i] for i, m in enumerate(mapping) if m == "phone" for _l, cells in sheet.rows]
    nanp = north_american(phones)
    rows = []
    seen_cells: dict[tuple[str, ...], int] = {}
    seen: dict[tuple[object, ...], int] = {}
    for line, cells in sheet.rows:
        identical = seen_cells.get(tuple(cells))
        if identical is not None:
            plan = RowPlan(line=line, kind=kind, skipped=True)
            plan.notes.append(_("Same as line %(line)d; skipped.") % {"line": identical})
            rows.append(plan)
            continue
        seen_cells[tuple(cells)] = line
        plan = _row(line, cells, mapping, kind, dayfirst, sheet.headers, nanp)
        for column in sorted(sheet.unsaved_formulas.get(line, ())):
            if column < len(mapping) and mapping[column] != IGNORE:
                if plan.skipped:
                    plan.skipped = False
                    plan.notes.clear()
                plan.problems.append(
                    _(
                        "The column “%(column)s” holds a formula whose result is not saved in the "
                        "file. Open the file in a spreadsheet program and save it again, or export "
                        "it as CSV."
                    )
                    % {"column": sheet.headers[column]}
                )
        key = _duplicate_key(plan) if not plan.skipped and not plan.problems else None
        if key is not None and key in seen:
            plan.skipped = True
            plan.notes.append(_("Same person and request as line %(line)d; skipped.") % {"line": seen[key]})
        elif key is not None:
            seen[key] = line
        rows.append(plan)
    for row in rows:
        if not row.skipped and not row.problems:
            row.key = _row_key(row)
    if group is not None:
        _already_imported(group, rows)
    if not {"category", CATEGORY_FLAG, "details", "title"} & set(mapping):
        first = sheet.rows[0][0] if sheet.rows else sheet.header_line
        rows.insert(
            0,
            RowPlan(
                line=sheet.header_line,
                kind=kind,
                problems=[
                    _("No column says what is needed or offered: map a column to Category, Title or Details.")
                ],
            ),
        )
        del first
    if visibility not in Visibility.values:
        visibility = Visibility.COORDINATORS
    return ImportPlan(sheet.headers, mapping, rows, kind, visibility)


class ImportFlood(PostingFlood):
    """One coordinator imported more than a day's worth of posts (a stolen account, or a runaway script)."""


# Imports do not count toward the hourly posting limit (a coordinator bringing the group's sheet in is not
# flooding the board), so they have a bound of their own: each file is at most MAX_ROWS rows, and one
# account imports at most this many posts a day.
IMPORT_POSTS_PER_DAY = 50_000


@transaction.atomic
def import_commit(*, group: Group, actor: User, plan: ImportPlan) -> tuple[int, int]:
    """Create every planned post (and contact) in one transaction; nothing at all if any row has a problem.

    Returns (posts created, contacts created). ImportFlood past the daily bound.
    """
    if plan.problems:
        raise ValidationError(_("Fix the problems in the sheet first: nothing was imported."))
    now = timezone.now()
    already = PostEvent.objects.filter(actor=actor, action="import", at__gte=now - timedelta(days=1)).count()
    if already + plan.post_count > IMPORT_POSTS_PER_DAY:
        raise ImportFlood(
            _(
                "One account can import at most %(max)d posts a day, and you imported %(done)d in the "
                "last 24 hours. Nothing was imported; split the sheet and import the rest later."
            )
            % {"max": IMPORT_POSTS_PER_DAY, "done": already}
        )
    places: dict[str, tuple[Location, bool]] = {}
    rows = plan.to_create
    contacts: list[Contact | None] = []
    for row in rows:
        if row.has_contact:
            contacts.append(
                Contact(
                    group=group,
                    name=row.name,
                    phone=row.phone,
                    phone_index=blind_index(row.phone, purpose="phone") if row.phone else "",
                    email=row.email,
                    languages=row.languages,
                    household_size=row.household_size,
                    created_by=actor,
                    source="import",
                )
            )
        else:
            contacts.append(None)
    Contact.objects.bulk_create([c for c in contacts if c is not None], batch_size=500)
    posts: list[Post] = []
    for row, contact in zip(rows, contacts, strict=True):
        if row.area not in places:
            places[row.area] = place_or_centre(group, row.area)
        place, unplaced = places[row.area]
        created = row.created_at or now
        closed = row.status in (Status.FULFILLED, Status.WITHDRAWN)
        for category in row.categories:
            posts.append(
                Post(
                    group=group,
                    kind=row.kind,
                    author=actor,
                    contact=contact,
                    category=category,
                    title=row.title_for(category),
                    details=row.details,
                    quantity=row.quantity,
                    unit=row.unit,
                    urgency=row.urgency,
                    recurring=row.recurring,
                    languages=row.languages,
                    area=place.area,
                    cell=place.cell,
                    lat=place.lat,
                    lon=place.lon,
                    area_unplaced=unplaced,
                    address=row.address,
                    private_note=row.private_note,
                    status=row.status,
                    created_at=created,
                    updated_at=now,
                    closed_at=now if closed else None,
                    imported=True,
                    visibility=plan.visibility,
                    import_key=row.key,
                    expires_at=now + timedelta(days=need_expiry_days()) if row.kind == Kind.NEED else None,
                )
            )
    Post.objects.bulk_create(posts, batch_size=500)
    search.reindex(posts)
    _record_import_events([p.pk for p in posts], actor=actor, at=now)
    return len(posts), sum(1 for c in contacts if c is not None)


def _record_import_events(post_ids: list[int], *, actor: User, at: datetime) -> None:
    """One history row per imported post, written by the database from the rows just inserted.

    INSERT … SELECT: building 20,000 event objects in Python took a third of a 10,000-row import.
    """
    events, posts = PostEvent._meta.db_table, Post._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        for start in range(0, len(post_ids), 500):
            chunk = post_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {events} (post_id, actor_id, action, from_status, to_status, at) "  # noqa: S608 - table names from the models; values are parameters
                f"SELECT id, %s, 'import', '', status, %s FROM {posts} WHERE id IN ({marks})",
                [actor.pk, stamp, *chunk],
            )
