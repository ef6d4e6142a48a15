"""The SMS path of a report, as words and steps: ALERT (or ALERTA), then what, where and since when.

Channels' keyword conversation drives it (channels/alert_reports.py keeps the step and the sealed
draft on the texter's contact); the last answer files the report for the group's verifiers with the
texter's number sealed on it, for verifiers only (for coordinators while the group has no verifier). Nothing is broadcast from here: only verifiers can
make a report an alert.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from mutualaid.core.ratelimit import RateLimited
from mutualaid.defense import services
from mutualaid.defense.models import WHAT_MAX, WHEN_MAX, WHERE_MAX, AlertKind, Via
from mutualaid.exchange.services import locate

# ALERTE is French, ALÈT (folded to ALET) Haitian Creole.
KEYWORDS = {"ALERT", "ALERTA", "ALERTE", "ALET"}
KINDS = [AlertKind.RAID, AlertKind.EVICTION, AlertKind.POLICE, AlertKind.DISASTER]
LIMITS = {"what": WHAT_MAX, "where": WHERE_MAX, "when": WHEN_MAX}


@dataclass(frozen=True)
class Turn:
    step: str  # the next step ("" once the report is filed)
    replies: list[str]


def kind_question() -> str:
    lines = [f"{i} {kind.label}" for i, kind in enumerate(KINDS, start=1)]
    return _("What is happening? Reply with a number:") + "\n" + "\n".join(lines)


def question(step: str) -> str:
    if step == "kind":
        return kind_question()
    if step == "what":
        return _("What do you see? A few words: how many people, what vehicles, what they are doing.")
    if step == "where":
        return _("Where? The neighbourhood or the cross streets.")
    return _("Since when? For example: now, or 10 minutes ago.")


def start(group: Any) -> Turn:
    if services.has_verifiers(group):
        to = _("Report to the verifiers of %(group)s.") % {"group": group.name}
    else:
        to = _("Report to the coordinators of %(group)s.") % {"group": group.name}
    return Turn("kind", [to + " " + kind_question()])


def _number(text: str) -> int | None:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    word = re.sub(r"[^0-9]", "", plain)
    return int(word) if word and len(plain.split()) == 1 else None


def answer(*, group: Any, phone: str, step: str, text: str, draft: dict[str, str]) -> Turn:
    """The next step of the guided report (the draft is updated in place), or the report filed."""
    text = text.strip()
    if step == "kind":
        number = _number(text)
        if number is None or not 1 <= number <= len(KINDS):
            return Turn(
                "kind",
                [
                    _("Please reply with a number from 1 to %(max)d.") % {"max": len(KINDS)}
                    + "\n"
                    + kind_question()
                ],
            )
        draft["alert"] = KINDS[number - 1].value
        return Turn("what", [question("what")])
    limit = LIMITS.get(step, WHEN_MAX)
    if not text or len(text) > limit:
        return Turn(
            step, [_("Please answer in at most %(max)d characters.") % {"max": limit} + " " + question(step)]
        )
    draft[step] = text
    if step == "what":
        return Turn("where", [question("where")])
    if step == "where":
        return Turn("when", [question("when")])
    # A neighbourhood the group knows is kept as the area (coarse, in the clear); anything else, such as
    # cross streets, only sealed, for the verifiers, who set the area when they confirm.
    where = draft.get("where", "")
    placed = len(where) <= 80 and bool(locate(group, where).cell)
    try:
        _file(group, phone, draft, text, placed=placed, where=where)
    except RateLimited:
        return Turn(
            "", [_("Too many reports from this number. Please call the group's hotline or try again later.")]
        )
    if services.has_verifiers(group):
        thanks = _(
            "Thank you. Verifiers of %(group)s will check your report before any alert is sent. Stay safe."
        )
    else:
        thanks = _(
            "Thank you. Coordinators of %(group)s will check your report before any alert is sent. Stay safe."
        )
    return Turn("", [thanks % {"group": group.name}])


def _file(group: Any, phone: str, draft: dict[str, str], text: str, *, placed: bool, where: str) -> None:
    services.report_create(
        group=group,
        kind=draft.get("alert", AlertKind.RAID),
        what=draft.get("what", ""),
        where="" if placed else where,
        area=where if placed else "",
        when_seen=text,
        via=Via.SMS,
        reporter_phone=phone,
        check_area=False,
    )
