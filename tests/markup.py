"""THREATS.md property 22 (bad input never corrupts; markup is stored as text and escaped on output),
applied to every response of the access-matrix walk (tests/test_access_matrix.py: every route as every
role, on both databases) and to the field-by-field submissions of tests/core/test_threat_22_bad_input.py.

The walk's world holds PAYLOAD in the words members type: a display name, an invitation note and a join
request message written through the services, and every free-text column (titles, details, notes,
descriptions, messages, bodies, reasons...) of every row the world holds. No HTML page may carry it
unescaped, API answers stay valid JSON, and the pages that show those texts show them escaped.
"""

from __future__ import annotations

import json
from typing import Any

PAYLOAD = "<script>alert('x22')</script><img src=x onerror=alert(22)>"
RAW = "<script>alert('x22')"
ESCAPED = "&lt;script&gt;alert(&#x27;x22&#x27;)"


# Columns that hold what people type, by name. Names, addresses, contact details, URLs and keys are left
# alone: they have formats of their own that the world's routes rely on.
FREE_TEXT = {
    "title",
    "details",
    "description",
    "note",
    "notes",
    "body",
    "message",
    "reason",
    "text",
    "purpose",
    "door_note",
    "outcome_note",
    "private_note",
    "accessibility",
    "takes",
    "refuses",
}


def _seed_free_text() -> int:
    from django.apps import apps
    from django.db import models

    from mutualaid.core.classification import is_project_model

    seeded = 0
    for model in apps.get_models():
        if not is_project_model(model):
            continue
        for field in model._meta.concrete_fields:
            if (
                field.name in FREE_TEXT
                and isinstance(field, models.CharField | models.TextField)
                and not field.choices
                and (field.max_length is None or field.max_length >= len(PAYLOAD))
            ):
                rows = model._default_manager.values_list("pk", field.name)
                written = [pk for pk, value in rows if value]
                seeded += model._default_manager.filter(pk__in=written).update(**{field.name: PAYLOAD})
    return seeded


def seed_markup(world: Any) -> None:
    """Markup in the words members type, written the way members write them (through the services)."""
    from mutualaid.members import services

    ada, ben, eve = world.users["ada"], world.users["ben"], world.users["eve"]
    services.invitation_create(group=world.crown, created_by=ada, note=PAYLOAD)
    services.profile_update(user=ben, display_name=PAYLOAD[:60], language="en", email="", phone="")
    from mutualaid.members.models import JoinRequest

    waiting = JoinRequest.objects.filter(group=world.crown, user=eve, status=JoinRequest.Status.PENDING)
    if waiting.exists():  # the matrix world already has eve asking to join: her message carries it
        for request in waiting:
            request.message = PAYLOAD
            request.full_clean()
            request.save(update_fields=["message"])
    else:
        services.join_request_create(group=world.crown, user=eve, message=PAYLOAD)
    assert _seed_free_text() >= 10


def assert_escaped(response: Any, route: Any, where: str) -> bool:
    """No page carries the markup unescaped; API answers stay valid JSON. True when the page shows it."""
    body = response.content.decode(errors="replace")  # receipts are images
    content_type = response.get("Content-Type", "")
    # Downloads (a CSV export) are data files, not pages: text is exported as it was written.
    page = not route.api and content_type.startswith("text/html")
    assert RAW not in body or not page, f"{where}: script reached the page unescaped"
    if route.api and content_type.startswith("application/json") and response.status_code != 204:
        json.loads(body)  # still valid JSON
    return page and ESCAPED in body
