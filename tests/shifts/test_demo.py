from __future__ import annotations

from typing import Any

from mutualaid.shifts.models import Series, Signup


def test_demo_shifts_load_twice_without_change(db: Any) -> None:
    from mutualaid.demo import load_demo

    load_demo()
    signups = Signup.objects.count()
    load_demo()
    assert sorted((s.group.slug, s.title) for s in Series.objects.select_related("group")) == [
        ("bushwick", "Nevera solidaria"),
        ("crown-heights", "English conversation"),
        ("crown-heights", "Repair café"),
        ("crown-heights", "Saturday pantry"),
    ]
    cafe = next(s for s in Series.objects.filter(kind="skillshare") if s.title == "Repair café")
    assert cafe.approved and cafe.lead.username == "hana" and cafe.rule == "FREQ=MONTHLY;BYDAY=1SA"
    assert all(o.starts_at.day <= 7 for o in cafe.occurrences.all())  # first Saturdays only
    english = next(s for s in Series.objects.filter(kind="skillshare") if s.title == "English conversation")
    assert not english.approved and not english.occurrences.exists()  # waiting for a coordinator
    assert Signup.objects.count() == signups
    assert Signup.objects.filter(state="waitlisted", user__username="hana").exists()
