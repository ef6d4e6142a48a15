"""What a seized database or a log reveals of people who text in: no number, no words (THREATS.md 2, 5)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.channels import conversation
from mutualaid.channels.gateways import twilio_signature
from mutualaid.channels.models import Contact
from mutualaid.exchange.models import Urgency
from tests.channels.conftest import post_twilio, run_jobs

CANARY_PHONE = "+17185557777"
CANARY_WORDS = "Insulin-canary-Zebra"
CANARY_AREA = "Canary-Street-Corner"


def _all_text_in_the_database() -> str:
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the introspection API
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_no_number_or_words_in_the_database(
    client: Any, twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    http_server.fail_next = 1  # a failed delivery too: its error is stored in the clear by the queue
    with django_capture_on_commit_callbacks(execute=True):
        for text in ("NEED", "1", CANARY_AREA, "1", CANARY_WORDS, "STATUS"):
            post_twilio(client, CANARY_PHONE, text)
    run_jobs()
    dump = _all_text_in_the_database()
    digits = CANARY_PHONE.lstrip("+")
    for canary in (digits, "555-7777", "5557777", CANARY_WORDS, CANARY_AREA, "Reply 1 or NEED"):
        assert canary not in dump, f"{canary} found in the database"
        assert canary not in caplog.text, f"{canary} found in the logs"
    assert Contact.objects.get().phone == CANARY_PHONE  # and yet it is all there for the app


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    messages=st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "NEED",
                    "OFFER",
                    "STATUS",
                    "STOP",
                    "START",
                    "HELP",
                    "MENU",
                    "YES",
                    "NO",
                    "SI",
                    "1",
                    "2",
                    "3",
                    "12",
                    "NECESITO",
                    "ESPAÑOL",
                    "ENGLISH",
                    "",
                    " ",
                ]
            ),
            st.text(max_size=600),
        ),
        max_size=12,
    )
)
def test_any_sequence_of_texts_gets_a_valid_answer(messages: list[str], twilio: Any) -> None:
    """Whatever people type, the conversation never fails, stays in a known step, and its answers fit
    in a few SMS (at most three segments plus the category list)."""
    contact = Contact.objects.create(
        group=twilio.group, phone="+17185550000", phone_index=f"h{id(messages)}-{len(messages)}"
    )
    for n, text in enumerate(messages):
        replies = conversation.reply_to(contact, text, first=n == 0)
        assert contact.step in {
            "",
            "need:category",
            "need:area",
            "need:urgency",
            "need:details",
            f"need:{conversation.ON_WAY}",  # may a driver text when setting out (after the details)
            "offer:category",
            "offer:area",
            "offer:details",
        }
        assert contact.language in {"en", "es"}
        for reply in replies:
            assert 0 < len(reply) <= 640
        if contact.opted_out:
            assert (
                conversation.keyword(text) in conversation.STOP | conversation.START | conversation.HELP
                or not replies
            )
    assert set(contact.requests.values_list("post__urgency", flat=True)) <= set(Urgency.values)
    contact.delete()


@given(
    params=st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=20), min_size=1, max_size=6),
    key=st.sampled_from(["a", "b"]),
    value=st.text(max_size=5),
)
def test_twilio_signature_changes_when_any_parameter_changes(
    params: dict[str, str], key: str, value: str
) -> None:
    as_lists = {k: [v] for k, v in params.items()}
    signature = twilio_signature("https://aid.example.org/channels/sms/twilio/crown/", as_lists, "token")
    changed = {**as_lists, key: [as_lists.get(key, [""])[0] + value + "x"]}
    assert (
        twilio_signature("https://aid.example.org/channels/sms/twilio/crown/", changed, "token") != signature
    )
