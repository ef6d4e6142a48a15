"""The compiled successive-shortest-paths solver (engine.ssp) finds the same optimum as OR-Tools,
cold and warm-started from the previous round's optimum, and the engine falls back when it gives up."""

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
from mutualaid.matching.engine import exact, load_instance, ssp

from .test_warm_start import _pairs, _part, graphs

pytestmark = pytest.mark.pure  # the engine imports nothing from Django: no database here

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Graph = tuple[list[int], list[int], list[tuple[int, int, int]], list[tuple[int, int, int]]]


def _compiled(part: exact._Part, pairs: exact._Pairs, *warm: Any) -> np.ndarray:
    start, u, v = warm or (None, None, None)
    # Every share of violating pairs: the engine sends large shares to OR-Tools, the solver
    # itself must be exact on all of them.
    units = ssp.solve(
        len(part.quantity),
        len(part.capacity),
        pairs.need,
        pairs.offer,
        pairs.score,
        part.quantity,
        part.capacity,
        start,
        u,
        v,
        max_saturated_share=1.0,
    )
    if start is None and part.capacity.sum() < part.quantity.sum():
        assert units is None  # cold scarce flows go to OR-Tools
        return exact._solve_flow(part, pairs)
    assert units is not None
    return units


def _check_feasible(part: exact._Part, pairs: exact._Pairs, units: np.ndarray) -> None:
    assert (units >= 0).all()
    assert (units <= np.minimum(part.quantity[pairs.need], part.capacity[pairs.offer])).all()
    assert (np.bincount(pairs.need, units, minlength=len(part.quantity)) <= part.quantity).all()
    assert (np.bincount(pairs.offer, units, minlength=len(part.capacity)) <= part.capacity).all()


@SETTINGS
@given(graphs(), st.booleans())
def test_cold_compiled_solve_equals_or_tools(graph: Graph, huge: bool) -> None:
    quantity, capacity, first, added = graph
    if huge:  # scores near the instance limit (2**40): no overflow in the potentials
        first = [(i, j, 2**40 - s) for i, j, s in first]
        added = [(i, j, 2**40 - s) for i, j, s in added]
    part = _part(quantity, capacity)
    pairs = _pairs(first + added)
    if not len(pairs):
        return
    units = _compiled(part, pairs)
    _check_feasible(part, pairs, units)
    reference = exact._solve_flow(part, pairs)
    assert int((units * pairs.score).sum()) == int((reference * pairs.score).sum())
    exact._duals(part, pairs, units)  # the optimality certificate closes


@SETTINGS
@given(graphs())
def test_warm_compiled_solve_from_the_previous_optimum_equals_a_cold_or_tools_solve(graph: Graph) -> None:
    quantity, capacity, first, added = graph
    part = _part(quantity, capacity)
    old = _pairs(first)
    start = exact._solve_flow(part, old) if len(old) else np.zeros(0, np.int64)
    u, v = exact._duals(part, old, start)
    new = _pairs(first + added)
    if not len(new):
        return
    carried = dict(zip(zip(old.need.tolist(), old.offer.tolist(), strict=True), start.tolist(), strict=True))
    warm_start = np.array(
        [carried.get(key, 0) for key in zip(new.need.tolist(), new.offer.tolist(), strict=True)],
        dtype=np.int64,
    )
    units = _compiled(part, new, warm_start, u, v)
    _check_feasible(part, new, units)
    reference = exact._solve_flow(part, new)
    assert int((units * new.score).sum()) == int((reference * new.score).sum())
    exact._duals(part, new, units)


def test_a_start_that_is_not_optimal_for_its_duals_is_refused() -> None:
    part = _part([1, 1], [1])
    pairs = _pairs([(0, 0, 10), (1, 0, 20)])
    # Need 0 holds the offer although need 1 scores higher; the duals of the optimum say so.
    bad_start = np.array([1, 0], dtype=np.int64)
    u = np.array([0, 0], dtype=np.int64)
    v = np.array([20], dtype=np.int64)
    assert (
        ssp.solve(2, 1, pairs.need, pairs.offer, pairs.score, part.quantity, part.capacity, bad_start, u, v)
        is None
    )


def test_engine_answers_are_the_same_with_the_compiled_solver_or_or_tools_and_when_its_budget_runs_out() -> (
    None
):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from gen_instance import generate_shape  # type: ignore[import-not-found]  # bench/ is not a package

    for shape in ("dense-metro", "scarce-supply"):
        text = io.StringIO()
        generate_shape(shape, 2000, 2000, 7, text)
        instance = load_instance(text.getvalue())

        def tuned(**changes: Any) -> engine.Tuning:
            # Small seeds: several pricing rounds, so warm rounds run more than once.
            return engine.Tuning(
                dense_pairs_limit=0, seed_offers_per_need=2, seed_needs_per_offer=1, **changes
            )

        compiled = engine.solve_assignment(instance, workers=1, tuning=tuned())
        or_tools = engine.solve_assignment(instance, workers=1, tuning=tuned(compiled_solver=False))
        gave_up = engine.solve_assignment(instance, workers=1, tuning=tuned(compiled_budget=0))
        assert compiled.stats["max_pricing_rounds"] > 1
        assert compiled.objective == or_tools.objective == gave_up.objective
        assert compiled.matched_units > 0


