from __future__ import annotations

from typing import Any

from mutualaid.shifts.models import Series, Signup


def test_demo_shifts_load_twice_without_change(db: Any) -> None:
    from mutualaid.demo import load_demo

    load_demo()
    signups = Signup.objects.count()
    load_demo()
    assert sorted(Series.objects.values_list("group__slug", "title")) == [
        ("bushwick", "Nevera solidaria"),
        ("crown-heights", "Saturday pantry"),
    ]
    assert Signup.objects.count() == signups
    assert Signup.objects.filter(state="waitlisted", user__username="hana").exists()
