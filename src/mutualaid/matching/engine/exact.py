"""Exact solve of one component: flow on a candidate graph, duals, pricing on the full graph."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.spatial import cKDTree

from .geometry import _RADIUS_SLACK_KM, EARTH_RADIUS_KM, _chord_for, _close_calls, _math_km, _xyz_km, scores
from .instance import BoolArray, FloatArray, IndexArray, Instance, IntArray, _dot, _index_type
from .tuning import DEFAULT_TUNING, Tuning


@dataclass
class _Pairs:
    """Feasible candidate pairs of one component (local indices), with score and (when asked
    for, see :meth:`_Part.feasible`; else empty) distance."""

    need: IndexArray
    offer: IndexArray
    km: FloatArray
    score: IntArray

    @staticmethod
    def empty(index_type: type[np.signedinteger[Any]] = np.int64) -> _Pairs:
        return _Pairs(np.zeros(0, index_type), np.zeros(0, index_type), np.zeros(0), np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.need)

    @staticmethod
    def joined(parts: list[_Pairs], index_type: type[np.signedinteger[Any]]) -> _Pairs:
        """The pairs of ``parts`` one after the other. One array at a time, each part's own
        dropped as soon as it is copied (memory: the parts and the whole never exist together)."""
        if not parts:
            return _Pairs.empty(index_type)
        joined = _Pairs.empty(index_type)
        for name in ("need", "offer", "km", "score"):
            dtype = index_type if name in ("need", "offer") else None
            setattr(joined, name, np.concatenate([getattr(p, name) for p in parts], dtype=dtype))
            for p in parts:
                setattr(p, name, _GONE)
        parts.clear()
        return joined


# What a joined part's arrays are replaced with (see _Pairs.joined), and the distances of pairs
# judged without them.
_GONE = np.zeros(0, np.int64)
_GONE_KM = np.zeros(0)
# Pairs judged at once by a single thread (see _Part.feasible).
_JUDGE_CHUNK = 1 << 18
# Needs whose nearest offers are found and judged at once when seeding (see _nearest_offers).
_SEED_BLOCK = 1 << 16


class _Taker:
    """``array[index]``, or ``array`` itself when ``index`` is all of ``0..size-1`` in order."""

    def __init__(self, index: IntArray, size: int) -> None:
        whole = len(index) == size and np.array_equal(index, np.arange(size))
        self.index = None if whole else index

    def __call__(self, array: Any) -> Any:
        return array if self.index is None else array[self.index]


@dataclass
class _Part:
    """The needs and offers of one component, sliced out of the instance (local indexing)."""

    need_index: IntArray  # global indices
    offer_index: IntArray
    need_lat: FloatArray
    need_lon: FloatArray
    offer_lat: FloatArray
    offer_lon: FloatArray
    need_xyz: FloatArray
    offer_xyz: FloatArray
    priority: FloatArray
    quantity: IntArray
    capacity: IntArray
    reach: FloatArray
    need_has_window: BoolArray
    need_start: IntArray
    need_end: IntArray
    offer_has_window: BoolArray
    offer_start: IntArray
    offer_end: IntArray
    max_km: float
    excluded: IntArray  # global pair keys, sorted (see Instance.excluded)
    n_offers: int
    tuning: Tuning = DEFAULT_TUNING
    _phi: tuple[FloatArray, FloatArray] | None = None
    _cos: tuple[FloatArray, FloatArray] = (np.zeros(0), np.zeros(0))

    @staticmethod
    def slice(
        instance: Instance, need_index: IntArray, offer_index: IntArray, tuning: Tuning = DEFAULT_TUNING
    ) -> _Part:
        needs, offers = instance.needs, instance.offers
        # A part holding a whole side (one category, one component: the indices are all of them,
        # in order) reads that side's arrays as they are instead of copying them (memory). The
        # solve never writes into a part's arrays.
        need = _Taker(need_index, len(needs))
        offer = _Taker(offer_index, len(offers))
        return _Part(
            need_index=need_index,
            offer_index=offer_index,
            need_lat=need(needs.lat),
            need_lon=need(needs.lon),
            offer_lat=offer(offers.lat),
            offer_lon=offer(offers.lon),
            need_xyz=_xyz_km(need(needs.lat), need(needs.lon)),
            offer_xyz=_xyz_km(offer(offers.lat), offer(offers.lon)),
            priority=need(needs.priority),
            quantity=need(needs.amount),
            capacity=offer(offers.amount),
            reach=offer(offers.reach_km),
            need_has_window=need(needs.has_window),
            need_start=need(needs.win_start),
            need_end=need(needs.win_end),
            offer_has_window=offer(offers.has_window),
            offer_start=offer(offers.win_start),
            offer_end=offer(offers.win_end),
            max_km=float(offer(offers.reach_km).max(initial=0.0)),
            excluded=instance.excluded,
            n_offers=len(offers),
            tuning=tuning,
        )

    @property
    def index_type(self) -> type[np.signedinteger[Any]]:
        """The integer type of the part's pair indices: 32-bit unless a side is too large."""
        return _index_type(max(len(self.need_index), len(self.offer_index)))

    def feasible(self, need: IndexArray, offer: IndexArray, *, km: bool = True) -> _Pairs:
        """Keep the pairs that are feasible with a positive score (same category assumed), their
        indices as :attr:`index_type`; ``km=False`` leaves their distances out (memory).

        Large batches are judged in ``tuning.threads`` slices at once (numpy releases the GIL
        in its elementwise loops); every pair is judged alone, so the result is the same."""
        if self._phi is None:
            self._phi = (np.radians(self.need_lat), np.radians(self.offer_lat))
            self._cos = (np.cos(self._phi[0]), np.cos(self._phi[1]))
        threads = self.tuning.threads
        if threads < 2 or len(need) < self.tuning.thread_min_pairs:
            if len(need) <= _JUDGE_CHUNK:
                return self._feasible(need, offer, km)
            # In slices, so the dozen temporaries per pair exist for one slice at a time
            # (memory; every pair is judged alone, so the result is the same).
            judged = [
                self._feasible(need[a : a + _JUDGE_CHUNK], offer[a : a + _JUDGE_CHUNK], km)
                for a in range(0, len(need), _JUDGE_CHUNK)
            ]
        else:
            bounds = np.linspace(0, len(need), threads + 1).astype(np.int64).tolist()
            slices = [(need[a:b], offer[a:b]) for a, b in itertools.pairwise(bounds)]
            with ThreadPoolExecutor(threads) as pool:
                judged = list(pool.map(lambda s: self._feasible(s[0], s[1], km), slices))
        return _Pairs.joined(judged, self.index_type)

    def _feasible(self, need: IndexArray, offer: IndexArray, with_km: bool) -> _Pairs:
        # haversine_km with the per-point radians and cosines computed once per part: the
        # same elementwise operations on the same inputs, so bit-for-bit the same distances.
        assert self._phi is not None
        phi1, phi2 = self._phi[0][need], self._phi[1][offer]
        half_dphi = 0.5 * (phi2 - phi1)
        half_dlam = 0.5 * np.radians(self.offer_lon[offer] - self.need_lon[need])
        a = np.sin(half_dphi) ** 2 + self._cos[0][need] * self._cos[1][offer] * np.sin(half_dlam) ** 2
        km = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        del a, half_dphi, half_dlam, phi1, phi2
        priority, reach = self.priority[need], self.reach[offer]
        for k in _close_calls(km, reach, priority).tolist():
            i, j = int(need[k]), int(offer[k])
            km[k] = _math_km(
                float(self.need_lat[i]),
                float(self.need_lon[i]),
                float(self.offer_lat[j]),
                float(self.offer_lon[j]),
            )
        score = scores(priority, km)
        ok = (km <= reach) & (score > 0)
        both = self.need_has_window[need] & self.offer_has_window[offer]
        if both.any():
            overlap = (self.need_start[need] <= self.offer_end[offer]) & (
                self.offer_start[offer] <= self.need_end[need]
            )
            ok &= ~both | overlap
        if len(self.excluded):
            # Binary search in the sorted exclusion keys.
            keys = self.need_index[need] * self.n_offers + self.offer_index[offer]
            at = np.minimum(np.searchsorted(self.excluded, keys), len(self.excluded) - 1)
            ok &= self.excluded[at] != keys
        index_type = self.index_type
        return _Pairs(
            need[ok].astype(index_type),
            offer[ok].astype(index_type),
            km[ok] if with_km else _GONE_KM,
            score[ok],
        )


