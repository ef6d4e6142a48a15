"""Which field a column feeds: header aliases in English and Spanish, fuzzy matching, needs or offers."""

from __future__ import annotations

import difflib
import re

from mutualaid.exchange.importing.cells import _CATEGORY_LOOKUP
from mutualaid.exchange.models import (
    Kind,
)
from mutualaid.exchange.spreadsheet import normalise_header

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
