"""The warm-started re-solve (residual graph of the previous optimum, reduced costs) is exact."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.matching import engine
from mutualaid.matching.engine import exact, load_instance, parse_instance

pytestmark = pytest.mark.pure  # the engine imports nothing from Django: no database here

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def graphs(
    draw: st.DrawFn,
) -> tuple[list[int], list[int], list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """Quantities, capacities, first-round pairs and the pairs a later round adds (need, offer, score)."""
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 8))
    quantity = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    capacity = draw(st.lists(st.integers(1, 5), min_size=m, max_size=m))
    cells = [(i, j) for i in range(n) for j in range(m)]
    chosen = draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells)))
    split = draw(st.integers(0, len(chosen)))
    scores = draw(st.lists(st.integers(1, 9000), min_size=len(chosen), max_size=len(chosen)))
    triples = [(i, j, s) for (i, j), s in zip(chosen, scores, strict=True)]
    return quantity, capacity, triples[:split], triples[split:]


def _part(quantity: list[int], capacity: list[int]) -> exact._Part:
    # Only quantities and capacities matter to the flow solvers; places are placeholders.
    obj = {
        "params": {"max_km": 15.0},
        "needs": [
            {"id": f"n{i}", "category": "food", "lat": 40.0, "lon": -3.0, "quantity": q}
            for i, q in enumerate(quantity)
        ],
        "offers": [
            {"id": f"o{j}", "category": "food", "lat": 40.0, "lon": -3.0, "capacity": c}
            for j, c in enumerate(capacity)
        ],
    }
    instance = parse_instance(obj)
    return exact._Part.slice(
        instance, np.arange(len(quantity), dtype=np.int64), np.arange(len(capacity), dtype=np.int64)
    )


def _pairs(triples: list[tuple[int, int, int]]) -> exact._Pairs:
    triples = sorted(triples)
    return exact._Pairs(
        np.array([t[0] for t in triples], dtype=np.int64),
        np.array([t[1] for t in triples], dtype=np.int64),
        np.zeros(len(triples)),
        np.array([t[2] for t in triples], dtype=np.int64),
    )


@SETTINGS
@given(graphs())
def test_warm_re_solve_equals_a_cold_solve_and_respects_capacities(
    graph: tuple[list[int], list[int], list[tuple[int, int, int]], list[tuple[int, int, int]]],
) -> None:
    quantity, capacity, first, added = graph
    part = _part(quantity, capacity)
    old = _pairs(first)
    start = exact._solve_flow(part, old) if len(old) else np.zeros(0, np.int64)
    u, v = exact._duals(part, old, start)
    new = _pairs(first + added)
    # The previous optimum carried over to the new pair order, 0 on the added pairs.
    carried = dict(zip(zip(old.need.tolist(), old.offer.tolist(), strict=True), start.tolist(), strict=True))
    warm_start = np.array(
        [carried.get(key, 0) for key in zip(new.need.tolist(), new.offer.tolist(), strict=True)],
        dtype=np.int64,
    )
    warm = exact._solve_flow_warm(part, new, warm_start, u, v)
    cold = exact._solve_flow(part, new)
    assert int((warm * new.score).sum()) == int((cold * new.score).sum())
    assert (warm >= 0).all()
    assert (warm <= np.minimum(part.quantity[new.need], part.capacity[new.offer])).all()
    assert (np.bincount(new.need, warm, minlength=len(quantity)) <= part.quantity).all()
    assert (np.bincount(new.offer, warm, minlength=len(capacity)) <= part.capacity).all()
    exact._duals(part, new, warm)  # the certificate closes on the warm answer too


def test_warm_and_cold_rounds_reach_the_same_optimum_on_a_generated_instance() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from gen_instance import generate_shape  # type: ignore[import-not-found]  # bench/ is not a package

    text = io.StringIO()
    generate_shape("dense-metro", 2500, 2500, 5, text)
    instance = load_instance(text.getvalue())

    def tuned(**changes: Any) -> engine.Tuning:
        # Small seeds: several pricing rounds, so the warm path runs more than once.
        return engine.Tuning(dense_pairs_limit=0, seed_offers_per_need=2, seed_needs_per_offer=1, **changes)

    warm = engine.solve_assignment(instance, workers=1, tuning=tuned())
    cold = engine.solve_assignment(instance, workers=1, tuning=tuned(warm_start=False))
    assert warm.stats["max_pricing_rounds"] > 2
    assert warm.objective == cold.objective
    assert warm.matched_units > 0


def test_warm_re_solve_falls_back_to_a_cold_solve_beyond_the_cost_range(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Scores near the instance limit (2**40): need 0 and offer 1 are both priced near 2**40, so
    # the added pair (0, 1) has a reduced cost near 2**41, beyond what the solver's cost range
    # allows for two million nodes. That round is solved from scratch, with the same optimum.
    big = 2**40 - 5
    part = _part([1, 1, 1], [1, 1])
    old = _pairs([(0, 0, big), (1, 1, big), (2, 1, big)])
    start = exact._solve_flow(part, old)
    u, v = exact._duals(part, old, start)
    new = _pairs([(0, 0, big), (1, 1, big), (2, 1, big), (0, 1, 1), (2, 0, big - 1)])
    carried = dict(zip(zip(old.need.tolist(), old.offer.tolist(), strict=True), start.tolist(), strict=True))
    warm_start = np.array(
        [carried.get(key, 0) for key in zip(new.need.tolist(), new.offer.tolist(), strict=True)],
        dtype=np.int64,
    )
    assert int((u[new.need] + v[new.offer] - new.score).max()) > 2**40
    cold_solves = []
    cold = exact._solve_flow

    def counted(*args: Any) -> Any:
        cold_solves.append(1)
        return cold(*args)

    monkeypatch.setattr(exact, "_solve_flow", counted)
    warm = exact._solve_flow_warm(part, new, warm_start, u, v)
    assert cold_solves == [1]
    assert int((warm * new.score).sum()) == int((cold(part, new) * new.score).sum()) == 2 * big


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), unique=True, max_size=20),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=20),
    st.sampled_from([np.int32, np.int64]),
)
def test_merging_added_pairs_keeps_the_order_and_the_flow_of_a_stable_sort(
    old: list[tuple[int, int]], added: list[tuple[int, int]], index_type: Any
) -> None:
    # What each round does with the pairs pricing found: the candidate graph stays sorted by need
    # then offer (as a stable sort of old then new pairs would leave it, ties old first) and the
    # previous flow follows its pairs, 0 on the added ones.
    old = sorted(old)
    n_offers = 6

    def pairs_of(triples: list[tuple[int, int, int]]) -> exact._Pairs:
        return exact._Pairs(
            np.array([t[0] for t in triples], index_type),
            np.array([t[1] for t in triples], index_type),
            np.zeros(len(triples)),
            np.array([t[2] for t in triples], np.int64),
        )

    first = [(i, j, 100 + k) for k, (i, j) in enumerate(old)]
    later = [(i, j, 500 + k) for k, (i, j) in enumerate(added)]
    units = np.arange(len(first), dtype=np.int64) + 1
    pairs = pairs_of(first)
    spread = exact._merge(pairs, pairs_of(later), n_offers, units)
    both = first + later
    order = np.argsort([i * n_offers + j for i, j, _ in both], kind="stable").tolist()
    assert pairs.need.tolist() == [both[k][0] for k in order]
    assert pairs.offer.tolist() == [both[k][1] for k in order]
    assert pairs.score.tolist() == [both[k][2] for k in order]
    assert pairs.need.dtype == index_type
    flows = units.tolist() + [0] * len(later)
    assert spread is not None
    assert spread.tolist() == [flows[k] for k in order]