# ---------------------------------------------------------------------------------------------
# Exact solve of one component: flow on a candidate graph, duals, pricing on the full graph
# ---------------------------------------------------------------------------------------------

_NO_PRICE = np.int64(2**62)
_WARM_COST_LIMIT = 2**40  # the largest score the instance allows (instance._MAX_SCORE)
_SQRT3 = math.sqrt(3.0)
_REACH_GROUPS = 128  # distinct offer limits queried one by one in _seed_scarce


def _pair_keys(need: IndexArray, offer: IndexArray, n_offers: int) -> IntArray:
    """``need * n_offers + offer`` in 64 bits (the indices may be 32-bit)."""
    keys = np.multiply(need, n_offers, dtype=np.int64)
    keys += offer
    return keys


def _unique_pairs(need: IntArray, offer: IntArray, n_offers: int) -> tuple[IntArray, IntArray]:
    keys = np.sort(_pair_keys(need, offer, n_offers))
    if len(keys):
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    return keys // n_offers, keys % n_offers


def _cell_keys(xyz: FloatArray, side_km: float) -> tuple[IntArray, int]:
    """Integer keys of the cubes of side ``side_km`` holding each point, and the key base."""
    # A hair wider than asked, so a pair at the limit (plus its tolerance) never spans two cells.
    side_km = side_km * (1 + 1e-9) + _RADIUS_SLACK_KM
    base = int(2 * math.ceil(EARTH_RADIUS_KM / side_km) + 4)
    cells = np.floor(xyz / side_km).astype(np.int64) + base // 2
    return (cells[:, 0] * base + cells[:, 1]) * base + cells[:, 2], base


def _neighbour_offsets(base: int) -> IntArray:
    steps = np.array([-1, 0, 1])
    dx, dy, dz = np.meshgrid(steps, steps, steps, indexing="ij")
    return ((dx * base + dy) * base + dz).ravel().astype(np.int64)  # type: ignore[no-any-return]


def _scarce_threshold(part: _Part) -> float | None:
    """On a part whose supply is scarce (capacity below quantity), the priority ``T`` at which
    the needs' units, most valuable first, add up to the part's capacity: about where the optimum
    stops serving, since a unit's priority outweighs any trip (``None`` when supply is ample)."""
    capacity = int(part.capacity.sum())
    if capacity >= int(part.quantity.sum()):
        return None
    order = np.argsort(-part.priority, kind="stable")
    served = np.cumsum(part.quantity[order])
    return float(part.priority[order][min(int(np.searchsorted(served, capacity)), len(order) - 1)])


