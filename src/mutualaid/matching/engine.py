"""The matching engine: needs to offers, exactly optimal, no Django.

The instance format and the objective are specified in ``docs/matching-instance.md``:
maximise ``sum x(i,j) * score(i,j)`` over feasible pairs, with ``score(i,j) =
round(1000 * (P(i) - d(i,j)))``, each need taking at most its quantity and each offer giving at
most its capacity.

How the optimum is found without materialising every feasible pair
-------------------------------------------------------------------
The problem is a transportation linear programme whose constraint matrix is totally unimodular,
so an optimal integral flow is an optimal assignment. Its dual has a price ``u_i >= 0`` per need
and ``v_j >= 0`` per offer with ``u_i + v_j >= score(i,j)`` on every feasible pair.

1. Split by category and into spatial components (grid cells of side ``max_km`` glued to their
   neighbours): no feasible pair crosses two components, so each is solved alone.
2. Start from a sparse candidate graph (nearest offers of each need, best-scoring needs of each
   offer) found with k-d trees on 3D unit vectors; never all pairs.
3. Solve the min-cost flow on the candidate graph with OR-Tools.
4. Recover dual prices from the optimal flow (shortest paths in the residual graph, by
   label-correcting sweeps) and check that the dual objective equals the primal one.
5. Price out the *full* feasible graph: a pair can violate ``u_i + v_j >= score`` only if
   ``d(i,j) < (1000 P_i - u_i - v_j + 0.5) / 1000``. That is a range query in a 5-D L1 space
   (position, need slack, offer price), run per pair of neighbouring grid cells, so only pairs
   close in both space and price are looked at. Violating pairs are added and step 3 repeats.
   Later passes are incremental: only pairs whose need or offer price fell since the previous
   pass (or whose need had more violating pairs than were added) can violate, so only those
   are searched; every other pair provably still satisfies its constraint.
6. When no feasible pair violates its dual constraint, the duals prove the flow optimal over the
   full feasible graph (weak duality), which is what the engine returns.
"""

from __future__ import annotations

import itertools
import json
import math
import multiprocessing
import os
import re
import time
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from ortools.graph.python import min_cost_flow
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088
DEFAULT_URGENCY_FACTOR: dict[str, float] = {"flexible": 1.0, "week": 2.0, "today": 4.0}

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Seed graph sizes: enough that the first flow is usually optimal or nearly so; pricing adds
# whatever is missing, so these only trade the first solve's size against pricing rounds.
_SEED_OFFERS_PER_NEED = 16
_SEED_NEEDS_PER_OFFER = 6
# Slack (km) added to every spatial radius so float rounding never hides a pair.
_RADIUS_SLACK_KM = 1e-6
_SQRT3 = math.sqrt(3.0)
# Quantities and capacities are exact integers up to 2**53 (the largest every JSON reader keeps
# exact). Sums stay in 64 bits because each amount is clamped to its category's opposite total
# and the totals times the largest score are checked (see _check_totals).
_MAX_AMOUNT = 2**53
# Largest ``1000 * P(i)``: scores times the node count must stay inside OR-Tools' 64-bit cost
# range (it scales costs by the number of nodes), with room for two million nodes.
_MAX_SCORE = 2**40
_INT64_ROOM = 2**62
# numpy's arcsin differs from math.asin in the last bit for about one argument in twelve. Where
# that bit could decide something (a distance this close to its limit, or a score this close to
# a rounding tie) the distance is recomputed with ``math``, so a pair placed exactly at the limit
# by an outside tool is judged as plain Python judges it (see _close_calls).
_CLOSE_CALL_KM = 1e-9
_CLOSE_CALL_SCORE = 1e-6


class InvalidInstance(ValueError):
    """The instance breaks the format; the message names the offending item."""


@dataclass(frozen=True)
class Params:
    """Scoring and distance parameters of an instance (defaults as in the spec)."""

    max_km: float = 15.0
    value_km: float = 50.0
    urgency_factor: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_URGENCY_FACTOR))
    value_km_per_waiting_day: float = 5.0


@dataclass
class Side:
    """One side of the market (needs or offers) as parallel arrays.

    ``amount`` is the quantity of a need or the capacity of an offer. ``reach_km`` is the
    distance limit of an offer (``min(params.max_km, offer.max_km)``); for needs it is
    ``params.max_km``. ``win_start``/``win_end`` are microseconds since the epoch (UTC) and
    only meaningful where ``has_window`` is true. ``priority`` is ``P(i)`` for needs, 0 for offers.
    """

    ids: list[str]
    category: IntArray
    lat: FloatArray
    lon: FloatArray
    amount: IntArray
    reach_km: FloatArray
    has_window: BoolArray
    win_start: IntArray
    win_end: IntArray
    priority: FloatArray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Instance:
    """A validated matching instance. Build it with :func:`parse_instance` or :func:`load_instance`."""

    params: Params
    categories: list[str]
    needs: Side
    offers: Side
    # Sorted keys ``need_index * len(offers) + offer_index`` of pairs that must never be matched
    # (e.g. pairs a member declined); empty by default. Set through ``parse_instance``.
    excluded: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))


# ---------------------------------------------------------------------------------------------
# Parsing and validation
# ---------------------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite_number(value: object) -> bool:
    return _is_number(value) and math.isfinite(value)  # type: ignore[arg-type]


def _parse_params(raw: object) -> Params:
    if raw is None:
        return Params()
    if not isinstance(raw, dict):
        raise InvalidInstance("params: must be an object")
    defaults = Params()

    def number(key: str, default: float, *, positive: bool) -> float:
        value = raw.get(key)
        if value is None:  # absent or null: the default
            value = default
        if not _finite_number(value) or value < 0 or (positive and value == 0):
            kind = "a positive number" if positive else "a non-negative number"
            raise InvalidInstance(f"params.{key}: must be {kind}")
        return float(value)

    max_km = number("max_km", defaults.max_km, positive=False)
    value_km = number("value_km", defaults.value_km, positive=False)
    per_day = number("value_km_per_waiting_day", defaults.value_km_per_waiting_day, positive=False)
    factors_raw = raw.get("urgency_factor")
    if factors_raw is None:
        factors_raw = DEFAULT_URGENCY_FACTOR
    if not isinstance(factors_raw, dict) or not factors_raw:
        raise InvalidInstance("params.urgency_factor: must be a non-empty object")
    factors: dict[str, float] = {}
    for name, factor in factors_raw.items():
        if not _finite_number(factor) or factor < 0:
            raise InvalidInstance(f"params.urgency_factor.{name}: must be a non-negative number")
        factors[name] = float(factor)
    return Params(max_km=max_km, value_km=value_km, urgency_factor=factors, value_km_per_waiting_day=per_day)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - _EPOCH


