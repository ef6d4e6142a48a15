"""THREATS.md property 2: contact details, exact addresses and sensitive notes are encrypted before they
reach the database. Canary values go in through the services and into every encrypted column of every
model (generic over the schema); a dump of the database (SQLite file, `pg_dump` output) has none of them."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from mutualaid.core.classification import encrypted_fields
from tests.conftest import make_user
from tests.core.dumps import database_bytes

TAG = secrets.token_hex(4).upper()
PHONE = "+1 718 555 0142"
PHONE_DIGITS = b"7185550142"
EMAIL = f"canary.{TAG.lower()}@example.org"
ADDRESS = f"{TAG} Canary Street, Apt 4"
NOTE = f"CANARY-NOTE-{TAG} has an eviction hearing"


def _column_canary(index: int) -> str:
    return f"CANARY-COLUMN-{TAG}-{index:03d} 12 Secret Lane"


@pytest.fixture
def through_services(transactional_db: Any) -> None:
    """Canaries seeded the way members enter them: through the services (on top of the demo network)."""
    from mutualaid.demo import load_demo
    from mutualaid.groups.models import Group
    from mutualaid.members import services

    load_demo()
    ada = make_user("canary-ada", email=EMAIL, phone=PHONE)
    ben = make_user("canary-ben")
    services.profile_update(
        user=ben, display_name="Ben", language="en", email=f"b{EMAIL}", phone="+44 20 7946 0142"
    )
    crown = Group.objects.get(slug="crown-heights")
    services.invitation_create(group=crown, created_by=ada, note=NOTE)
    services.join_request_create(group=crown, user=ben, message=f"I live at {ADDRESS}")


def autofill(model: Any, depth: int = 0) -> Any:
    """A row of any model with its required fields filled in: for models the demo network leaves empty."""
    from django.db import models
    from django.utils import timezone

    assert depth < 4, f"cannot build a {model._meta.label}: its foreign keys go too deep"
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.has_default():
            continue
        if isinstance(field, models.ForeignKey):
            related = field.related_model
            existing = None if isinstance(field, models.OneToOneField) else related._default_manager.first()
            values[field.name] = existing or autofill(related, depth + 1)
        elif field.choices:
            values[field.name] = field.choices[0][0]
        elif isinstance(field, models.BooleanField):
            values[field.name] = False
        elif isinstance(field, models.DateTimeField):
            values[field.name] = timezone.now()
        elif isinstance(field, models.DateField):
            values[field.name] = timezone.localdate()
        elif isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
            values[field.name] = 1
        elif isinstance(field, models.JSONField):
            values[field.name] = {}
        elif isinstance(field, models.CharField | models.TextField):
            values[field.name] = f"auto{secrets.token_hex(6)}"[: field.max_length or 100]
    return model._default_manager.create(**values)


def seed_every_encrypted_column() -> list[str]:
    """A distinct canary in every row of every encrypted column of every model, whatever app owns it.

    Models with no rows after the demo network get one built generically, so a new app is covered the
    day it is merged (demo content of its own is better: it goes through the app's services).
    """
    canaries = []
    for index, (model, field) in enumerate(encrypted_fields()):
        canaries.append(_column_canary(index))
        if not model._default_manager.exists():
            autofill(model)
        for pk in model._default_manager.values_list("pk", flat=True):
            row = model._default_manager.get(pk=pk)
            setattr(row, field.attname, _column_canary(index))
            row.save(update_fields=[field.name])
    return canaries


def _hits(dump: bytes, needles: list[bytes]) -> list[str]:
    return [n.decode() for n in needles if n in dump]


def test_no_canary_entered_through_the_services_in_a_dump(through_services: None, tmp_path: Path) -> None:
    from mutualaid.members.models import User

    # The values are stored (the test would pass trivially otherwise), sealed.
    assert User.objects.get(username="canary-ada").email == EMAIL
    dump = database_bytes(tmp_path)
    assert len(dump) > 10_000
    needles = [PHONE_DIGITS, b"2079460142", EMAIL.encode(), ADDRESS.encode(), NOTE.encode(), TAG.encode()]
    assert _hits(dump, needles) == []
    assert TAG.lower().encode() not in dump


def test_no_canary_in_any_encrypted_column_in_a_dump(through_services: None, tmp_path: Path) -> None:
    canaries = seed_every_encrypted_column()
    for index, (model, field) in enumerate(encrypted_fields()):
        values = set(model._default_manager.values_list(field.name, flat=True))
        assert values == {canaries[index]}, f"{model._meta.label}.{field.name} does not read back"
    dump = database_bytes(tmp_path)
    assert _hits(dump, [c.encode() for c in canaries] + [TAG.encode()]) == []


def test_blind_index_finds_a_member_by_phone(through_services: None) -> None:
    from mutualaid.core.encryption import blind_index
    from mutualaid.members.models import User

    found = User.objects.get(phone_index=blind_index(PHONE.replace(" ", ""), purpose="phone"))
    assert found.username == "canary-ada"


def test_the_dump_would_show_a_plaintext_column(through_services: None, tmp_path: Path) -> None:
    """The grep works: a value put in a plaintext column is found in the dump."""
    from mutualaid.members.models import User

    User.objects.filter(username="canary-ben").update(display_name=f"Visible {TAG}")
    assert _hits(database_bytes(tmp_path), [f"Visible {TAG}".encode()]) != []