def _seed_pairs(part: _Part) -> _Pairs:
    """A sparse graph likely to hold an optimal flow and its dual prices, sorted by need then
    offer, without distances.

    Ample supply: the nearest offers of each need and the best-scoring needs of each offer
    (needs placed in 4-D with their priority deficit). Scarce supply (see :func:`_seed_scarce`):
    the needs the optimum may serve with their nearest offers, and every offer with the nearest
    needs just below the priority where serving stops, which set its price."""
    n_needs, n_offers = len(part.need_index), len(part.offer_index)
    if n_needs * n_offers <= part.tuning.dense_pairs_limit:
        need, offer = np.divmod(np.arange(n_needs * n_offers, dtype=np.int64), n_offers)
        return part.feasible(need, offer, km=False)
    threshold = _scarce_threshold(part) if part.tuning.scarce_seed else None
    if threshold is not None:
        return _seed_scarce(part, threshold)
    seeded, chunks_need, chunks_offer = _nearest_offers(
        part, np.arange(n_needs, dtype=np.int64), part.tuning.seed_offers_per_need
    )
    deficit = part.priority.max() - part.priority
    need_points = np.column_stack([part.need_xyz, deficit])
    offer_points = np.column_stack([part.offer_xyz, np.zeros(n_offers)])
    k = min(part.tuning.seed_needs_per_offer, n_needs)
    found = cKDTree(need_points).query(offer_points, k=k, workers=part.tuning.threads)[1]
    del need_points, offer_points
    chunks_need.append(found.reshape(n_offers * k).astype(np.int64, copy=False))
    chunks_offer.append(np.repeat(np.arange(n_offers, dtype=np.int64), k))
    del found
    return _with_judged(part, seeded, chunks_need, chunks_offer)


