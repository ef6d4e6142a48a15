"""The keyword conversation's side of an SMS report (ALERT / ALERTA): it keeps the step and the sealed
draft on the texter's contact; what is asked and the filing belong to mutualaid.defense.sms."""

from __future__ import annotations

from mutualaid.channels.models import Contact
from mutualaid.defense import sms

KEYWORDS = sms.KEYWORDS
question = sms.question


def start(contact: Contact) -> list[str]:
    from mutualaid.channels.conversation import _save

    turn = sms.start(contact.group)
    _save(contact, step=f"alert:{turn.step}", draft={"kind": "alert"})
    return turn.replies


def answer(contact: Contact, step: str, text: str, draft: dict[str, str]) -> list[str]:
    from mutualaid.channels.conversation import _save

    turn = sms.answer(group=contact.group, phone=contact.phone or "", step=step, text=text, draft=draft)
    _save(contact, step=f"alert:{turn.step}" if turn.step else "", draft=draft if turn.step else None)
    return turn.replies
