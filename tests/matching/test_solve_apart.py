"""A worker's round is solved in a child process (engine/apart.py): the same answer as in-process, and the
same refusal of an invalid instance, carried back to the worker."""

from __future__ import annotations

import pytest

from mutualaid.matching import engine

pytestmark = pytest.mark.pure


def _instance() -> dict[str, object]:
    needs = [
        {"id": f"n{i}", "category": "food", "lat": 40.67 + i / 1000, "lon": -73.94, "quantity": 1 + i % 3}
        for i in range(30)
    ]
    offers = [
        {"id": f"o{j}", "category": "food", "lat": 40.67 + j / 700, "lon": -73.95, "capacity": 2}
        for j in range(20)
    ]
    return {"needs": needs, "offers": offers}


def test_the_child_finds_the_same_assignment_and_refuses_the_same_instances() -> None:
    obj = _instance()
    excluded = [("n1", "o1"), ("n2", "o0")]
    here = engine.solve(engine.parse_instance(obj, exclude_pairs=excluded), workers=1)
    apart = engine.solve_apart(obj, exclude_pairs=excluded)
    assert apart["assignments"] == here["assignments"] and apart["assignments"]
    assert apart["matched_units"] == here["matched_units"]
    assert not {(a["need"], a["offer"]) for a in apart["assignments"]} & set(excluded)
    broken = {"needs": [{"id": "n1", "category": "food", "lat": 95, "lon": 0, "quantity": 1}], "offers": []}
    with pytest.raises(engine.InvalidInstance, match="n1"):
        engine.solve_apart(broken)
