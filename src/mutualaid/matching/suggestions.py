"""Top-k suggestions for one need or one offer against the open items, without a full solve.

A need ranks offers by ``score = round(1000 * (P(need) - d))``, i.e. nearest feasible first;
an offer ranks needs by the same score, where a far but urgent need can beat a near one. Both
are answered by best-first k-d tree searches that stop once no unseen item can beat the k-th
candidate, so the answer equals a brute-force ranking (ties: higher score, then shorter
distance, then input order).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from mutualaid.matching.engine import IntArray, Params, Side, haversine_km, scores
from mutualaid.matching.engine.geometry import _chord_for, _xyz_km
from mutualaid.matching.engine.instance import _parse_params, _SideBuilder

_SQRT3 = math.sqrt(3.0)


@dataclass
class _Group:
    """Items of one category on one side, with their search tree."""

    index: IntArray  # positions in the side
    tree: cKDTree


def _windows_overlap(side: Side, index: IntArray, other: Side, at: int) -> np.ndarray:
    if not other.has_window[at]:
        return np.ones(len(index), bool)
    return ~side.has_window[index] | (  # type: ignore[no-any-return]
        (side.win_start[index] <= other.win_end[at]) & (other.win_start[at] <= side.win_end[index])
    )


class SuggestionIndex:
    """An index of open needs and offers answering "who are the best k matches for this item?".

    ``needs`` and ``offers`` are items in the instance format (dicts), ``params`` the instance
    ``params`` object (or a :class:`Params`, or ``None`` for the defaults). Raises
    :class:`~mutualaid.matching.engine.InvalidInstance` for invalid items.
    """

    def __init__(
        self,
        needs: Sequence[Mapping[str, Any]],
        offers: Sequence[Mapping[str, Any]],
        params: Mapping[str, Any] | Params | None = None,
    ) -> None:
        self.params = params if isinstance(params, Params) else _parse_params(params)
        self._categories: dict[str, int] = {}
        need_builder = _SideBuilder("needs", self._categories)
        for position, item in enumerate(needs):
            need_builder.add(position, item)
        offer_builder = _SideBuilder("offers", self._categories)
        for position, item in enumerate(offers):
            offer_builder.add(position, item)
        self.needs = need_builder.build(self.params)
        self.offers = offer_builder.build(self.params)
        self._need_xyz = _xyz_km(self.needs.lat, self.needs.lon)
        self._offer_xyz = _xyz_km(self.offers.lat, self.offers.lon)
        self._top_priority = float(self.needs.priority.max(initial=0.0))
        self._need_groups: dict[int, _Group] = {}
        self._offer_groups: dict[int, _Group] = {}
        for code in range(len(self._categories)):
            index = np.flatnonzero(self.needs.category == code)
            if len(index):
                # Needs live in 4-D: position scaled for an L1 lower bound on distance, plus
                # their priority deficit, so L1 order approximates score order from above.
                points = np.column_stack(
                    [self._need_xyz[index] / _SQRT3, self._top_priority - self.needs.priority[index]]
                )
                self._need_groups[code] = _Group(index, cKDTree(points))
            index = np.flatnonzero(self.offers.category == code)
            if len(index):
                self._offer_groups[code] = _Group(index, cKDTree(self._offer_xyz[index]))

    def _query_item(self, kind: str, item: Mapping[str, Any]) -> Side:
        builder = _SideBuilder(kind, dict(self._categories))
        builder.add(0, {"id": "?", **item} if "id" not in item else item)
        side = builder.build(self.params)
        return side

    def _code(self, side: Side, categories: dict[str, int]) -> int | None:
        # The query item's category code was assigned by a builder seeded with our categories,
        # so codes of known categories agree; a new category has no candidates.
        code = int(side.category[0])
        return code if code < len(self._categories) else None

    def suggest_for_need(self, need: Mapping[str, Any], k: int = 5) -> list[dict[str, Any]]:
        """The ``k`` feasible offers with the highest score for ``need`` (a need item dict):
        ``[{"offer": id, "km": float, "score": int}, …]``, best first."""
        query = self._query_item("needs", need)
        code = self._code(query, self._categories)
        group = self._offer_groups.get(code) if code is not None else None
        if group is None or k <= 0:
            return []
        point = _xyz_km(query.lat, query.lon)[0]
        priority = float(query.priority[0])
        offers = self.offers
        radius = _chord_for(self.params.max_km)
        count = min(len(group.index), max(4 * k, 16))
        while True:
            chord, found = group.tree.query(point, k=count, distance_upper_bound=radius)
            chord, found = np.atleast_1d(chord), np.atleast_1d(found)
            inside = found < len(group.index)
            candidates = group.index[found[inside]]
            km = haversine_km(query.lat[0], query.lon[0], offers.lat[candidates], offers.lon[candidates])
            score = scores(np.full(len(candidates), priority), km)
            ok = (km <= offers.reach_km[candidates]) & (score > 0)
            ok &= _windows_overlap(offers, candidates, query, 0)
            ranked = self._rank(candidates[ok], km[ok], score[ok], k)
            exhausted = count >= len(group.index) or not inside.all()
            if exhausted:
                break
            # Every unseen offer is at least the last chord away, and chord <= distance.
            bound = int(np.rint(1000.0 * (priority - float(chord[-1]))))
            if len(ranked) >= k and ranked[-1][2] > bound:
                break
            count = min(len(group.index), count * 4)
        return [{"offer": offers.ids[j], "km": round(d, 3), "score": s} for j, d, s in ranked]

    def suggest_for_offer(self, offer: Mapping[str, Any], k: int = 5) -> list[dict[str, Any]]:
        """The ``k`` feasible needs with the highest score for ``offer`` (an offer item dict):
        ``[{"need": id, "km": float, "score": int}, …]``, best first."""
        query = self._query_item("offers", offer)
        code = self._code(query, self._categories)
        group = self._need_groups.get(code) if code is not None else None
        if group is None or k <= 0:
            return []
        xyz = _xyz_km(query.lat, query.lon)[0]
        point = np.r_[xyz / _SQRT3, 0.0]
        needs = self.needs
        reach = float(query.reach_km[0])
        count = min(len(group.index), max(4 * k, 16))
        while True:
            bound_l1, found = group.tree.query(point, k=count, p=1)
            bound_l1, found = np.atleast_1d(bound_l1), np.atleast_1d(found)
            candidates = group.index[found]
            km = haversine_km(needs.lat[candidates], needs.lon[candidates], query.lat[0], query.lon[0])
            score = scores(needs.priority[candidates], km)
            ok = (km <= reach) & (score > 0)
            ok &= _windows_overlap(needs, candidates, query, 0)
            ranked = self._rank(candidates[ok], km[ok], score[ok], k)
            if count >= len(group.index):
                break
            # An unseen need has d + (top - P) >= the last L1 distance, so P - d is at most
            # top - that distance.
            bound = int(np.rint(1000.0 * (self._top_priority - float(bound_l1[-1]))))
            if bound <= 0 or (len(ranked) >= k and ranked[-1][2] > bound):
                break
            count = min(len(group.index), count * 4)
        return [{"need": needs.ids[i], "km": round(d, 3), "score": s} for i, d, s in ranked]

    @staticmethod
    def _rank(
        candidates: IntArray, km: np.ndarray, score: np.ndarray, k: int
    ) -> list[tuple[int, float, int]]:
        order = np.lexsort((candidates, km, -score))[:k]
        return list(zip(candidates[order].tolist(), km[order].tolist(), score[order].tolist(), strict=True))