class _SideBuilder:
    """Validates items one at a time and packs them into compact arrays.

    Items are consumed one by one (the caller may drop each right after) so that a
    million-item instance never exists as a million Python dicts at once. Nothing here depends
    on ``params``, because ``params`` may come after the items in the JSON text; the urgency
    names are checked against ``params`` in :meth:`build`.
    """

    def __init__(self, kind: str, categories: dict[str, int]) -> None:
        self.kind = kind
        self.categories = categories
        self.ids: list[str] = []
        self.seen: dict[str, int] = {}
        self.category = array("q")
        self.lat = array("d")
        self.lon = array("d")
        self.amount = array("q")
        self.own_reach = array("d")
        self.has_window = array("b")
        self.win_start = array("q")
        self.win_end = array("q")
        self.urgency = array("q")
        self.waiting = array("d")
        # urgency name -> (code, index and id of its first use, for the error message)
        self.urgencies: dict[str, tuple[int, int, str]] = {}
        self._time_cache: dict[str, int] = {}

    def _fail(self, index: int, item_id: object, message: str) -> InvalidInstance:
        where = f"{self.kind}[{index}]"
        if isinstance(item_id, str):
            where += f' (id "{item_id}")'
        return InvalidInstance(f"{where}: {message}")

    def _instant(self, index: int, item_id: str, text: object) -> int:
        if not isinstance(text, str):
            raise self._fail(index, item_id, "window bounds must be ISO 8601 strings")
        cached = self._time_cache.get(text)
        if cached is not None:
            return cached
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise self._fail(index, item_id, f"window bound {text!r} is not an ISO 8601 date-time") from None
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise self._fail(index, item_id, f"window bound {text!r} has no time zone")
        micros = (moment - _EPOCH) // _ONE_MICROSECOND
        self._time_cache[text] = micros
        return micros

    def add(self, index: int, item: object) -> None:
        if not isinstance(item, dict):
            raise self._fail(index, None, "must be an object")
        item_id = item.get("id")
        if item_id is None:
            raise self._fail(index, None, "id is missing")
        if not isinstance(item_id, str) or not item_id:
            raise self._fail(index, None, "id must be a non-empty string")
        previous = self.seen.get(item_id)
        if previous is not None:
            raise self._fail(index, item_id, f"duplicate id (also {self.kind}[{previous}])")
        self.seen[item_id] = index

        category = item.get("category")
        if not isinstance(category, str) or not category:
            raise self._fail(index, item_id, "category must be a non-empty string")
        code = self.categories.setdefault(category, len(self.categories))

        lat, lon = item.get("lat"), item.get("lon")
        # ``type(x) is float`` first: the common case skips the general checks (NaN and
        # infinities fail the range test and take the general path, which rejects them).
        if (type(lat) is not float or not -90.0 <= lat <= 90.0) and (
            not _finite_number(lat) or not -90.0 <= lat <= 90.0  # type: ignore[operator]
        ):
            raise self._fail(index, item_id, "lat must be a number between -90 and 90")
        if (type(lon) is not float or not -180.0 <= lon <= 180.0) and (
            not _finite_number(lon) or not -180.0 <= lon <= 180.0  # type: ignore[operator]
        ):
            raise self._fail(index, item_id, "lon must be a number between -180 and 180")

        amount_key = "quantity" if self.kind == "needs" else "capacity"
        amount = item.get(amount_key)
        if amount is None:  # optional fields: absent or null means the default
            amount = 1
        if type(amount) is not int or not 0 < amount <= _MAX_AMOUNT:
            if type(amount) is float and amount.is_integer():
                amount = int(amount)  # JSON has one number type: 2.0 is the integer 2
            if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
                raise self._fail(index, item_id, f"{amount_key} must be a positive integer")
            if amount > _MAX_AMOUNT:
                raise self._fail(index, item_id, f"{amount_key} must be at most 2**53")

        urgency_code = 0
        waiting = 0.0
        own_reach = math.inf
        if self.kind == "needs":
            urgency = item.get("urgency")
            if urgency is None:
                urgency = "flexible"
            if not isinstance(urgency, str):
                raise self._fail(index, item_id, "urgency must be a string")
            known = self.urgencies.get(urgency)
            if known is None:
                known = (len(self.urgencies), index, item_id)
                self.urgencies[urgency] = known
            urgency_code = known[0]
            waiting_raw = item.get("waiting_days")
            if waiting_raw is None:
                waiting_raw = 0.0
            if (type(waiting_raw) is not float or not 0.0 <= waiting_raw < math.inf) and (
                not _finite_number(waiting_raw) or waiting_raw < 0
            ):
                raise self._fail(index, item_id, "waiting_days must be a non-negative number")
            waiting = float(waiting_raw)
        else:
            reach_raw = item.get("max_km")
            if reach_raw is not None:
                if not _finite_number(reach_raw) or reach_raw < 0:
                    raise self._fail(index, item_id, "max_km must be a non-negative number")
                own_reach = float(reach_raw)

        window = item.get("window")
        start = end = 0
        if window is not None:
            if not isinstance(window, list) or len(window) != 2:
                raise self._fail(index, item_id, "window must be a list [start, end]")
            start = self._instant(index, item_id, window[0])
            end = self._instant(index, item_id, window[1])
            if end < start:
                raise self._fail(index, item_id, "window ends before it starts")

        self.ids.append(item_id)
        self.category.append(code)
        self.lat.append(float(lat))  # type: ignore[arg-type]
        self.lon.append(float(lon))  # type: ignore[arg-type]
        self.amount.append(amount)
        self.own_reach.append(own_reach)
        self.has_window.append(window is not None)
        self.win_start.append(start)
        self.win_end.append(end)
        self.urgency.append(urgency_code)
        self.waiting.append(waiting)

    def build(self, params: Params) -> Side:
        self.seen.clear()
        priority = np.zeros(len(self.ids))
        if self.kind == "needs":
            factor_by_code = np.zeros(max(len(self.urgencies), 1))
            for name, (code, index, item_id) in self.urgencies.items():
                factor = params.urgency_factor.get(name)
                if factor is None:
                    known = ", ".join(sorted(params.urgency_factor))
                    raise self._fail(index, item_id, f"urgency {name!r} is not one of: {known}")
                factor_by_code[code] = factor
            codes = np.frombuffer(self.urgency, dtype=np.int64)
            waiting = np.frombuffer(self.waiting, dtype=np.float64)
            priority = params.value_km * factor_by_code[codes] + params.value_km_per_waiting_day * waiting
            too_high = np.flatnonzero(~(1000.0 * priority <= _MAX_SCORE))
            if len(too_high):
                first = int(too_high[0])
                raise self._fail(
                    first,
                    self.ids[first],
                    f"its value P = value_km * urgency_factor + value_km_per_waiting_day * "
                    f"waiting_days is {priority[first]:g} km, more than the largest allowed "
                    f"({_MAX_SCORE / 1000:g} km)",
                )
        reach = np.minimum(np.frombuffer(self.own_reach, dtype=np.float64), params.max_km)
        return Side(
            ids=self.ids,
            category=np.frombuffer(self.category, dtype=np.int64).copy(),
            lat=np.frombuffer(self.lat, dtype=np.float64).copy(),
            lon=np.frombuffer(self.lon, dtype=np.float64).copy(),
            amount=np.frombuffer(self.amount, dtype=np.int64).copy(),
            reach_km=reach,
            has_window=np.frombuffer(self.has_window, dtype=np.int8).astype(bool),
            win_start=np.frombuffer(self.win_start, dtype=np.int64).copy(),
            win_end=np.frombuffer(self.win_end, dtype=np.int64).copy(),
            priority=np.asarray(priority, dtype=np.float64),
        )


