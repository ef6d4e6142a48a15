"""The vectorised greedy baseline does what a plain loop over needs does."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from mutualaid.matching import engine
from mutualaid.matching.engine import greedy, parse_instance, solve

from .strategies import feasible_pairs, instances, priority
from .test_engine import assert_valid

pytestmark = pytest.mark.pure  # the engine imports nothing from Django: no database here

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def plain_greedy(obj: dict[str, Any]) -> list[tuple[str, str, int]]:
    """Most urgent need first (input order on ties), nearest offer first (input order on
    ties), as many units as the offer has left."""
    pairs = feasible_pairs(obj)
    left = {o["id"]: o.get("capacity", 1) for o in obj["offers"]}
    offer_pos = {o["id"]: k for k, o in enumerate(obj["offers"])}
    order = sorted(enumerate(obj["needs"]), key=lambda kn: (-priority(obj, kn[1]), kn[0]))
    out = []
    for _, need in order:
        wanted = need.get("quantity", 1)
        options = sorted((km, offer_pos[o], o) for (n, o), (km, _) in pairs.items() if n == need["id"])
        for _, _, offer in options:
            if wanted == 0:
                break
            units = min(wanted, left[offer])
            if units:
                left[offer] -= units
                wanted -= units
                out.append((need["id"], offer, units))
    return sorted(out)


@SETTINGS
@given(instances())
def test_greedy_matches_the_plain_loop(obj: dict[str, Any]) -> None:
    out = greedy(parse_instance(obj))
    got = sorted((r["need"], r["offer"], r["units"]) for r in out["assignments"])
    assert got == plain_greedy(obj)


@SETTINGS
@given(instances())
def test_greedy_beyond_the_nearest_offers_is_valid(obj: dict[str, Any]) -> None:
    # Two nearest offers per need, so the rest of the ball is searched when they run out.
    # (Which of two equally near offers k-nearest returns first is the k-d tree's choice,
    # so this path is checked for validity, not against the plain loop's tie-breaking.)
    out = greedy(parse_instance(obj), tuning=engine.Tuning(greedy_neighbours=2))
    assert_valid(obj, out)
    assert out["objective"] <= solve(parse_instance(obj))["objective"]
