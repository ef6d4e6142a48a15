"""Distribution-day slots by text message, for neighbours without an account.

    SLOT / TURNO           lists the next free slots, numbered (or says which place you have)
    a number (1, 2 …)      books that slot; the reply is the confirmation, a reminder text follows
    SLOT OFF / TURNO NO    frees your place (CANCEL is a carrier STOP word: it unsubscribes instead)

The bookings themselves live in the shifts app (`shifts.distribution`); this module only talks. The
number is the contact's, sealed like every texter's; the booking keeps it sealed too, with a blind
index, so a later text finds it. `text_neighbour` is how the shifts app texts a neighbour (reminders,
a place that opened), registered in ChannelsConfig.ready().
"""

from __future__ import annotations

import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mutualaid.channels.models import Contact, Gateway
from mutualaid.core.encryption import blind_index
from mutualaid.core.speaking import speaking
from mutualaid.groups.models import Group
from mutualaid.shifts import distribution
from mutualaid.shifts.models import BookingSource, BookingState

# CRENEAU (CRÉNEAU) is French, PLAS Haitian Creole; NON frees a place in both.
SLOT_WORDS = {"SLOT", "SLOTS", "TURNO", "TURNOS", "CRENEAU", "CRENEAUX", "PLAS"}
OFF_WORDS = {"OFF", "NO", "FREE", "LIBERAR", "LIBRE", "NON", "LIBERER", "LIBERE"}
STEP = "slot:pick"
SLOT_LANGUAGE = {"TURNO": "es", "TURNOS": "es", "SLOT": "en", "SLOTS": "en"}
SLOT_LANGUAGE |= {"CRENEAU": "fr", "CRENEAUX": "fr", "PLAS": "ht"}
LISTED = 5


def _words(text: str) -> list[str]:
    from mutualaid.channels.conversation import _fold

    return re.findall(r"[A-Z0-9]+", _fold(text))


def wants(contact: Contact, text: str) -> bool:
    """A text about slots: it starts with SLOT/TURNO, or answers the slot list just sent with a number
    (anything else after the list goes to the usual conversation, e.g. NEED or a sentence)."""
    words = _words(text)
    return bool(words) and (words[0] in SLOT_WORDS or (contact.step == STEP and words[0].isdigit()))


def _save(contact: Contact, *, step: str, offered: list[int] | None = None) -> None:
    contact.step = step
    contact.draft = json.dumps({"slots": offered}) if offered else ""
    contact.save(update_fields=["step", "draft"])


def _offered(contact: Contact) -> list[int]:
    try:
        value = json.loads(contact.draft or "{}")
    except ValueError:
        return []
    slots = value.get("slots") if isinstance(value, dict) else None
    return [int(s) for s in slots] if isinstance(slots, list) else []


def reply(contact: Contact, text: str) -> list[str]:
    """The answer to a text about slots, in the contact's language (the caller set it)."""
    words = _words(text)
    group = contact.group
    if words[0] in SLOT_WORDS and len(words) > 1 and words[1] in OFF_WORDS:
        _save(contact, step="")
        freed = distribution.cancel_for_phone(group=group, phone=contact.phone or "")
        if freed:
            return [_("Your place is freed. Thank you for telling us.")]
        return [_("You have no place booked to free.")]
    if words[0] in SLOT_WORDS:
        return [_listing(contact)]
    # An answer to the list: a number.
    offered = _offered(contact)
    choice = words[0]
    if not choice.isdigit() or not 1 <= int(choice) <= len(offered):
        if not offered:
            _save(contact, step="")
            return [_listing(contact)]
        return [
            _("Please reply with a number from 1 to %(max)d, or SLOT OFF to stop.") % {"max": len(offered)}
        ]
    slot = next(
        (s for s in distribution.free_slots(group, limit=200) if s.pk == offered[int(choice) - 1]), None
    )
    if slot is None:
        return [_("That slot just filled up.") + " " + _listing(contact)]
    try:
        distribution.book(
            slot=slot,
            phone=contact.phone or "",
            language=contact.language,
            source=BookingSource.SMS,
            wait=False,
            tell=False,
        )
    except ValidationError as exc:
        _save(contact, step="")
        return [" ".join(exc.messages)]
    _save(contact, step="")
    place = f" {slot.day.area}." if slot.day.area else ""
    return [
        _("Booked: %(when)s.") % {"when": distribution.slot_label(slot)}
        + place
        + " "
        + _("We will text you a reminder. Reply SLOT OFF to free your place.")
    ]


def help_line(group: Group) -> str:
    """HELP's mention of SLOT, only while the group has a coming distribution day with a free place."""
    if not distribution.free_slots(group, limit=1):
        return ""
    return " " + _("Reply SLOT for a place at a distribution day.")


def _listing(contact: Contact) -> str:
    group = contact.group
    booked = distribution.bookings_for_phone(group, contact.phone or "")
    if booked:
        _save(contact, step="")
        booking = booked[0]
        if booking.state == BookingState.WAITING:
            return _("You are in line for %(when)s. Reply SLOT OFF to leave the line.") % {
                "when": distribution.slot_label(booking.slot)
            }
        return _("You have a place at %(when)s. Reply SLOT OFF to free it.") % {
            "when": distribution.slot_label(booking.slot)
        }
    slots = distribution.free_slots(group, limit=LISTED)
    if not slots:
        _save(contact, step="")
        return _("%(group)s has no free slot right now. Text SLOT again another day.") % {"group": group.name}
    _save(contact, step=STEP, offered=[s.pk for s in slots])
    lines = [f"{n} {distribution.slot_label(slot)}" for n, slot in enumerate(slots, start=1)]
    return (
        _("Free slots at %(group)s. Reply with a number to book:") % {"group": group.name}
        + "\n"
        + "\n".join(lines)
    )


def text_neighbour(group: Group, phone: str, body: str) -> None:
    """Text a neighbour who booked without an account, unless they said STOP or the group has no gateway."""
    from mutualaid.channels.outbox import sms_queue

    contact = Contact.objects.filter(group=group, phone_index=blind_index(phone, purpose="phone")).first()
    if contact is not None and contact.opted_out:
        return
    gateway = contact.gateway if contact is not None and contact.gateway_id else None
    if gateway is None or not gateway.enabled:
        gateway = Gateway.objects.filter(group=group, enabled=True).order_by("pk").first()
    if gateway is None:
        return
    sms_queue(gateway=gateway, contact=contact, to=phone, body=body, kind="notification")


def language_of(text: str) -> str | None:
    """TURNO is Spanish, CRENEAU French, PLAS Haitian Creole, SLOT English: the answer follows the word used."""
    words = _words(text)
    return SLOT_LANGUAGE.get(words[0]) if words else None


def with_language(contact: Contact, text: str) -> list[str]:
    language = language_of(text)
    if language and language != contact.language:
        contact.language = language
        Contact.objects.filter(pk=contact.pk).update(language=language)
    with speaking(contact.language):
        return reply(contact, text)
