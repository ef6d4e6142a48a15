"""The question "may we text you when a driver sets out?" is asked once, after a texted-in need for goods.
People answer the way they talk: "Yes please", "Sí, gracias", "No thanks". Only a bare YES or NO was read
as an answer; the demo run's "yes please" was filed as a note on the request instead, and the consent was
lost for good because the question is never asked twice. A longer message stays a message of its own."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.channels.models import IntakeRequest, OutboundMessage
from tests.channels.conftest import post_twilio, twilio  # noqa: F401 - fixtures

PHONE = "+17185550166"


def _last_reply() -> str:
    # The recipient is a sealed field: compared in Python, not in the query.
    return [m.body or "" for m in OutboundMessage.objects.order_by("pk") if m.recipient == PHONE][-1]


def _ask(client: Any, first: str) -> None:
    for word in [first, "1", "Crown Heights", "1", "Rice"]:
        assert post_twilio(client, PHONE, word).status_code == 200
    assert "YES or NO" in _last_reply() or "SÍ o NO" in _last_reply(), _last_reply()


@pytest.mark.parametrize(
    ("first", "reply", "agreed"),
    [
        ("NEED", "Yes please", True),
        ("NEED", "yes, thank you!", True),
        ("NECESITO", "Sí, gracias", True),
        ("NEED", "No thanks", False),
        ("NECESITO", "no gracias", False),
    ],
)
def test_a_short_reply_starting_with_yes_or_no_answers(
    client: Any,
    twilio: Any,  # noqa: F811
    crown: Any,
    ada: Any,
    first: str,
    reply: str,
    agreed: bool,
) -> None:
    _ask(client, first)
    assert post_twilio(client, PHONE, reply).status_code == 200
    request = IntakeRequest.objects.get()
    assert request.text_on_way is agreed
    assert reply not in (request.post.details or "")  # taken as the answer, not filed as a note


def test_a_longer_message_starting_with_no_is_read_afresh(
    client: Any,
    twilio: Any,  # noqa: F811
    crown: Any,
    ada: Any,
) -> None:
    _ask(client, "NEED")
    assert post_twilio(client, PHONE, "No, and we also need diapers").status_code == 200
    assert IntakeRequest.objects.order_by("pk").first().text_on_way is None  # not an answer to the question
    assert "we will not text you" not in _last_reply()
