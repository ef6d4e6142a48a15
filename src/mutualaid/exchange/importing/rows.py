"""One sheet row as what it will create (`RowPlan`), with its problems and notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualaid.core.categories import Category
from mutualaid.core.speaking import join_list
from mutualaid.exchange.importing.cells import (
    _TICKED,
    _YES,
    _ZIP,
    CELL_MAX,
    _category_of_words,
    categories_with_words,
    languages_of,
    phone_part,
    quantity_of,
    status_of,
    urgency_of,
)
from mutualaid.exchange.importing.columns import CATEGORY_FLAG, IGNORE, _category_in_header
from mutualaid.exchange.importing.dates import parse_timestamp
from mutualaid.exchange.models import (
    ADDRESS_MAX,
    DETAILS_MAX,
    QUANTITY_MAX,
    TITLE_MAX,
    UNIT_MAX,
    Kind,
    Status,
    Urgency,
)
from mutualaid.exchange.services import (
    NAME_MAX,
    NANP,
    NOTE_MAX,
)
from mutualaid.exchange.spreadsheet import normalise_header


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
                _("Not a known category, filed under Other: %(words)s") % {"words": join_list(unknown)}
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
