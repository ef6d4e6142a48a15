"""The menu's numbers: "1" sent in answer to the welcome starts a need (it got the welcome again), through
the real signed webhooks of both gateways; numbers inside a question still answer that question."""

from __future__ import annotations

from typing import Any

from mutualaid.channels.models import Contact, OutboundMessage
from tests.channels.conftest import android_event, post_android, post_twilio

PHONE = "+17185550177"


def _new_replies(send: Any) -> list[str]:
    before = set(OutboundMessage.objects.values_list("pk", flat=True))
    assert send().status_code == 200
    return [m.body for m in OutboundMessage.objects.exclude(pk__in=before).order_by("pk")]


def test_one_after_the_welcome_asks_what_is_needed_by_twilio(client: Any, twilio: Any) -> None:
    [welcome] = _new_replies(lambda: post_twilio(client, PHONE, "hi"))
    assert welcome.startswith(
        "Hello from Crown Heights Mutual Aid. Reply 1 or NEED to ask for help, 2 or OFFER"
    )
    [asked] = _new_replies(lambda: post_twilio(client, PHONE, "1"))
    assert asked.startswith("What do you need? Reply with a number:\n1 Food")
    # Inside the question, "1" answers it (food), not the menu.
    [area] = _new_replies(lambda: post_twilio(client, PHONE, "1"))
    assert area.startswith("Which neighbourhood or ZIP code")
    assert Contact.objects.get().step == "need:area"


def test_two_and_three_after_the_welcome_in_spanish_by_android(client: Any, android: Any) -> None:
    [welcome] = _new_replies(lambda: post_android(client, android_event(PHONE, "Hola", "m-1")))
    assert "Responda 1 o NECESITO" in welcome, welcome
    [offer] = _new_replies(lambda: post_android(client, android_event(PHONE, "2", "m-2")))
    assert offer.startswith("¿Qué puede ofrecer? Responda con un número:"), offer
    [menu] = _new_replies(lambda: post_android(client, android_event(PHONE, "MENU", "m-3")))
    assert "3 o ESTADO" in menu
    [status] = _new_replies(lambda: post_android(client, android_event(PHONE, "3", "m-4")))
    assert "NECESITO" in status and "Hola" not in status
    assert Contact.objects.get().step == ""