def test_budget_exhaustion_returns_none() -> None:
    part = _part([2, 2, 2], [2, 2, 2])
    pairs = _pairs([(i, j, 100 + 10 * i + j) for i in range(3) for j in range(3)])
    got = ssp.solve(
        3, 3, pairs.need, pairs.offer, pairs.score, part.quantity, part.capacity, budget_per_arc=0
    )
    # The budget is per arc plus a fixed 64 pops, so a tiny graph still finishes; a negative
    # budget per arc leaves nothing.
    assert got is not None
    assert (
        ssp.solve(
            3, 3, pairs.need, pairs.offer, pairs.score, part.quantity, part.capacity, budget_per_arc=-1000
        )
        is None
    )


def _dual_inputs(part: exact._Part, pairs: exact._Pairs, units: np.ndarray) -> np.ndarray:
    served = np.bincount(pairs.need, units, minlength=len(part.quantity)).astype(np.int64)
    return served < part.quantity


@SETTINGS
@given(graphs())
def test_compiled_dual_labels_are_the_numbers_the_sweeps_give(graph: Graph) -> None:
    quantity, capacity, first, added = graph
    part = _part(quantity, capacity)
    pairs = _pairs(first + added)
    if not len(pairs):
        return
    units = exact._solve_flow(part, pairs)  # the OR-Tools optimum
    short = _dual_inputs(part, pairs, units)
    swept = exact._swept_duals(len(quantity), len(capacity), pairs, units, short)
    labelled = exact._compiled_duals(len(quantity), len(capacity), pairs, units, short)
    assert labelled is not None
    assert labelled[0].tolist() == swept[0].tolist()
    assert labelled[1].tolist() == swept[1].tolist()
    # And the engine's certificate takes them (compiled whatever the graph's size).
    tuned = exact._Part(**{**part.__dict__, "tuning": engine.Tuning(compiled_min_pairs=0)})
    u, v = exact._duals(tuned, pairs, units)
    assert u.tolist() == swept[0].tolist()
    assert v.tolist() == swept[1].tolist()


def test_compiled_dual_labels_refuse_a_flow_that_is_not_optimal() -> None:
    part = exact._Part(**{**_part([1, 1], [1]).__dict__, "tuning": engine.Tuning(compiled_min_pairs=0)})
    pairs = _pairs([(0, 0, 10), (1, 0, 20)])
    # Need 0 holds the offer although need 1 scores higher: a negative cycle, no prices settle.
    with pytest.raises(RuntimeError):
        exact._duals(part, pairs, np.array([1, 0], dtype=np.int64))


@SETTINGS
@given(st.lists(st.integers(0, 6), max_size=40), st.integers(0, 3))
def test_bucket_order_is_the_stable_argsort(keys: list[int], spare: int) -> None:
    # The pairs by offer, as the solver and the dual labels walk them: ties keep their order.
    array = np.asarray(keys, np.int64)
    buckets = (max(keys) + 1 if keys else 0) + spare
    order, start = ssp._bucket_order(array, buckets)
    assert np.array_equal(order, np.argsort(array, kind="stable"))
    # And where each bucket begins among them.
    assert start.tolist() == np.searchsorted(array[order], np.arange(buckets + 1)).tolist()


def test_a_warm_solve_that_gives_up_leaves_its_start_as_it_was() -> None:
    # The flow is built in the start array; when the solver gives up half-way, the engine
    # re-solves from that start with OR-Tools, so it must hold the previous optimum again.
    part = _part([1, 1], [1])
    old = _pairs([(0, 0, 10)])
    start = exact._solve_flow(part, old)
    u, v = exact._duals(part, old, start)
    new = _pairs([(0, 0, 10), (1, 0, 20)])  # the added pair beats the one holding the offer
    warm_start = np.array([int(start[0]), 0], dtype=np.int64)
    args = (2, 1, new.need, new.offer, new.score, part.quantity, part.capacity, warm_start, u, v)
    assert ssp.solve(*args, budget_per_arc=-1000, max_saturated_share=1.0) is None
    assert warm_start.tolist() == [1, 0]
    # With its budget, the same call moves the unit to the better pair, in the start array.
    units = ssp.solve(*args, max_saturated_share=1.0)
    assert units is warm_start
    assert units.tolist() == [0, 1]