def _clamp_amounts(needs: Side, offers: Side, n_categories: int) -> None:
    """Clamp each amount to the opposite side's total in its category, and refuse instances
    whose totals could overflow 64-bit sums.

    A need can never receive more than all offers of its category hold (nor an offer give more
    than all needs of its category ask), so clamping changes no feasible assignment and hence
    no optimum; it keeps flow supplies and the objective and dual sums inside 64 bits even when
    amounts are near 2**53. Totals are summed in floating point and rounded up, which is safe
    for clamping (any bound at least the true total would do).
    """
    if not len(needs) or not len(offers):
        return
    want = np.bincount(needs.category, weights=needs.amount, minlength=n_categories)
    have = np.bincount(offers.category, weights=offers.amount, minlength=n_categories)
    bound_needs = np.minimum(np.ceil(have * (1 + 1e-9)) + 1, float(_INT64_ROOM))
    bound_offers = np.minimum(np.ceil(want * (1 + 1e-9)) + 1, float(_INT64_ROOM))
    np.minimum(needs.amount, bound_needs[needs.category].astype(np.int64), out=needs.amount)
    np.minimum(offers.amount, bound_offers[offers.category].astype(np.int64), out=offers.amount)
    # Flow supplies are 64-bit in OR-Tools; products with scores are summed exactly by _dot.
    for side, kind, amount_key in ((needs, "needs", "quantity"), (offers, "offers", "capacity")):
        total = np.bincount(side.category, weights=side.amount, minlength=n_categories)
        over = np.flatnonzero(total * (1 + 1e-9) >= _INT64_ROOM)
        if len(over):
            biggest = int(np.argmax(np.where(side.category == over[0], side.amount, 0)))
            raise InvalidInstance(
                f'{kind}[{biggest}] (id "{side.ids[biggest]}"): the {amount_key} values of its '
                f"category add up to more than 2**62"
            )


def _dot(a: IntArray, b: IntArray) -> int:
    """``sum(a * b)`` exactly: in numpy when it provably fits in 64 bits, else in Python ints."""
    if not len(a):
        return 0
    bound = float(np.abs(a).max()) * float(np.abs(b).max()) * len(a)
    if bound < _INT64_ROOM:
        return int((a * b).sum())
    return sum(x * y for x, y in zip(a.tolist(), b.tolist(), strict=True))


def parse_instance(obj: object, *, exclude_pairs: Iterable[tuple[str, str]] = ()) -> Instance:
    """Validate a decoded JSON instance and return it as an :class:`Instance`.

    Raises :class:`InvalidInstance` naming the first offending item, e.g.
    ``needs[3] (id "n4"): quantity must be a positive integer``.

    ``exclude_pairs`` holds ``(need id, offer id)`` pairs that are treated as infeasible (not part
    of the spec format: the server uses it so a declined pair is never proposed again). Pairs naming
    ids absent from the instance are ignored. The solution stays optimal over the remaining graph,
    because every candidate pair, seeded or priced, passes through the same feasibility filter.
    """
    if not isinstance(obj, dict):
        raise InvalidInstance("instance: must be a JSON object")
    params = _parse_params(obj.get("params"))
    categories: dict[str, int] = {}
    sides = []
    for kind in ("needs", "offers"):
        items = obj.get(kind, [])
        if not isinstance(items, list):
            raise InvalidInstance(f"{kind}: must be a list")
        builder = _SideBuilder(kind, categories)
        for index, item in enumerate(items):
            builder.add(index, item)
        sides.append(builder.build(params))
    needs, offers = sides
    _clamp_amounts(needs, offers, len(categories))
    need_at = {item_id: i for i, item_id in enumerate(needs.ids)}
    offer_at = {item_id: j for j, item_id in enumerate(offers.ids)}
    keys = [
        need_at[n] * len(offers) + offer_at[o] for n, o in exclude_pairs if n in need_at and o in offer_at
    ]
    excluded = np.unique(np.asarray(keys, np.int64))
    return Instance(params=params, categories=list(categories), needs=needs, offers=offers, excluded=excluded)


_WHITESPACE = frozenset(" \t\n\r")
_ARRAY_SEEN = object()


def _skip_ws(text: str, pos: int) -> int:
    end = len(text)
    while pos < end and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _expect(text: str, pos: int, chars: str, what: str) -> str:
    if pos >= len(text) or text[pos] not in chars:
        raise InvalidInstance(f"instance: invalid JSON: expected {what} at char {pos}")
    return text[pos]


# Characters of item text decoded per orjson call: enough to amortise the call, few enough
# that only a few hundred items exist as Python dicts at a time (which is also faster).
_CHUNK_CHARS = 1 << 16
# orjson turns integers beyond 64 bits into floats where json keeps them as ints; chunks with
# such long digit runs are decoded by json, so every item reaches validation as json gives it.
_LONG_DIGITS = re.compile(r"\d{19}")


