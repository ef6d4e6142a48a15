"""A part judged in threads (large batches of pairs in slices, k-d tree queries on several
threads) gives the same pairs, distances, scores and answers as one thread."""

from __future__ import annotations

import io
import multiprocessing
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from mutualaid.matching import engine
from mutualaid.matching.engine import exact, load_instance, parts

pytestmark = pytest.mark.pure  # the engine imports nothing from Django: no database here


def _instance() -> engine.Instance:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from gen_instance import generate_shape  # type: ignore[import-not-found]  # bench/ is not a package

    text = io.StringIO()
    generate_shape("giant-category", 1500, 1500, 3, text)
    return load_instance(text.getvalue())


def _judging_and_seeding_equal_one_thread() -> None:
    instance = _instance()
    (need_index, offer_index) = max(parts._components(instance), key=lambda p: len(p[0]))
    one = exact._Part.slice(instance, need_index, offer_index, engine.Tuning(threads=1))
    many = exact._Part.slice(instance, need_index, offer_index, engine.Tuning(threads=3, thread_min_pairs=0))
    rng = np.random.default_rng(5)
    need = rng.integers(0, len(need_index), 50_000)
    offer = rng.integers(0, len(offer_index), 50_000)
    a, b = one.feasible(need, offer), many.feasible(need, offer)
    assert len(a) > 0
    for name in ("need", "offer", "km", "score"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist()
    tuned = engine.Tuning(dense_pairs_limit=0, seed_offers_per_need=4, seed_needs_per_offer=2)
    one = exact._Part.slice(instance, need_index, offer_index, tuned)
    many = exact._Part.slice(
        instance,
        need_index,
        offer_index,
        engine.Tuning(**{**tuned.__dict__, "threads": 2, "thread_min_pairs": 0}),
    )
    a, b = exact._seed_pairs(one), exact._seed_pairs(many)
    for name in ("need", "offer", "km", "score"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist()


def _solve_gives_the_same_assignment() -> None:
    instance = _instance()
    base = {"dense_pairs_limit": 0, "seed_offers_per_need": 4, "seed_needs_per_offer": 2}
    one = engine.solve_assignment(instance, workers=1, tuning=engine.Tuning(threads=1, **base))
    many = engine.solve_assignment(
        instance, workers=1, tuning=engine.Tuning(threads=2, thread_min_pairs=0, **base)
    )
    assert one.objective == many.objective
    assert one.need.tolist() == many.need.tolist()
    assert one.offer.tolist() == many.offer.tolist()
    assert one.units.tolist() == many.units.tolist()


def _in_a_fresh_process(check: Callable[[], None]) -> None:
    """Run `check` in a spawned interpreter: a test worker that used threads and then forked the engine's
    worker processes (tests/matching/test_engine.py::test_parallel_matches_serial) hung once, so the
    threads stay out of the test workers."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        pool.apply(check)


def test_threaded_judging_and_seeding_equal_one_thread() -> None:
    _in_a_fresh_process(_judging_and_seeding_equal_one_thread)


def test_threaded_solve_gives_the_same_assignment() -> None:
    _in_a_fresh_process(_solve_gives_the_same_assignment)
