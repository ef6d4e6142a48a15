"""Booking a distribution-day slot by text message, through the Twilio webhook: SLOT lists the next free
slots, a number books one, SLOT OFF frees it (CANCEL stays a carrier STOP word); TURNO in Spanish.
Reminders and a place that opened reach the texter by SMS; their number stays sealed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from mutualaid.channels.models import Contact, OutboundMessage
from mutualaid.shifts import distribution
from mutualaid.shifts.models import SlotBooking
from tests.channels.conftest import http_server, post_twilio, twilio  # noqa: F401 - fixtures

PHONE = "+17185550199"
OTHER = "+17185550177"

pytestmark = pytest.mark.usefixtures("twilio")


def texts(client: Any, *messages: str, phone: str = PHONE) -> list[str]:
    replies = []
    for message in messages:
        before = set(OutboundMessage.objects.values_list("pk", flat=True))
        assert post_twilio(client, phone, message).status_code == 200
        new = OutboundMessage.objects.exclude(pk__in=before).order_by("pk")
        replies.append("\n".join(m.body for m in new))
    return replies


def make_day(group: Any, **extra: Any) -> Any:
    spec: dict[str, Any] = {
        "group": group,
        "title": "Pantry day",
        "date": timezone.localdate() + datetime.timedelta(days=2),
        "first_slot": datetime.time(10, 0),
        "slot_minutes": 15,
        "slot_count": 3,
        "households_per_slot": 1,
        "area": "Crown Heights hub",
        "time_zone": "UTC",
    }
    spec.update(extra)
    return distribution.day_create(**spec)


def test_slot_lists_books_and_slot_off_frees_in_english(client: Any, crown: Any, ben: Any) -> None:
    day = make_day(crown)
    first, second, _third = day.slots.order_by("starts_at")
    distribution.book(slot=first, user=ben)  # the first slot is full: it is not offered
    listing, bad, booked, again, off, none = texts(client, "SLOT", "9", "2", "slot", "SLOT OFF", "slot off")
    assert listing.startswith("Free slots at Crown Heights Mutual Aid. Reply with a number to book:\n1 ")
    assert "10:15 Pantry day" in listing and "10:30 Pantry day" in listing and "10:00" not in listing
    assert bad == "Please reply with a number from 1 to 2, or SLOT OFF to stop."
    assert booked.startswith("Booked: ") and "10:30 Pantry day. Crown Heights hub." in booked
    assert "Reply SLOT OFF to free your place." in booked
    booking = SlotBooking.objects.get(source="sms")
    assert booking.slot.starts_at > second.starts_at  # "2" was the second slot offered: 10:30
    assert booking.phone == PHONE and booking.user is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM shifts_slotbooking WHERE id = %s", [booking.pk])
        assert "5550199" not in cursor.fetchone()[0]
    assert again.startswith("You have a place at ") and "10:30" in again
    assert off == "Your place is freed. Thank you for telling us."
    booking.refresh_from_db()
    assert booking.state == "cancelled"
    assert none == "You have no place booked to free."


def test_turno_answers_in_spanish_and_turno_no_frees(client: Any, crown: Any) -> None:
    make_day(crown)
    listing, booked, off = texts(client, "TURNO", "1", "turno no")
    assert listing.startswith(
        "Turnos libres en Crown Heights Mutual Aid. Responde con un número para reservar:"
    )
    assert booked.startswith("Reservado: ") and "TURNO NO" in booked
    assert off == "Tu lugar quedó libre. Gracias por avisarnos."
    assert Contact.objects.get().language == "es"


def test_cancel_is_still_a_stop_word(client: Any, crown: Any) -> None:
    make_day(crown)
    texts(client, "SLOT", "1")
    (stopped,) = texts(client, "CANCEL")
    assert "no more messages" in stopped
    assert Contact.objects.get().opted_out
    # The booking stays (CANCEL unsubscribes from texts); reminders are not sent to someone who said STOP.
    booking = SlotBooking.objects.get()
    assert booking.state == "booked"
    before = OutboundMessage.objects.count()
    distribution.remind(booking.slot.starts_at - datetime.timedelta(hours=1))
    assert OutboundMessage.objects.count() == before


def test_no_free_slot_and_a_slot_taken_meanwhile(client: Any, crown: Any, ben: Any) -> None:
    (nothing,) = texts(client, "SLOT")
    assert nothing == "Crown Heights Mutual Aid has no free slot right now. Text SLOT again another day."
    day = make_day(crown, slot_count=1)
    texts(client, "SLOT")
    distribution.book(slot=day.slots.get(), user=ben)  # someone on the web was quicker
    (late,) = texts(client, "1")
    assert late.startswith("That slot just filled up.")
    assert not SlotBooking.objects.filter(source="sms").exists()


def test_a_texter_is_reminded_and_told_when_a_place_opens(client: Any, crown: Any, ben: Any) -> None:
    day = make_day(crown, slot_count=1)
    slot = day.slots.get()
    mine = distribution.book(slot=slot, user=ben)
    # Full: a coordinator puts the texter in line (they texted earlier, so a contact exists).
    texts(client, "SLOT", phone=OTHER)
    waiting = distribution.book(slot=slot, phone=OTHER, source="coordinator", name="Rosa")
    assert waiting.state == "waiting"
    before = set(OutboundMessage.objects.values_list("pk", flat=True))
    distribution.cancel(booking=mine)
    opened = OutboundMessage.objects.exclude(pk__in=before).get()
    assert (opened.channel, opened.recipient) == ("sms", OTHER)
    assert "a place opened for you" in opened.body
    distribution.remind(slot.starts_at - datetime.timedelta(hours=1))
    reminder = OutboundMessage.objects.order_by("-pk").first()
    assert reminder is not None and reminder.recipient == OTHER
    assert "reminder" in reminder.body and "SLOT OFF" in reminder.body


def test_a_sentence_after_the_list_is_read_as_usual(client: Any, crown: Any) -> None:
    make_day(crown)
    listing, need = texts(client, "SLOT", "I need food for my kids")
    assert listing.startswith("Free slots at")
    assert "We will put your request on our board." in need
    assert Contact.objects.get().step == "need:area"
    assert not SlotBooking.objects.exists()


def test_help_names_slot_only_while_a_day_has_a_free_place(client: Any, crown: Any, ben: Any) -> None:
    (without_day,) = texts(client, "HELP")
    assert "SLOT" not in without_day
    assert without_day.endswith("Reply ALERT to report an emergency (raid, eviction, police, disaster).")
    day = make_day(crown, slot_count=1)
    (with_day,) = texts(client, "HELP")
    assert "Reply SLOT for a place at a distribution day." in with_day
    distribution.book(slot=day.slots.get(), user=ben)  # the only place is taken
    (full,) = texts(client, "HELP")
    assert "SLOT" not in full
    (spanish,) = texts(client, "AYUDA", phone=OTHER)
    assert "Responda ALERTA" in spanish


@pytest.mark.parametrize(
    ("word", "off", "language", "listed", "freed"),
    [
        (
            "CRÉNEAU",
            "creneau non",
            "fr",
            "Créneaux libres chez Crown Heights Mutual Aid.",
            "Ta place est libérée.",
        ),
        ("plas", "PLAS NON", "ht", "Plas ki lib nan Crown Heights Mutual Aid.", "Plas ou libere."),
    ],
)
def test_creneau_and_plas_answer_in_their_language(
    client: Any, crown: Any, word: str, off: str, language: str, listed: str, freed: str
) -> None:
    make_day(crown)
    listing, booked, freed_reply = texts(client, word, "1", off)
    assert listing.startswith(listed)
    assert off.upper() in booked  # the booking says how to free the place, with the same words
    assert freed_reply.startswith(freed)
    assert Contact.objects.get().language == language
    assert SlotBooking.objects.get().state != "booked"