def _fast_items(text: str, pos: int, builder: _SideBuilder) -> tuple[int, int]:
    """Decode the items of an array from ``pos`` (just after ``[``) in chunks with orjson.

    A chunk is cut after a ``}`` followed by ``,``. The cut is right exactly when the chunk,
    wrapped in ``[...]``, is valid JSON: a cut inside a string leaves that string unterminated,
    a cut inside a nested value leaves a bracket open, and a cut past the end of the array
    leaves extra data, and each is a decoding error. On such an error (or when no cut is left)
    this returns where it got to, and the item-by-item decoder carries on from there, so
    errors are reported exactly as before and the result is what ``json`` alone would give.
    """
    index = 0
    end = len(text)
    while True:
        cut = text.find("},", pos + _CHUNK_CHARS)
        if cut < 0:
            return pos, index
        chunk = "[" + text[pos : cut + 1] + "]"
        try:
            if _LONG_DIGITS.search(chunk):
                raise ValueError("decode with json")
            items = orjson.loads(chunk)
        except ValueError:  # orjson.JSONDecodeError is a ValueError
            try:
                items = json.loads(chunk)
            except (ValueError, RecursionError):
                return pos, index
        for item in items:
            builder.add(index, item)
            index += 1
        pos = cut + 2
        while pos < end and text[pos] in _WHITESPACE:
            pos += 1


def load_instance(text: str) -> Instance:
    """Parse and validate an instance from JSON text.

    Same result as ``parse_instance(json.loads(text))``, but the ``needs`` and ``offers`` arrays
    are decoded item by item straight into compact arrays, so a million-item instance never
    exists as Python dicts all at once (that alone would take about 2 GB).
    Raises :class:`InvalidInstance` for bad JSON as well as for bad items.
    """
    decoder = json.JSONDecoder()
    categories: dict[str, int] = {}
    builders = {kind: _SideBuilder(kind, categories) for kind in ("needs", "offers")}
    others: dict[str, object] = {}

    def decode(pos: int, where: str) -> tuple[object, int]:
        try:
            return decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            raise InvalidInstance(f"{where}: invalid JSON: {error}") from None
        except RecursionError:
            raise InvalidInstance(f"{where}: JSON nested too deeply") from None

    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "{":
        if pos < len(text) and text[pos] in '["0123456789-tfn':
            decode(pos, "instance")  # report bad JSON as such before the shape
            raise InvalidInstance("instance: must be a JSON object")
        raise InvalidInstance("instance: invalid JSON: expected an object")
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "}":
        pos += 1
    else:
        while True:
            _expect(text, pos, '"', "a key")
            key, pos = decode(pos, "instance")
            pos = _skip_ws(text, pos)
            _expect(text, pos, ":", "':'")
            pos = _skip_ws(text, pos + 1)
            builder = builders.get(key)  # type: ignore[call-overload]
            if builder is not None and pos < len(text) and text[pos] == "[":
                if builder.ids or key in others:
                    raise InvalidInstance(f"{key}: appears twice")
                others[key] = _ARRAY_SEEN  # type: ignore[index]
                pos = _skip_ws(text, pos + 1)
                index = 0
                if pos < len(text) and text[pos] == "]":
                    pos += 1
                else:
                    pos, index = _fast_items(text, pos, builder)
                    while True:
                        item, pos = decode(pos, f"{key}[{index}]")
                        builder.add(index, item)
                        index += 1
                        pos = _skip_ws(text, pos)
                        sep = _expect(text, pos, ",]", "',' or ']'")
                        pos = _skip_ws(text, pos + 1)
                        if sep == "]":
                            break
            else:
                others[key], pos = decode(pos, "instance")  # type: ignore[index]
            pos = _skip_ws(text, pos)
            sep = _expect(text, pos, ",}", "',' or '}'")
            pos = _skip_ws(text, pos + 1)
            if sep == "}":
                break
    if _skip_ws(text, pos) != len(text):
        raise InvalidInstance(f"instance: invalid JSON: extra data at char {pos}")
    for kind in ("needs", "offers"):
        if kind in others and others[kind] is not _ARRAY_SEEN:
            raise InvalidInstance(f"{kind}: must be a list")
    params = _parse_params(others.get("params"))
    needs = builders["needs"].build(params)
    offers = builders["offers"].build(params)
    _clamp_amounts(needs, offers, len(categories))
    return Instance(params=params, categories=list(categories), needs=needs, offers=offers)


# ---------------------------------------------------------------------------------------------
# Geometry and scores
# ---------------------------------------------------------------------------------------------


def haversine_km(
    lat1: FloatArray | float, lon1: FloatArray | float, lat2: FloatArray | float, lon2: FloatArray | float
) -> FloatArray:
    """Great-circle distance in km (haversine, Earth radius 6371.0088 km); arguments in degrees."""
    phi1 = np.radians(lat1)
    phi2 = np.radians(lat2)
    half_dphi = 0.5 * (phi2 - phi1)
    half_dlam = 0.5 * np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlam) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def scores(priority: FloatArray, km: FloatArray) -> IntArray:
    """``round(1000 * (P - d))`` as integers (round half to even, like Python's ``round``)."""
    return np.rint(1000.0 * (priority - km)).astype(np.int64)


def _xyz_km(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Points on the sphere of radius 6371.0088 km; their chord is never longer than the arc."""
    phi = np.radians(lat)
    lam = np.radians(lon)
    cos_phi = np.cos(phi)
    out = np.empty((len(lat), 3))
    out[:, 0] = cos_phi * np.cos(lam)
    out[:, 1] = cos_phi * np.sin(lam)
    out[:, 2] = np.sin(phi)
    out *= EARTH_RADIUS_KM
    return out


def _math_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """:func:`haversine_km` for one pair, with ``math`` (the same operations in the same order)."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    half_dphi = 0.5 * (phi2 - phi1)
    half_dlam = 0.5 * math.radians(lon2 - lon1)
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlam) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _close_calls(km: FloatArray, reach: FloatArray, priority: FloatArray) -> IntArray:
    """Positions of the distances whose last bit could flip a decision: within ``_CLOSE_CALL_KM``
    of the pair's limit, or with ``1000 (P - d)`` near a half. The caller recomputes them with
    ``math``; they are rare (pairs an outside tool placed at the limit on purpose). Works in one
    scratch array, as this runs over millions of candidate pairs."""
    scratch = np.subtract(priority, km)
    scratch *= 1000.0
    scratch -= np.floor(scratch)
    scratch -= 0.5
    np.abs(scratch, out=scratch)
    close = scratch <= _CLOSE_CALL_SCORE
    np.subtract(km, reach, out=scratch)
    np.abs(scratch, out=scratch)
    close |= scratch <= _CLOSE_CALL_KM
    return np.flatnonzero(close)


