"""After the retention period, who signed up for a shift and who came are gone; the counts stay."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from mutualaid.core.models import PurgeTally
from mutualaid.core.retention import purge_expired
from mutualaid.shifts import services
from mutualaid.shifts.models import Occurrence, Signup
from tests.shifts.conftest import role


def test_old_sign_ups_go_and_notes_are_blanked(settings: Any, pantry: Any, ben: Any) -> None:
    old, recent = list(pantry.occurrences.filter(starts_at__gt=timezone.now()).order_by("starts_at")[:2])
    for occurrence in (old, recent):
        services.signup_create(occurrence=occurrence, role=role(pantry, "sorter"), user=ben)
    long_ago = timezone.now() - datetime.timedelta(days=settings.MUTUALAID_RETENTION_DAYS + 2)
    Occurrence.objects.filter(pk=old.pk).update(
        starts_at=long_ago,
        ends_at=long_ago + datetime.timedelta(hours=3),
        households_served=30,
        notes="SEALED",
    )
    result = purge_expired()
    assert result["old shift sign-ups"] == 1
    assert result["notes of old shifts"] == 1
    assert not Signup.objects.filter(occurrence=old).exists()
    assert Signup.objects.filter(occurrence=recent).exists()
    old.refresh_from_db()
    assert old.households_served == 30 and old.notes == ""
    assert PurgeTally.objects.filter(label="shift confirmed", count=1).exists()
