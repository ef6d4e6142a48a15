"""The greedy dispatcher baseline: most urgent need first, nearest feasible offers."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from .exact import _Part, _PartResult
from .geometry import _chord_for
from .instance import Instance, IntArray
from .parts import Assignment, _components, _ordered
from .tuning import DEFAULT_TUNING, Tuning


def greedy_assignment(instance: Instance, *, tuning: Tuning = DEFAULT_TUNING) -> Assignment:
    """The dispatcher baseline as arrays: most urgent need first (highest ``P``, then input
    order), each served from its nearest feasible offers with capacity left."""
    started = time.perf_counter()
    out_need: list[int] = []
    out_offer: list[int] = []
    out_units: list[int] = []
    out_km: list[float] = []
    out_score: list[int] = []
    for need_index, offer_index in _components(instance):
        part = _Part.slice(instance, need_index, offer_index)
        n_needs, n_offers = len(need_index), len(offer_index)
        tree = cKDTree(part.offer_xyz)
        radius = _chord_for(part.max_km)
        k = min(tuning.greedy_neighbours, n_offers)
        _, found = tree.query(part.need_xyz, k=k, distance_upper_bound=radius)
        found = found.reshape(n_needs, k)
        full_rows = (found[:, -1] < n_offers).tolist()  # the ball may hold more than k offers
        left = part.capacity.tolist()
        order = np.lexsort((np.arange(n_needs), -part.priority))
        # The nearest k offers of every need, made feasible and ranked (nearest first, then
        # offer index) in one vectorised pass; the loop below only walks these lists.
        hit = found < n_offers
        near = part.feasible(np.nonzero(hit)[0].astype(np.int64), found[hit].astype(np.int64))
        rank = np.lexsort((near.offer, near.km, near.need))
        near_need = near.need[rank]
        near_offer = near.offer[rank].tolist()
        near_km = near.km[rank].tolist()
        near_score = near.score[rank].tolist()
        near_bounds = np.searchsorted(near_need, np.arange(n_needs + 1)).tolist()
        quantity = part.quantity.tolist()
        global_need = need_index.tolist()
        global_offer = offer_index.tolist()

        def ranked(i: int, candidates: IntArray, part: _Part = part) -> list[tuple[int, float, int]]:
            pairs = part.feasible(np.full(len(candidates), i, np.int64), candidates.astype(np.int64))
            rank = np.lexsort((pairs.offer, pairs.km))
            return list(
                zip(
                    pairs.offer[rank].tolist(),
                    pairs.km[rank].tolist(),
                    pairs.score[rank].tolist(),
                    strict=True,
                )
            )

        for i in order.tolist():
            wanted = quantity[i]
            for position in range(near_bounds[i], near_bounds[i + 1]):
                j = near_offer[position]
                if left[j] <= 0:
                    continue
                units = min(wanted, left[j])
                left[j] -= units
                wanted -= units
                out_need.append(global_need[i])
                out_offer.append(global_offer[j])
                out_units.append(units)
                out_km.append(near_km[position])
                out_score.append(near_score[position])
                if wanted == 0:
                    break
            if wanted == 0 or not full_rows[i]:
                continue
            # Only when the nearest k run out: the rest of the ball, farther away.
            row = found[i]
            ball = np.asarray(tree.query_ball_point(part.need_xyz[i], radius), np.int64)
            for j, km, score in ranked(i, np.setdiff1d(ball, row[row < n_offers])):
                if left[j] <= 0:
                    continue
                units = min(wanted, left[j])
                left[j] -= units
                wanted -= units
                out_need.append(global_need[i])
                out_offer.append(global_offer[j])
                out_units.append(units)
                out_km.append(km)
                out_score.append(score)
                if wanted == 0:
                    break
    result = _PartResult(
        need=np.asarray(out_need, np.int64),
        offer=np.asarray(out_offer, np.int64),
        units=np.asarray(out_units, np.int64),
        km=np.asarray(out_km, np.float64),
        score=np.asarray(out_score, np.int64),
        candidate_pairs=0,
        rounds=0,
    )
    stats: dict[str, Any] = {"method": "greedy"}
    assignment = _ordered(instance, [result], stats)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return assignment


def greedy(instance: Instance, *, tuning: Tuning = DEFAULT_TUNING) -> dict[str, Any]:
    """Return the greedy dispatcher's assignment in the output format (the baseline)."""
    return greedy_assignment(instance, tuning=tuning).to_output()