def _nearest_offers(part: _Part, needs: IntArray, k: int) -> tuple[_Pairs, list[IntArray], list[IntArray]]:
    """The feasible pairs of ``needs`` (ascending) with their ``k`` nearest offers in range,
    sorted by need then offer and without distances, and the pairs still to judge: farther
    offers of the needs left with fewer than two feasible ones.

    Needs are taken ``_SEED_BLOCK`` at a time, so the neighbour lists and the pairs being
    judged exist for one block at a time (memory: they were the peak of a 1M x 1M seed)."""
    n_offers = len(part.offer_index)
    k = min(k, n_offers)
    if not len(needs) or not k:
        return _Pairs.empty(part.index_type), [], []
    offer_tree = cKDTree(part.offer_xyz)
    chord = _chord_for(part.max_km)
    judged: list[_Pairs] = []
    thin_blocks: list[IntArray] = []
    for a in range(0, len(needs), _SEED_BLOCK):
        block = needs[a : a + _SEED_BLOCK]
        # Only the indices are kept (the distances array is as large).
        found = offer_tree.query(
            part.need_xyz[block], k=k, distance_upper_bound=chord, workers=part.tuning.threads
        )[1]
        found = found.reshape(len(block), k)
        hit = found < n_offers
        pairs = part.feasible(block[np.nonzero(hit)[0]], found[hit], km=False)
        del found
        # By need then offer within the block; blocks follow each other in need order.
        order = np.argsort(_pair_keys(pairs.need, pairs.offer, n_offers), kind="stable")
        pairs = _Pairs(pairs.need[order], pairs.offer[order], pairs.km, pairs.score[order])
        del order
        judged.append(pairs)
        # Time windows and offers' own limits can rule out all nearest offers of a need; look
        # further for those needs only, or they would enter pricing with every offer in range.
        probes = block.astype(pairs.need.dtype)
        feasible_pairs = np.searchsorted(pairs.need, probes, "right") - np.searchsorted(
            pairs.need, probes, "left"
        )
        thin_blocks.append(block[(feasible_pairs < 2) & hit[:, -1]])
        del hit
    seeded = _Pairs.joined(judged, part.index_type)
    thin = np.concatenate(thin_blocks)
    chunks_need: list[IntArray] = []
    chunks_offer: list[IntArray] = []
    if len(thin) and n_offers > k:
        k_far = min(8 * k, n_offers)
        for a in range(0, len(thin), max(1, _SEED_BLOCK * k // k_far)):
            block = thin[a : a + max(1, _SEED_BLOCK * k // k_far)]
            far = offer_tree.query(
                part.need_xyz[block], k=k_far, distance_upper_bound=chord, workers=part.tuning.threads
            )[1]
            far = far.reshape(len(block), k_far)
            far_hit = far < n_offers
            chunks_need.append(np.repeat(block, k_far)[far_hit.ravel()].astype(np.int64))
            chunks_offer.append(far[far_hit].astype(np.int64))
    return seeded, chunks_need, chunks_offer


def _with_judged(
    part: _Part, seeded: _Pairs, chunks_need: list[IntArray], chunks_offer: list[IntArray]
) -> _Pairs:
    """``seeded`` (judged already, sorted by need then offer) and the feasible pairs of the
    chunks, sorted by need then offer, without distances."""
    n_offers = len(part.offer_index)
    if chunks_need:
        # Judge only the chunks' new pairs (the distance is elementwise, so the union is the
        # same set with the same values).
        need, offer = _unique_pairs(np.concatenate(chunks_need), np.concatenate(chunks_offer), n_offers)
        chunks_need.clear()  # memory: the chunks are not needed any more
        chunks_offer.clear()
        fresh = ~_contains(_pair_keys(seeded.need, seeded.offer, n_offers), _pair_keys(need, offer, n_offers))
        extra = part.feasible(need[fresh], offer[fresh], km=False)
        del need, offer, fresh
        _merge(seeded, extra, n_offers)
    return seeded


def _merge(pairs: _Pairs, extra: _Pairs, n_offers: int, units: IntArray | None = None) -> IntArray | None:
    """Insert ``extra`` into ``pairs`` (sorted by need then offer) in place, keeping them sorted:
    the order a stable sort of the two one after the other gives (an extra pair equal to one of
    ``pairs`` goes after it). Returns ``units`` (one per pair of ``pairs``) spread over the merged
    pairs, 0 on the added ones. Distances are dropped (see :func:`_solve_part`).

    One array at a time, written straight to its merged place: the old and the new candidate
    graph never exist whole together, and no sort order over all pairs is built (memory)."""
    pairs.km = _GONE_KM
    extra_keys = _pair_keys(extra.need, extra.offer, n_offers)
    order = np.argsort(extra_keys, kind="stable")
    extra_keys = extra_keys[order]
    # Where each added pair goes: after the pairs with a key up to its own, and after the added
    # pairs before it.
    at = np.searchsorted(_pair_keys(pairs.need, pairs.offer, n_offers), extra_keys, side="right")
    del extra_keys
    at += np.arange(len(extra))
    total = len(pairs) + len(extra)
    kept = np.ones(total, bool)
    kept[at] = False
    for name in ("need", "offer", "score"):
        merged = np.empty(total, getattr(pairs, name).dtype)
        merged[kept] = getattr(pairs, name)
        merged[at] = getattr(extra, name)[order]
        setattr(pairs, name, merged)
        del merged
    if units is None:
        return None
    spread = np.zeros(total, np.int64)
    spread[kept] = units
    return spread


def _seed_scarce(part: _Part, threshold: float) -> _Pairs:
    """The seed graph of a part whose supply is scarce, from the priority ``threshold`` where
    serving stops (:func:`_scarce_threshold`).

    Most needs go unserved there, at price 0, so an offer's price in the optimum is about the
    score of the best need in its reach that it does not serve. The first flow has to see those
    needs or it prices offers too low, and the first pricing pass then finds every offer with
    every need in its reach violating (half a million pairs on the scarce-supply benchmark's
    largest part). So each offer gets its nearest needs in range with a priority just below the
    threshold (``tuning.scarce_band_km`` wide), and the needs that may be served (priority above
    the threshold less ``tuning.scarce_below_km``) get their nearest offers; needs far below the
    threshold get no seed pairs at all (pricing proves they stay unserved, or adds their pairs).
    """
    n_offers = len(part.offer_index)
    tuning = part.tuning
    priority = part.priority
    may_serve = np.flatnonzero(priority >= threshold - tuning.scarce_below_km).astype(np.int64)
    seeded, chunks_need, chunks_offer = _nearest_offers(part, may_serve, tuning.scarce_offers_per_need)
    band = np.flatnonzero((priority <= threshold) & (priority >= threshold - tuning.scarce_band_km))
    if len(band):
        band_tree = cKDTree(part.need_xyz[band])
        k = min(tuning.scarce_needs_per_offer, len(band))
        # Offers' own limits differ: one query per distinct limit, bounded by it (or one
        # query bounded by the largest when there are many limits).
        limits = np.unique(part.reach)
        groups = (
            [(float(r), np.flatnonzero(part.reach == r).astype(np.int64)) for r in limits.tolist()]
            if len(limits) <= _REACH_GROUPS
            else [(part.max_km, np.arange(n_offers, dtype=np.int64))]
        )
        for reach, group in groups:
            found = band_tree.query(
                part.offer_xyz[group], k=k, distance_upper_bound=_chord_for(reach), workers=tuning.threads
            )[1]
            found = found.reshape(len(group), k)
            hit = found < len(band)
            chunks_need.append(band[found[hit]].astype(np.int64))
            chunks_offer.append(np.repeat(group, k)[hit.ravel()])
    return _with_judged(part, seeded, chunks_need, chunks_offer)


def _solve_flow(part: _Part, pairs: _Pairs) -> IntArray:
    """Units per candidate pair in a maximum-score flow over ``pairs`` (OR-Tools min-cost flow).

    Only needs and offers with a pair in ``pairs`` are nodes: the others can only skip (a scarce
    part's seed leaves most needs without pairs), and as nodes they cost cost scaling time."""
    needs, need_at = np.unique(pairs.need, return_inverse=True)
    offers, offer_at = np.unique(pairs.offer, return_inverse=True)
    quantity, capacity = part.quantity[needs], part.capacity[offers]
    n_needs, n_offers = len(needs), len(offers)
    sink = n_needs + n_offers
    need_nodes = np.arange(n_needs, dtype=np.int64)
    offer_nodes = np.arange(n_offers, dtype=np.int64) + n_needs
    flow = min_cost_flow.SimpleMinCostFlow()
    # Pair arcs first so their arc indices are 0..len(pairs)-1. A need's "skip" arc to the sink
    # lets units stay unserved at no cost: the objective does not reward volume for its own sake.
    tails = np.concatenate([need_at.astype(np.int64), need_nodes, offer_nodes])
    heads = np.concatenate(
        [
            offer_at.astype(np.int64) + n_needs,
            np.full(n_needs, sink, np.int64),
            np.full(n_offers, sink, np.int64),
        ]
    )
    caps = np.concatenate(
        [np.minimum(part.quantity[pairs.need], part.capacity[pairs.offer]), quantity, capacity]
    )
    costs = np.concatenate([-pairs.score, np.zeros(n_needs + n_offers, np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.concatenate([quantity, np.zeros(n_offers, np.int64), [-quantity.sum()]])
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.asarray(flow.flows(np.arange(len(pairs), dtype=np.int64)), dtype=np.int64)


def _solve_flow_warm(part: _Part, pairs: _Pairs, start: IntArray, u: IntArray, v: IntArray) -> IntArray:
    """Units per candidate pair in a maximum-score flow over ``pairs``, re-solved from ``start``.

    ``start`` is an optimal flow of the previous round (0 on the pairs pricing added) and ``u``,
    ``v`` are the dual prices that proved it optimal. The solver gets the residual graph of
    ``start`` with reduced costs (``u_i + v_j - score`` on pair arcs, ``u_i`` on skip arcs,
    ``-v_j`` on offer arcs) and no supplies: a minimum-cost circulation on it is exactly the
    change from ``start`` to an optimum of the new graph. Complementary slackness makes every
    residual arc of the old graph cost at least 0, so only the new violating pairs have negative
    cost and the zero circulation is already optimal elsewhere; cost scaling then only moves
    flow near the new pairs instead of rebuilding the whole flow. Integer throughout.
    """
    n_needs, n_offers = len(part.need_index), len(part.offer_index)
    sink = n_needs + n_offers
    need_nodes = np.arange(n_needs, dtype=np.int64)
    offer_nodes = np.arange(n_offers, dtype=np.int64) + n_needs
    caps = np.minimum(part.quantity[pairs.need], part.capacity[pairs.offer])
    reduced = u[pairs.need] + v[pairs.offer] - pairs.score
    used = np.flatnonzero(start > 0)
    served = _int_bincount(pairs.need, start, n_needs)
    given = _int_bincount(pairs.offer, start, n_offers)
    sinks = np.full(n_needs + n_offers, sink, np.int64)
    nodes = np.concatenate([need_nodes, offer_nodes])
    # Forward pair arcs first (arc index = pair index), then the used pairs' backward arcs,
    # then the residual skip and offer arcs both ways.
    tails = np.concatenate([pairs.need, pairs.offer[used].astype(np.int64) + n_needs, nodes, sinks])
    heads = np.concatenate([pairs.offer.astype(np.int64) + n_needs, pairs.need[used], sinks, nodes])
    residual = np.concatenate(
        [
            caps - start,
            start[used],
            served,
            part.capacity - given,
            part.quantity - served,
            given,
        ]
    )
    costs = np.concatenate([reduced, -reduced[used], u, -v, -u, v])
    if len(costs) and int(np.abs(costs).max()) > _WARM_COST_LIMIT:
        # Reduced costs can reach twice the largest score; keep inside the solver's cost range
        # (it scales costs by the node count), which the instance limits guarantee for scores.
        return _solve_flow(part, pairs)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, residual, costs)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    moved = np.asarray(flow.flows(np.arange(len(pairs) + len(used), dtype=np.int64)), dtype=np.int64)
    units = start + moved[: len(pairs)]
    units[used] -= moved[len(pairs) :]
    return units


def _solve_compiled(
    part: _Part, pairs: _Pairs, warm: tuple[IntArray, IntArray, IntArray] | None
) -> IntArray | None:
    """The flow by successive shortest paths (``ssp``), cold or from the previous round's
    optimum and duals; ``None`` when that solver is unavailable or gave up (its budget ran out)."""
    from . import ssp  # numba: imported (and its machine code loaded) only for large parts

    start, u, v = warm if warm is not None else (None, None, None)
    return ssp.solve(
        len(part.need_index),
        len(part.offer_index),
        pairs.need,
        pairs.offer,
        pairs.score,
        part.quantity,
        part.capacity,
        start,
        u,
        v,
        part.tuning.compiled_budget,
        part.tuning.compiled_warm_share,
    )


def _segment_starts(sorted_keys: IndexArray) -> IntArray:
    if not len(sorted_keys):
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def _int_bincount(index: IndexArray, weights: IntArray, length: int) -> IntArray:
    """``np.bincount`` with integer weights, exact beyond 2**53 (float sums are not)."""
    # Over the nonzero weights only (the same sums): a flow is nonzero on about one pair per
    # need, and bincount would otherwise convert every index and weight (memory).
    nonzero = np.flatnonzero(weights)
    index, weights = index[nonzero], weights[nonzero]
    if not len(weights) or int(weights.max()) * len(weights) < 2**53:
        return np.bincount(index, weights=weights, minlength=length).astype(np.int64)
    out = np.zeros(length, np.int64)
    np.add.at(out, index, weights)
    return out


def _duals(part: _Part, pairs: _Pairs, units: IntArray) -> tuple[IntArray, IntArray]:
    """Dual prices ``u`` (needs) and ``v`` (offers) proving ``units`` optimal on ``pairs``.

    They are shortest-path distances from an outside node in the residual graph (potentials
    ``u_i`` and ``-v_j``), computed by label correcting: ``v_j = max(0, max_i score - u_i)`` over
    all pairs, ``u_i = min(0 if need i is short, min_j score - v_j)`` over used pairs. The labels
    settle because an optimal flow leaves no negative cycle. Raises ``RuntimeError`` if the
    certificate does not close.

    Which optimal prices: the labels above give each need the highest price the flow allows and
    each offer the lowest. Either way the certificate below is what proves them. (Taking the
    offers' highest prices on scarce parts was measured: slower, see bench/RESULTS-matching.md;
    a seed graph that already prices offers well, :func:`_seed_scarce`, replaced it.)
    """
    n_needs, n_offers = len(part.need_index), len(part.offer_index)
    served = _int_bincount(pairs.need, units, n_needs)
    given = _int_bincount(pairs.offer, units, n_offers)
    short = served < part.quantity
    compiled = part.tuning.compiled_solver and len(pairs) >= part.tuning.compiled_min_pairs
    u, v = _labels(n_needs, n_offers, pairs, units, short, compiled)
    primal = _dot(units, pairs.score)
    dual = _dot(u, part.quantity) + _dot(v, part.capacity)
    if (
        (u < 0).any()
        or (v < 0).any()
        or (u[short] != 0).any()
        or (v[given < part.capacity] != 0).any()
        or primal != dual
    ):
        raise RuntimeError(f"optimality certificate failed (primal {primal}, dual {dual})")
    return u, v


def _labels(
    n_needs: int, n_offers: int, pairs: _Pairs, units: IntArray, short: BoolArray, compiled: bool
) -> tuple[IntArray, IntArray]:
    """The labels of :func:`_duals` for one orientation (the compiled pass when asked and the
    pairs are sorted by need, the vectorised sweeps otherwise)."""
    labelled = _compiled_duals(n_needs, n_offers, pairs, units, short) if compiled else None
    return labelled if labelled is not None else _swept_duals(n_needs, n_offers, pairs, units, short)


def _compiled_duals(
    n_needs: int, n_offers: int, pairs: _Pairs, units: IntArray, short: BoolArray
) -> tuple[IntArray, IntArray] | None:
    """The prices of :func:`_swept_duals` by compiled label correcting (``ssp.duals``): the same
    numbers in a fraction of the time. ``None`` when the pairs are not sorted by need."""
    if len(pairs) > 1 and not bool((pairs.need[1:] >= pairs.need[:-1]).all()):
        return None
    from . import ssp

    found = ssp.duals(
        n_needs,
        n_offers,
        pairs.need,
        pairs.offer,
        pairs.score,
        units,
        short,
        int(_NO_PRICE),
    )
    if found is None:
        raise RuntimeError("dual labels did not settle: the flow is not optimal")
    return found


def _swept_duals(
    n_needs: int, n_offers: int, pairs: _Pairs, units: IntArray, short: BoolArray
) -> tuple[IntArray, IntArray]:
    """The prices of :func:`_duals` by alternating vectorised sweeps."""
    by_offer = np.argsort(pairs.offer, kind="stable")
    offer_sorted = pairs.offer[by_offer]
    offer_starts = _segment_starts(offer_sorted)
    offer_of_segment = offer_sorted[offer_starts]
    need_by_offer = pairs.need[by_offer]
    score_by_offer = pairs.score[by_offer]

    used = np.flatnonzero(units > 0)
    used = used[np.argsort(pairs.need[used], kind="stable")]
    used_need = pairs.need[used]
    used_offer = pairs.offer[used]
    used_score = pairs.score[used]
    used_starts = _segment_starts(used_need)
    need_of_segment = used_need[used_starts]

    u = np.where(short, 0, _NO_PRICE).astype(np.int64)
    v = np.zeros(n_offers, np.int64)
    for _sweep in range(4 * (n_needs + n_offers) + 10):
        new_v = np.zeros(n_offers, np.int64)
        if len(pairs):
            best = np.maximum.reduceat(score_by_offer - u[need_by_offer], offer_starts)
            new_v[offer_of_segment] = np.maximum(best, 0)
        new_u = np.where(short, 0, _NO_PRICE).astype(np.int64)
        if len(used):
            lowest = np.minimum.reduceat(used_score - new_v[used_offer], used_starts)
            new_u[need_of_segment] = np.minimum(new_u[need_of_segment], lowest)
        if np.array_equal(new_u, u) and np.array_equal(new_v, v):
            break
        u, v = new_u, new_v
    else:
        raise RuntimeError("dual sweeps did not converge: the flow is not optimal")
    return u, v


@dataclass
class _Pricing:
    """What a pricing pass found: whether any pair violates its dual constraint, the pairs to
    add, and the needs with violating pairs left out (more than ``tuning.priced_per_item``)."""

    violated: bool
    extra: _Pairs
    truncated: BoolArray


def _range_pairs(
    part: _Part, a: FloatArray, b: FloatArray, needs: IntArray, offers: IntArray
) -> Iterator[tuple[IntArray, IntArray]]:
    """Pairs (need in ``needs``, offer in ``offers``) that may have ``d(i,j) + (A - a_i) + b_j
    < A``, found by range queries between neighbouring grid cells (see :func:`_violations`).

    Yielded in batches of about ``tuning.pricing_batch`` pairs, one grid cell of needs at a time, so
    every pair of a need is in the same batch and a first pricing pass over a large component
    never holds all its candidate pairs at once (it was the peak of a 1M x 1M solve)."""
    if not len(needs) or not len(offers):
        return
    top = float(a[needs].max())
    tol = 1e-6 * max(1.0, abs(top))
    need_points = np.column_stack([part.need_xyz[needs] / _SQRT3, top - a[needs], np.zeros(len(needs))])
    offer_points = np.column_stack([part.offer_xyz[offers] / _SQRT3, np.zeros(len(offers)), b[offers]])
    side = max(part.max_km, 1.0)
    need_keys, base = _cell_keys(part.need_xyz[needs], side)
    offer_keys, _ = _cell_keys(part.offer_xyz[offers], side)
    need_order = np.argsort(need_keys, kind="stable")
    offer_order = np.argsort(offer_keys, kind="stable")
    sorted_need_keys = need_keys[need_order]
    sorted_offer_keys = offer_keys[offer_order]
    need_starts = _segment_starts(sorted_need_keys)
    offer_starts = _segment_starts(sorted_offer_keys)
    need_cells = sorted_need_keys[need_starts]
    offer_cells = sorted_offer_keys[offer_starts]
    need_bounds = np.r_[need_starts, len(needs)]
    offer_bounds = np.r_[offer_starts, len(offers)]

    offer_trees: dict[int, tuple[cKDTree, IntArray]] = {}

    def offer_tree(cell_pos: int) -> tuple[cKDTree, IntArray]:
        entry = offer_trees.get(cell_pos)
        if entry is None:
            members = offer_order[offer_bounds[cell_pos] : offer_bounds[cell_pos + 1]]
            entry = (cKDTree(offer_points[members]), members)
            offer_trees[cell_pos] = entry
        return entry

    offsets = _neighbour_offsets(base)
    found_need: list[IntArray] = []
    found_offer: list[IntArray] = []
    found = 0
    for cell_pos, cell in enumerate(need_cells):
        members = need_order[need_bounds[cell_pos] : need_bounds[cell_pos + 1]]
        targets = cell + offsets
        neighbours = np.searchsorted(offer_cells, targets)
        inside = neighbours < len(offer_cells)
        neighbours, targets = neighbours[inside], targets[inside]
        neighbours = neighbours[offer_cells[neighbours] == targets]
        need_tree: cKDTree | None = None
        for offer_pos in neighbours.tolist():
            if need_tree is None:
                need_tree = cKDTree(need_points[members])
            tree, offer_members = offer_tree(offer_pos)
            hits = need_tree.sparse_distance_matrix(tree, top + tol, p=1, output_type="ndarray")
            if len(hits):
                found_need.append(members[hits["i"]])
                found_offer.append(offer_members[hits["j"]])
                found += len(hits)
        if found >= part.tuning.pricing_batch:
            yield (
                needs[np.concatenate(found_need)].astype(np.int64),
                offers[np.concatenate(found_offer)].astype(np.int64),
            )
            found_need, found_offer, found = [], [], 0
    if found_need:
        yield (
            needs[np.concatenate(found_need)].astype(np.int64),
            offers[np.concatenate(found_offer)].astype(np.int64),
        )


def _ball_pairs(
    part: _Part, a: FloatArray, b: FloatArray, needs: IntArray, offers: IntArray
) -> Iterator[tuple[IntArray, IntArray]]:
    """The pairs :func:`_range_pairs` looks for (``d(i,j) + b_j < a_i`` may hold), by one ball
    query per need: offers sit at ``(xyz/sqrt3, b_j)`` and need ``i`` looks within L1 distance
    ``a_i`` of ``(xyz/sqrt3, 0)``. The chord scaled by ``1/sqrt(3)`` in L1 norm is at most ``d``,
    so every violating pair is found; feasible pairs are at most ``max_km`` apart, so no radius
    needs to pass ``max_km + max b`` (needs no offer serves have a large ``a_i``).

    Each need's radius is its own, where the 5-D query of :func:`_range_pairs` bounds all needs
    by the largest ``a`` and tells them apart in a fifth coordinate (a third of the time on the
    giant category's first pricing pass). Batches are blocks of needs with all their pairs,
    each need's offers in index order."""
    if not len(needs) or not len(offers):
        return
    tol = 1e-6 * max(1.0, abs(float(a[needs].max())))
    cap = _chord_for(part.max_km) + float(b[offers].max()) + tol
    tree = cKDTree(np.column_stack([part.offer_xyz[offers] / _SQRT3, b[offers]]))
    # Needs per query: grown or shrunk so a batch holds about ``tuning.pricing_batch`` pairs (the
    # hits come back as Python lists, so a dense block would cost memory).
    batch = part.tuning.pricing_batch
    block = max(1, min(4096, batch))
    start = 0
    while start < len(needs):
        members = needs[start : start + block]
        start += len(members)
        points = np.column_stack([part.need_xyz[members] / _SQRT3, np.zeros(len(members))])
        radius = np.minimum(a[members] + tol, cap)
        found = tree.query_ball_point(points, radius, p=1, return_sorted=True)
        lengths = np.fromiter(map(len, found), np.int64, len(found))
        hits = np.fromiter(itertools.chain.from_iterable(found), np.int64, int(lengths.sum()))
        del found
        per_need = max(1.0, len(hits) / len(members))
        block = max(1, min(int(batch / per_need), 4 * block))
        if len(hits):
            yield np.repeat(members, lengths), offers[hits]


def _violations(
    part: _Part,
    u: IntArray,
    v: IntArray,
    known: _Pairs,
    margin: int,
    changed_needs: BoolArray | None = None,
    changed_offers: BoolArray | None = None,
) -> _Pricing:
    """Check every feasible pair of the component against the duals, without enumerating
    all pairs. Reports whether any pair has ``score > u_i + v_j`` and the pairs to add: for
    each need its ``tuning.priced_per_item`` pairs of highest ``score - u_i - v_j`` among those above
    ``-margin``, leaving out the pairs of ``known`` (the candidate pairs, sorted by need then offer).

    A violation needs ``1000 d < 1000 P_i - u_i - v_j + 0.5``. With ``a_i = (1000 P_i - u_i +
    0.5) / 1000`` and ``b_j = v_j / 1000`` that is ``d + (A - a_i) + b_j < A`` for ``A = max a``.
    The chord scaled by ``1/sqrt(3)`` in L1 norm is at most ``d``, so every violating pair lies
    within L1 distance ``A`` once needs sit at ``(xyz/sqrt3, A - a_i, 0)`` and offers at
    ``(xyz/sqrt3, 0, b_j)``. Feasible pairs are also at most ``max_km`` apart, so the 5-D range
    query only runs between neighbouring grid cells; this keeps far-apart pairs with a loose
    price bound out of the search.

    Incremental pricing: when ``changed_needs`` and ``changed_offers`` are given, only pairs
    with a changed need or a changed offer are checked. The caller marks every need whose
    ``u`` fell and every offer whose ``v`` fell since the previous pass, and every need whose
    violating pairs were not all added then (``truncated``). Any other pair satisfied its
    constraint at the previous pass (it was checked and found not violating, or it was a
    candidate pair, whose constraints the duals always satisfy, or it was added to the
    candidates), and neither ``u_i`` nor ``v_j`` has fallen since, so it still does. By
    induction from the first, full pass, no pair left out can violate (integer arithmetic).
    """
    n_needs, n_offers = len(part.need_index), len(part.offer_index)
    a = (1000.0 * part.priority - u + 0.5 + margin) / 1000.0
    b = v / 1000.0
    all_needs = np.arange(n_needs, dtype=np.int64)
    all_offers = np.arange(n_offers, dtype=np.int64)
    scarce = int(part.capacity.sum()) < int(part.quantity.sum())
    # Where supply is scarce, pairs are also kept per offer within a batch, so the batches are the
    # grid cells' (see _range_pairs); otherwise a batch only has to hold every pair of its needs.
    search = _range_pairs if scarce and part.tuning.priced_per_offer else _ball_pairs
    if changed_needs is None or changed_offers is None:
        batches = search(part, a, b, all_needs, all_offers)
    else:
        # Changed needs against every offer, then unchanged needs against changed offers.
        batches = itertools.chain(
            search(part, a, b, np.flatnonzero(changed_needs), all_offers),
            search(part, a, b, np.flatnonzero(~changed_needs), np.flatnonzero(changed_offers)),
        )
    violated = False
    chosen: list[_Pairs] = []
    known_keys: IntArray | None = None  # built when first needed (a margin): one per candidate pair
    truncated = np.zeros(n_needs, bool)
    for need, offer in batches:
        candidates = part.feasible(need, offer, km=False)
        reduced = candidates.score - u[candidates.need] - v[candidates.offer]
        if not (reduced > 0).any():
            continue
        violated = True
        # Near-tight pairs (within ``margin``) come along: the duals will move, and taking them
        # now saves re-solves later.
        near = np.flatnonzero(reduced > -margin)
        if margin > 0:
            # Candidate pairs always satisfy their constraint (reduced <= 0: the labels of _duals
            # cover every pair), so only a margin can bring known pairs in; without one, looking
            # them up among millions of violating pairs is wasted.
            if known_keys is None:
                known_keys = _pair_keys(known.need, known.offer, n_offers)
            near = near[
                ~_contains(known_keys, _pair_keys(candidates.need[near], candidates.offer[near], n_offers))
            ]
        # Partial pricing: a need that got no usable seed arc can violate with every offer in
        # range; its few best pairs are enough to move the duals. Needs with more are re-checked
        # in full at the next pass. (A batch holds every pair of its needs from one range query,
        # so the best pairs of a need are chosen among all of them.)
        keep = _top_per_group(candidates.need[near], -reduced[near], part.tuning.priced_per_item)
        if part.tuning.priced_per_offer and scarce:
            # And, when supply is scarce, at most this many per offer (within the batch): most
            # needs are short there, and an offer with room for a few units needs only its best
            # violating needs to move its price. The needs whose pairs are left out are marked
            # truncated, so the next pass re-checks them in full.
            kept = np.flatnonzero(keep)
            keep[
                kept[
                    ~_top_per_group(
                        candidates.offer[near[kept]], -reduced[near[kept]], part.tuning.priced_per_offer
                    )
                ]
            ] = False
        picked = near[keep]
        truncated[candidates.need[near[~keep]]] = True
        chosen.append(
            _Pairs(
                candidates.need[picked],
                candidates.offer[picked],
                _GONE_KM,
                candidates.score[picked],
            )
        )
    if not violated:
        return _Pricing(False, _Pairs.empty(part.index_type), truncated)
    return _Pricing(True, _Pairs.joined(chosen, part.index_type), truncated)


def _contains(sorted_keys: IntArray, keys: IntArray) -> BoolArray:
    """``np.isin(keys, sorted_keys)`` for an ascending ``sorted_keys``, by binary search."""
    if not len(sorted_keys):
        return np.zeros(len(keys), bool)
    pos = np.searchsorted(sorted_keys, keys)
    pos[pos == len(sorted_keys)] = 0
    return sorted_keys[pos] == keys  # type: ignore[no-any-return]


def _top_per_group(group: IndexArray, rank_key: IntArray, count: int) -> BoolArray:
    """Mask of the ``count`` entries with the smallest ``rank_key`` in each group."""
    order = np.lexsort((rank_key, group))
    sorted_group = group[order]
    starts = _segment_starts(sorted_group)
    lengths = np.diff(np.r_[starts, len(group)])
    position = np.arange(len(group)) - np.repeat(starts, lengths)
    mask = np.zeros(len(group), bool)
    mask[order[position < count]] = True
    return mask


@dataclass
class _PartResult:
    need: IntArray  # global indices
    offer: IntArray
    units: IntArray
    km: FloatArray
    score: IntArray
    candidate_pairs: int
    rounds: int


def _solve_part(part: _Part) -> _PartResult:
    """Optimal assignment of one component over its full feasible graph."""
    n_needs, n_offers = len(part.need_index), len(part.offer_index)
    pairs = _seed_pairs(part)
    # The solve needs no distances: they are dropped here and recomputed for the used pairs at
    # the end (memory: one array per candidate pair).
    pairs.km = np.zeros(0)
    dense = n_needs * n_offers <= part.tuning.dense_pairs_limit
    rounds = 0
    previous: tuple[IntArray, IntArray, BoolArray] | None = None
    # The previous round's optimal flow on ``pairs`` (0 on pairs pricing added) and its duals.
    warm: tuple[IntArray, IntArray, IntArray] | None = None
    while True:
        rounds += 1
        if not len(pairs):
            units = np.zeros(0, np.int64)
        else:
            compiled = (
                _solve_compiled(part, pairs, warm)
                if part.tuning.compiled_solver and len(pairs) >= part.tuning.compiled_min_pairs
                else None
            )
            if compiled is not None:
                units = compiled
            elif warm is None:
                units = _solve_flow(part, pairs)
            else:
                units = _solve_flow_warm(part, pairs, *warm)
        # The start flow is not needed once the round is solved (memory: one array per pair).
        warm = None
        if dense:
            break  # the seed graph was the full feasible graph
        u, v = _duals(part, pairs, units)
        # ``pairs`` are kept sorted by need then offer: pricing looks pairs up in them.
        if previous is None or not part.tuning.incremental_pricing:
            pricing = _violations(part, u, v, pairs, part.tuning.pricing_margin)
        else:
            prev_u, prev_v, prev_truncated = previous
            pricing = _violations(
                part, u, v, pairs, part.tuning.pricing_margin, (u < prev_u) | prev_truncated, v < prev_v
            )
        previous = (u, v, pricing.truncated)
        if not pricing.violated:
            break
        extra = pricing.extra
        del pricing
        # Every reduced cost ``score - u - v`` is at least this (no array per pair to know it).
        lowest = int(pairs.score.min()) - int(u.max(initial=0)) - int(v.max(initial=0)) if len(pairs) else 0
        if rounds == 1 and lowest < -part.tuning.keep_margin:
            # Seed arcs far from tight are dead weight in every re-solve; drop them once.
            # Pricing checks the full graph each round, so nothing needed can be lost, and
            # dropping only once keeps the column generation finite.
            kept = (units > 0) | (pairs.score - u[pairs.need] - v[pairs.offer] >= -part.tuning.keep_margin)
            if not kept.all():
                pairs = _Pairs(pairs.need[kept], pairs.offer[kept], pairs.km, pairs.score[kept])
                units = units[kept]
            del kept
        start = _merge(pairs, extra, n_offers, units)
        assert start is not None
        del units, extra
        if part.tuning.warm_start:
            warm = (start, u, v)
        del start
    used = units > 0
    need, offer = pairs.need[used], pairs.offer[used]
    # Each pair is judged alone, so these are the distances the pairs were found with.
    judged = part.feasible(need, offer)
    if len(judged) != len(need):
        raise RuntimeError("a used pair is no longer feasible")
    return _PartResult(
        need=part.need_index[need],
        offer=part.offer_index[offer],
        units=units[used],
        km=judged.km,
        score=pairs.score[used],
        candidate_pairs=len(pairs),
        rounds=rounds,
    )