def _chord_for(km: float) -> float:
    """Chord length of an arc of ``km`` km, padded so boundary pairs are never missed."""
    half_angle = min(km / (2.0 * EARTH_RADIUS_KM), math.pi / 2)
    return 2.0 * EARTH_RADIUS_KM * math.sin(half_angle) * (1 + 1e-9) + _RADIUS_SLACK_KM


@dataclass
class _Pairs:
    """Feasible candidate pairs of one component (local indices), with distance and score."""

    need: IntArray
    offer: IntArray
    km: FloatArray
    score: IntArray

    @staticmethod
    def empty() -> _Pairs:
        return _Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.need)

    def concat(self, other: _Pairs) -> _Pairs:
        return _Pairs(
            np.concatenate([self.need, other.need]),
            np.concatenate([self.offer, other.offer]),
            np.concatenate([self.km, other.km]),
            np.concatenate([self.score, other.score]),
        )


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
    _phi: tuple[FloatArray, FloatArray] | None = None
    _cos: tuple[FloatArray, FloatArray] = (np.zeros(0), np.zeros(0))

    @staticmethod
    def slice(instance: Instance, need_index: IntArray, offer_index: IntArray) -> _Part:
        needs, offers = instance.needs, instance.offers
        return _Part(
            need_index=need_index,
            offer_index=offer_index,
            need_lat=needs.lat[need_index],
            need_lon=needs.lon[need_index],
            offer_lat=offers.lat[offer_index],
            offer_lon=offers.lon[offer_index],
            need_xyz=_xyz_km(needs.lat[need_index], needs.lon[need_index]),
            offer_xyz=_xyz_km(offers.lat[offer_index], offers.lon[offer_index]),
            priority=needs.priority[need_index],
            quantity=needs.amount[need_index],
            capacity=offers.amount[offer_index],
            reach=offers.reach_km[offer_index],
            need_has_window=needs.has_window[need_index],
            need_start=needs.win_start[need_index],
            need_end=needs.win_end[need_index],
            offer_has_window=offers.has_window[offer_index],
            offer_start=offers.win_start[offer_index],
            offer_end=offers.win_end[offer_index],
            max_km=float(offers.reach_km[offer_index].max(initial=0.0)),
            excluded=instance.excluded,
            n_offers=len(offers),
        )

    def feasible(self, need: IntArray, offer: IntArray) -> _Pairs:
        """Keep the pairs that are feasible with a positive score (same category assumed)."""
        # haversine_km with the per-point radians and cosines computed once per part: the
        # same elementwise operations on the same inputs, so bit-for-bit the same distances.
        if self._phi is None:
            self._phi = (np.radians(self.need_lat), np.radians(self.offer_lat))
            self._cos = (np.cos(self._phi[0]), np.cos(self._phi[1]))
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
        return _Pairs(need[ok], offer[ok], km[ok], score[ok])


# ---------------------------------------------------------------------------------------------
# Exact solve of one component: flow on a candidate graph, duals, pricing on the full graph
# ---------------------------------------------------------------------------------------------

# Below this many need-offer combinations a component's full feasible graph is simply built.
_DENSE_PAIRS_LIMIT = 40_000
_NO_PRICE = np.int64(2**62)
# Violating pairs added per need and per offer in one pricing round.
_PRICED_PER_ITEM = 32
# Candidate pairs a pricing pass examines at once (see _range_pairs).
_PRICING_BATCH = 1 << 20
# Pricing also adds pairs this close to violating (score units, 1 = 1 m), to save rounds.
_PRICING_MARGIN = 0
# After the first solve, seed pairs whose reduced cost is below -this are dropped.
_KEEP_MARGIN = 10**12
# Later pricing passes only look at pairs whose duals fell (see _violations).
_INCREMENTAL_PRICING = True


def _unique_pairs(need: IntArray, offer: IntArray, n_offers: int) -> tuple[IntArray, IntArray]:
    keys = np.sort(need * n_offers + offer)
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


def _seed_pairs(part: _Part) -> _Pairs:
    """A sparse graph likely to hold an optimal flow: nearest offers of each need and the
    best-scoring needs of each offer (needs placed in 4-D with their priority deficit)."""
    n_needs, n_offers = len(part.need_index), len(part.offer_index)
    if n_needs * n_offers <= _DENSE_PAIRS_LIMIT:
        need, offer = np.divmod(np.arange(n_needs * n_offers, dtype=np.int64), n_offers)
        return part.feasible(need, offer)
    chunks_need: list[IntArray] = []
    chunks_offer: list[IntArray] = []
    k = min(_SEED_OFFERS_PER_NEED, n_offers)
    offer_tree = cKDTree(part.offer_xyz)
    _, found = offer_tree.query(part.need_xyz, k=k, distance_upper_bound=_chord_for(part.max_km))
    found = found.reshape(n_needs, k)
    hit = found < n_offers
    chunks_need.append(np.nonzero(hit)[0].astype(np.int64))
    chunks_offer.append(found[hit].astype(np.int64))
    # Time windows and offers' own limits can rule out all nearest offers of a need; look
    # further for those needs only, or they would enter pricing with every offer in range.
    seeded = part.feasible(chunks_need[0], chunks_offer[0])
    thin = np.flatnonzero((np.bincount(seeded.need, minlength=n_needs) < 2) & hit[:, -1])
    if len(thin) and n_offers > k:
        k_far = min(8 * k, n_offers)
        _, far = offer_tree.query(part.need_xyz[thin], k=k_far, distance_upper_bound=_chord_for(part.max_km))
        far = far.reshape(len(thin), k_far)
        far_hit = far < n_offers
        chunks_need.append(np.repeat(thin, k_far)[far_hit.ravel()].astype(np.int64))
        chunks_offer.append(far[far_hit].astype(np.int64))

    deficit = part.priority.max() - part.priority
    need_points = np.column_stack([part.need_xyz, deficit])
    offer_points = np.column_stack([part.offer_xyz, np.zeros(n_offers)])
    k = min(_SEED_NEEDS_PER_OFFER, n_needs)
    _, found = cKDTree(need_points).query(offer_points, k=k)
    found = found.reshape(n_offers, k)
    chunks_need.append(found.ravel().astype(np.int64))
    chunks_offer.append(np.repeat(np.arange(n_offers, dtype=np.int64), k))
    need, offer = _unique_pairs(np.concatenate(chunks_need), np.concatenate(chunks_offer), n_offers)
    return part.feasible(need, offer)


