"""A dump of the board's tables reveals no address, phone, e-mail, private note or message (THREATS.md 2)."""

from __future__ import annotations

import base64
from typing import Any

from django.apps import apps
from django.db import connection

from mutualaid.core.classification import unclassified
from mutualaid.exchange import importing, services
from tests.helpers import make_post

CANARIES = [
    "742 Evergreen Canary",
    "3475550777",
    "canary@example.org",
    "canary private note",
    "canary message",
    "Canary Neighbour",
    "11 Canary Cross St",
]


def test_every_field_is_classified() -> None:
    assert [f for f in unclassified() if f.startswith("exchange.")] == []


def test_dump_reveals_no_canary(ada: Any, ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(
        crown,
        ben,
        address=CANARIES[0],
        private_note=CANARIES[3],
        on_behalf=services.ContactInput(
            name=CANARIES[5], phone=CANARIES[1], email=CANARIES[2], note=CANARIES[3]
        ),
    )
    claim = services.claim_create(post=post, claimant=fay)
    services.message_send(claim=claim, author=fay, body=CANARIES[4])
    sheet = f"Name,Phone,Cross Street,What do you need?\n{CANARIES[5]},{CANARIES[1]},{CANARIES[6]},Food\n".encode()
    importing.import_commit(group=crown, actor=ada, plan=importing.plan_import(importing.read(sheet)))
    from mutualaid.exchange.models import ImportDraft

    ImportDraft.objects.create(
        group=crown, created_by=ada, filename="x.csv", content=base64.b64encode(sheet).decode()
    )
    dump = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("exchange").get_models():
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 - table names from the models
            dump.append(repr(cursor.fetchall()))
    text = "\n".join(dump)
    assert [c for c in CANARIES if c in text] == []