def _solve_flow(part: _Part, pairs: _Pairs) -> IntArray:
    """Units per candidate pair in a maximum-score flow over ``pairs`` (OR-Tools min-cost flow)."""
    n_needs, n_offers = len(part.need_index), len(part.offer_index)
    sink = n_needs + n_offers
    need_nodes = np.arange(n_needs, dtype=np.int64)
    offer_nodes = np.arange(n_offers, dtype=np.int64) + n_needs
    flow = min_cost_flow.SimpleMinCostFlow()
    # Pair arcs first so their arc indices are 0..len(pairs)-1. A need's "skip" arc to the sink
    # lets units stay unserved at no cost: the objective does not reward volume for its own sake.
    tails = np.concatenate([pairs.need, need_nodes, offer_nodes])
    heads = np.concatenate(
        [pairs.offer + n_needs, np.full(n_needs, sink, np.int64), np.full(n_offers, sink, np.int64)]
    )
    caps = np.concatenate(
        [np.minimum(part.quantity[pairs.need], part.capacity[pairs.offer]), part.quantity, part.capacity]
    )
    costs = np.concatenate([-pairs.score, np.zeros(n_needs + n_offers, np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.concatenate([part.quantity, np.zeros(n_offers, np.int64), [-part.quantity.sum()]])
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.asarray(flow.flows(np.arange(len(pairs), dtype=np.int64)), dtype=np.int64)


def _segment_starts(sorted_keys: IntArray) -> IntArray:
    if not len(sorted_keys):
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def _int_bincount(index: IntArray, weights: IntArray, length: int) -> IntArray:
    """``np.bincount`` with integer weights, exact beyond 2**53 (float sums are not)."""
    if not len(weights) or int(weights.max()) * len(weights) < 2**53:
        return np.bincount(index, weights=weights, minlength=length).astype(np.int64)
    out = np.zeros(length, np.int64)
    np.add.at(out, index, weights)
    return out


def _duals(part: _Part, pairs: _Pairs, units: IntArray) -> tuple[IntArray, IntArray]:
    """Dual prices ``u`` (needs) and ``v`` (offers) proving ``units`` optimal on ``pairs``.

    They are shortest-path distances from an outside node in the residual graph (potentials
    ``u_i`` and ``-v_j``), computed by alternating label-correcting sweeps: ``v_j = max(0,
    max_i score - u_i)`` over all pairs, ``u_i = min(0 if need i is short, min_j score - v_j)``
    over used pairs. The sweeps stop when nothing changes, which happens because an optimal
    flow leaves no negative cycle. Raises ``RuntimeError`` if the certificate does not close.
    """
    n_needs, n_offers = len(part.need_index), len(part.offer_index)
    served = _int_bincount(pairs.need, units, n_needs)
    given = _int_bincount(pairs.offer, units, n_offers)
    short = served < part.quantity

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
    primal = _dot(units, pairs.score)
    dual = _dot(u, part.quantity) + _dot(v, part.capacity)
    if (u < 0).any() or (v[given < part.capacity] != 0).any() or primal != dual:
        raise RuntimeError(f"optimality certificate failed (primal {primal}, dual {dual})")
    return u, v


@dataclass
class _Pricing:
    """What a pricing pass found: whether any pair violates its dual constraint, the pairs to
    add, and the needs with violating pairs left out (more than ``_PRICED_PER_ITEM``)."""

    violated: bool
    extra: _Pairs
    truncated: BoolArray


def _range_pairs(
    part: _Part, a: FloatArray, b: FloatArray, needs: IntArray, offers: IntArray
) -> Iterator[tuple[IntArray, IntArray]]:
    """Pairs (need in ``needs``, offer in ``offers``) that may have ``d(i,j) + (A - a_i) + b_j
    < A``, found by range queries between neighbouring grid cells (see :func:`_violations`).

    Yielded in batches of about ``_PRICING_BATCH`` pairs, one grid cell of needs at a time, so
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
        if found >= _PRICING_BATCH:
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


def _violations(
    part: _Part,
    u: IntArray,
    v: IntArray,
    known: IntArray,
    margin: int,
    changed_needs: BoolArray | None = None,
    changed_offers: BoolArray | None = None,
) -> _Pricing:
    """Check every feasible pair of the component against the duals, without enumerating
    all pairs. Reports whether any pair has ``score > u_i + v_j`` and the pairs to add: for
    each need its ``_PRICED_PER_ITEM`` pairs of highest ``score - u_i - v_j`` among those above
    ``-margin``, leaving out pairs whose key ``need * n_offers + offer`` is in ``known``.

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
    if changed_needs is None or changed_offers is None:
        batches = _range_pairs(part, a, b, all_needs, all_offers)
    else:
        # Changed needs against every offer, then unchanged needs against changed offers.
        batches = itertools.chain(
            _range_pairs(part, a, b, np.flatnonzero(changed_needs), all_offers),
            _range_pairs(part, a, b, np.flatnonzero(~changed_needs), np.flatnonzero(changed_offers)),
        )
    violated = False
    chosen: list[_Pairs] = []
    truncated = np.zeros(n_needs, bool)
    for need, offer in batches:
        candidates = part.feasible(need, offer)
        reduced = candidates.score - u[candidates.need] - v[candidates.offer]
        if not (reduced > 0).any():
            continue
        violated = True
        # Near-tight pairs (within ``margin``) come along: the duals will move, and taking them
        # now saves re-solves later.
        near = np.flatnonzero(reduced > -margin)
        near = near[~_contains(known, candidates.need[near] * n_offers + candidates.offer[near])]
        # Partial pricing: a need that got no usable seed arc can violate with every offer in
        # range; its few best pairs are enough to move the duals. Needs with more are re-checked
        # in full at the next pass. (A batch holds every pair of its needs from one range query,
        # so the best pairs of a need are chosen among all of them.)
        keep = _top_per_group(candidates.need[near], -reduced[near], _PRICED_PER_ITEM)
        picked = near[keep]
        truncated[candidates.need[near[~keep]]] = True
        chosen.append(
            _Pairs(
                candidates.need[picked],
                candidates.offer[picked],
                candidates.km[picked],
                candidates.score[picked],
            )
        )
    if not violated:
        return _Pricing(False, _Pairs.empty(), truncated)
    extra = _Pairs(
        *(
            np.concatenate([getattr(pairs, name) for pairs in chosen])
            for name in ("need", "offer", "km", "score")
        )
    )
    return _Pricing(True, extra, truncated)


def _contains(sorted_keys: IntArray, keys: IntArray) -> BoolArray:
    """``np.isin(keys, sorted_keys)`` for an ascending ``sorted_keys``, by binary search."""
    if not len(sorted_keys):
        return np.zeros(len(keys), bool)
    pos = np.searchsorted(sorted_keys, keys)
    pos[pos == len(sorted_keys)] = 0
    return sorted_keys[pos] == keys  # type: ignore[no-any-return]


def _top_per_group(group: IntArray, rank_key: IntArray, count: int) -> BoolArray:
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
    dense = n_needs * n_offers <= _DENSE_PAIRS_LIMIT
    rounds = 0
    previous: tuple[IntArray, IntArray, BoolArray] | None = None
    while True:
        rounds += 1
        units = _solve_flow(part, pairs) if len(pairs) else np.zeros(0, np.int64)
        if dense:
            break  # the seed graph was the full feasible graph
        u, v = _duals(part, pairs, units)
        keys = pairs.need * n_offers + pairs.offer  # ascending: pairs are kept sorted
        if len(keys) > 1 and not bool((keys[1:] >= keys[:-1]).all()):
            keys = np.sort(keys)
        if previous is None or not _INCREMENTAL_PRICING:
            pricing = _violations(part, u, v, keys, _PRICING_MARGIN)
        else:
            prev_u, prev_v, prev_truncated = previous
            pricing = _violations(
                part, u, v, keys, _PRICING_MARGIN, (u < prev_u) | prev_truncated, v < prev_v
            )
        previous = (u, v, pricing.truncated)
        if not pricing.violated:
            break
        if rounds == 1:
            # Seed arcs far from tight are dead weight in every re-solve; drop them once.
            # Pricing checks the full graph each round, so nothing needed can be lost, and
            # dropping only once keeps the column generation finite.
            reduced = pairs.score - u[pairs.need] - v[pairs.offer]
            kept = (units > 0) | (reduced >= -_KEEP_MARGIN)
            pairs = _Pairs(pairs.need[kept], pairs.offer[kept], pairs.km[kept], pairs.score[kept])
        pairs = pairs.concat(pricing.extra)
        order = np.lexsort((pairs.offer, pairs.need))
        pairs = _Pairs(pairs.need[order], pairs.offer[order], pairs.km[order], pairs.score[order])
    used = units > 0
    return _PartResult(
        need=part.need_index[pairs.need[used]],
        offer=part.offer_index[pairs.offer[used]],
        units=units[used],
        km=pairs.km[used],
        score=pairs.score[used],
        candidate_pairs=len(pairs),
        rounds=rounds,
    )


# ---------------------------------------------------------------------------------------------
# Decomposition, parallel solve and output
# ---------------------------------------------------------------------------------------------

# Components smaller than this are batched into one task for the worker pool.
_TASK_ITEMS = 20_000
# Below this many items in total a worker pool costs more than it saves.
_PARALLEL_MIN_ITEMS = 60_000


def _components(instance: Instance) -> list[tuple[IntArray, IntArray]]:
    """Independent parts: one category, and grid cells (side ``max_km``) glued to their
    neighbours. Any feasible pair is at most ``max_km`` apart, so it lies in two touching
    cells of the same part; parts never share a feasible pair."""
    needs, offers = instance.needs, instance.offers
    parts: list[tuple[IntArray, IntArray]] = []
    for code in range(len(instance.categories)):
        need_index = np.flatnonzero(needs.category == code)
        offer_index = np.flatnonzero(offers.category == code)
        if not len(need_index) or not len(offer_index):
            continue
        side = max(float(offers.reach_km[offer_index].max()), 1.0)
        need_keys, base = _cell_keys(_xyz_km(needs.lat[need_index], needs.lon[need_index]), side)
        offer_keys, _ = _cell_keys(_xyz_km(offers.lat[offer_index], offers.lon[offer_index]), side)
        cells = np.unique(np.concatenate([need_keys, offer_keys]))
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        for offset in _neighbour_offsets(base).tolist():
            if offset <= 0:
                continue
            pos = np.searchsorted(cells, cells + offset)
            pos[pos == len(cells)] = 0
            touching = cells[pos] == cells + offset
            rows.append(np.flatnonzero(touching))
            cols.append(pos[touching])
        row = np.concatenate(rows)
        col = np.concatenate(cols)
        graph = coo_matrix((np.ones(len(row)), (row, col)), shape=(len(cells), len(cells)))
        _, labels = connected_components(graph, directed=False)
        need_label = labels[np.searchsorted(cells, need_keys)]
        offer_label = labels[np.searchsorted(cells, offer_keys)]
        need_order = np.argsort(need_label, kind="stable")
        offer_order = np.argsort(offer_label, kind="stable")
        n_labels = int(labels.max()) + 1
        need_bounds = np.searchsorted(need_label[need_order], np.arange(n_labels + 1))
        offer_bounds = np.searchsorted(offer_label[offer_order], np.arange(n_labels + 1))
        for label in range(n_labels):
            part_needs = need_index[need_order[need_bounds[label] : need_bounds[label + 1]]]
            part_offers = offer_index[offer_order[offer_bounds[label] : offer_bounds[label + 1]]]
            if len(part_needs) and len(part_offers):
                parts.append((part_needs, part_offers))
    return parts


_SHARED_INSTANCE: Instance | None = None


def _solve_task(task: list[tuple[IntArray, IntArray]]) -> list[_PartResult]:
    assert _SHARED_INSTANCE is not None
    return [_solve_part(_Part.slice(_SHARED_INSTANCE, n, o)) for n, o in task]


def _tasks(parts: list[tuple[IntArray, IntArray]]) -> list[list[tuple[IntArray, IntArray]]]:
    """Largest parts first (they bound the wall time), small ones batched together."""
    ordered = sorted(parts, key=lambda p: (-(len(p[0]) + len(p[1])), int(p[0][0])))
    tasks: list[list[tuple[IntArray, IntArray]]] = []
    batch: list[tuple[IntArray, IntArray]] = []
    batch_items = 0
    for part in ordered:
        batch.append(part)
        batch_items += len(part[0]) + len(part[1])
        if batch_items >= _TASK_ITEMS:
            tasks.append(batch)
            batch, batch_items = [], 0
    if batch:
        tasks.append(batch)
    return tasks


def _default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@dataclass
class Assignment:
    """An assignment as parallel arrays (global need and offer indices), plus statistics."""

    instance: Instance
    need: IntArray
    offer: IntArray
    units: IntArray
    km: FloatArray
    score: IntArray
    stats: dict[str, Any]

    @property
    def objective(self) -> int:
        return _dot(self.units, self.score)

    @property
    def matched_units(self) -> int:
        return int(self.units.sum())

    def unmatched_needs(self) -> list[str]:
        """Ids of needs that receive no unit at all, in input order."""
        served = np.zeros(len(self.instance.needs), bool)
        served[self.need] = True
        ids = self.instance.needs.ids
        return [ids[i] for i in np.flatnonzero(~served).tolist()]

    def _assignment_rows(self) -> Iterator[dict[str, Any]]:
        need_ids, offer_ids = self.instance.needs.ids, self.instance.offers.ids
        for i, j, units, km, score in zip(
            self.need.tolist(),
            self.offer.tolist(),
            self.units.tolist(),
            self.km.tolist(),
            self.score.tolist(),
            strict=True,
        ):
            yield {"need": need_ids[i], "offer": offer_ids[j], "units": units, "km": km, "score": score}

    def to_output(self) -> dict[str, Any]:
        """The output object of the spec (``assignments``, ``objective``, ``stats``, …)."""
        return {
            "assignments": list(self._assignment_rows()),
            "objective": self.objective,
            "matched_units": self.matched_units,
            "unmatched_needs": self.unmatched_needs(),
            "stats": self.stats,
        }

    def write_json(self, stream: Any) -> None:
        """Write :meth:`to_output` as JSON to a text stream without building it in memory.

        The text is the same as ``json.dumps`` of each row would give (same separators, ids
        escaped by the same encoder, floats by ``repr``), formatted in batches for speed.
        """
        stream.write('{"assignments": [')
        encode = json.dumps
        quote = json.encoder.encode_basestring_ascii  # what json.dumps uses for str
        need_ids, offer_ids = self.instance.needs.ids, self.instance.offers.ids
        km_all = self.km
        batch = 10_000
        for start in range(0, len(self.need), batch):
            stop = start + batch
            rows = [
                f'{{"need": {quote(need_ids[i])}, "offer": {quote(offer_ids[j])}, '
                f'"units": {units}, "km": {km!r}, "score": {score}}}'
                for i, j, units, km, score in zip(
                    self.need[start:stop].tolist(),
                    self.offer[start:stop].tolist(),
                    self.units[start:stop].tolist(),
                    km_all[start:stop].tolist(),
                    self.score[start:stop].tolist(),
                    strict=True,
                )
            ]
            stream.write(("\n  " if start == 0 else ",\n  ") + ",\n  ".join(rows))
        stream.write("\n],\n")
        stream.write(f'"objective": {self.objective},\n"matched_units": {self.matched_units},\n')
        stream.write('"unmatched_needs": ' + encode(self.unmatched_needs()) + ",\n")
        stream.write('"stats": ' + encode(self.stats) + "}\n")


def _ordered(instance: Instance, results: Sequence[_PartResult], stats: dict[str, Any]) -> Assignment:
    def cat(name: str, dtype: Any) -> Any:
        arrays = [getattr(r, name) for r in results]
        return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)

    need, offer = cat("need", np.int64), cat("offer", np.int64)
    order = np.lexsort((offer, need))
    return Assignment(
        instance=instance,
        need=need[order],
        offer=offer[order],
        units=cat("units", np.int64)[order],
        km=cat("km", np.float64)[order],
        score=cat("score", np.int64)[order],
        stats=stats,
    )


def solve_assignment(instance: Instance, *, workers: int | None = None) -> Assignment:
    """The optimal assignment of ``instance`` as arrays; see :func:`solve`.

    ``workers`` > 1 solves independent parts in forked worker processes (default: up to 2,
    when the instance is large enough for it to pay). Pass ``workers=1`` from a threaded
    server, where forking is unsafe.
    """
    global _SHARED_INSTANCE
    started = time.perf_counter()
    parts = _components(instance)
    tasks = _tasks(parts)
    workers = _default_workers() if workers is None else max(1, workers)
    total_items = sum(len(n) + len(o) for n, o in parts)
    _SHARED_INSTANCE = instance
    try:
        if workers > 1 and len(tasks) > 1 and total_items >= _PARALLEL_MIN_ITEMS:
            # Fork shares the instance with the workers copy-on-write instead of pickling it.
            context = multiprocessing.get_context("fork")
            with context.Pool(min(workers, len(tasks))) as pool:
                nested = pool.map(_solve_task, tasks, chunksize=1)
        else:
            nested = [_solve_task(task) for task in tasks]
    finally:
        _SHARED_INSTANCE = None
    results = [result for task_results in nested for result in task_results]
    stats: dict[str, Any] = {
        "method": "exact",
        "candidate_pairs": sum(r.candidate_pairs for r in results),
        "components": len(parts),
        "max_pricing_rounds": max((r.rounds for r in results), default=0),
        "workers": workers if total_items >= _PARALLEL_MIN_ITEMS and len(tasks) > 1 else 1,
    }
    assignment = _ordered(instance, results, stats)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return assignment


def solve(instance: Instance, *, workers: int | None = None) -> dict[str, Any]:
    """Return the output object (spec format) of an assignment maximising the objective.

    The assignment is optimal over the full feasible graph, proved by dual prices (see the
    module docstring), and deterministic for a given instance.
    """
    return solve_assignment(instance, workers=workers).to_output()


# ---------------------------------------------------------------------------------------------
# Greedy baseline
# ---------------------------------------------------------------------------------------------

_GREEDY_NEIGHBOURS = 16


def greedy_assignment(instance: Instance) -> Assignment:
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
        k = min(_GREEDY_NEIGHBOURS, n_offers)
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


def greedy(instance: Instance) -> dict[str, Any]:
    """Return the greedy dispatcher's assignment in the output format (the baseline)."""
    return greedy_assignment(instance).to_output()
