"""The instance: parameters, both sides as compact arrays, parsing and validation of decoded JSON."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import compress
from operator import is_, is_not, itemgetter, methodcaller
from typing import Any, cast

import numpy as np
import numpy.typing as npt

DEFAULT_URGENCY_FACTOR: dict[str, float] = {"flexible": 1.0, "week": 2.0, "today": 4.0}

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
# Indices into one side of a component: 32-bit when the sizes allow (memory: most arrays of a
# solve hold one entry per candidate pair), else 64-bit (see _index_type).
IndexArray = npt.NDArray[np.signedinteger[Any]]

# Quantities and capacities are exact integers up to 2**53 (the largest every JSON reader keeps
# exact). Sums stay in 64 bits because each amount is clamped to its category's opposite total
# and the totals times the largest score are checked (see _clamp_amounts).
_MAX_AMOUNT = 2**53
# Largest ``1000 * P(i)``: scores times the node count must stay inside OR-Tools' 64-bit cost
# range (it scales costs by the number of nodes), with room for two million nodes.
_MAX_SCORE = 2**40
_INT64_ROOM = 2**62


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

    def add_many(self, start: int, items: list[object]) -> bool:
        """Add ``items`` (numbered from ``start``) at once, as :meth:`add` would one by one.

        Checks whole columns at a time (fields read with C-level ``map``, values checked with
        numpy) instead of item by item. Anything unusual (a bad value, an integer where a float
        is usual, a float quantity, an unknown window bound) makes it return ``False`` having
        changed nothing; the caller then adds the items one by one with :meth:`add`, which gives
        the same arrays or raises the same error for the first bad item.
        """
        count = len(items)
        if not count:
            return True
        if set(map(type, items)) != {dict}:
            return False

        def column(key: str) -> list[object]:
            return list(map(methodcaller("get", key), items))

        found_ids = column("id")
        if set(map(type, found_ids)) != {str} or not all(found_ids) or len(set(found_ids)) != count:
            return False
        ids = cast("list[str]", found_ids)
        if not self.seen.keys().isdisjoint(ids):
            return False
        found_names = column("category")
        if set(map(type, found_names)) != {str} or not all(found_names):
            return False
        names = cast("list[str]", found_names)
        lat = _float_column(column("lat"), -90.0, 90.0)
        lon = _float_column(column("lon"), -180.0, 180.0)
        amount = _amount_column(column("quantity" if self.kind == "needs" else "capacity"))
        if lat is None or lon is None or amount is None:
            return False
        urgency = np.zeros(count, np.int64)
        new_urgencies: dict[str, tuple[int, int, str]] = {}
        waiting: FloatArray | None = np.zeros(count)
        own_reach: FloatArray | None = np.full(count, math.inf)
        if self.kind == "needs":
            found_urgency = ["flexible" if name is None else name for name in column("urgency")]
            if set(map(type, found_urgency)) != {str}:
                return False
            names_of_urgency = cast("list[str]", found_urgency)
            code_of = {name: known[0] for name, known in self.urgencies.items()}
            codes = list(map(code_of.get, names_of_urgency))
            if None in codes:  # a name first seen here: numbered in order of first use
                for k, name in enumerate(names_of_urgency):
                    if name not in code_of:
                        code_of[name] = len(code_of)
                        new_urgencies[name] = (code_of[name], start + k, ids[k])
                codes = list(map(code_of.get, names_of_urgency))
            urgency = np.array(codes, np.int64)
            waiting = _float_column(column("waiting_days"), 0.0, math.inf, default=0.0)
        else:
            own_reach = _float_column(column("max_km"), 0.0, math.inf, default=math.inf)
        if waiting is None or own_reach is None:
            return False
        has_window = np.zeros(count, np.int8)
        win_start = np.zeros(count, np.int64)
        win_end = np.zeros(count, np.int64)
        windows = column("window")
        if set(map(type, windows)) != {type(None)}:
            present = np.fromiter(map(partial(is_not, None), windows), bool, count)
            listed: list[list[object]] = list(compress(windows, present))  # type: ignore[arg-type]
            if set(map(type, listed)) != {list} or set(map(len, listed)) != {2}:
                return False
            bounds = [self._instants(list(map(itemgetter(k), listed))) for k in (0, 1)]
            if bounds[0] is None or bounds[1] is None or bool((bounds[1] < bounds[0]).any()):
                return False
            has_window[present] = 1
            win_start[present] = bounds[0]
            win_end[present] = bounds[1]

        # Everything is valid: commit.
        self.urgencies.update(new_urgencies)
        self.seen.update(zip(ids, range(start, start + count), strict=True))
        self.ids.extend(ids)
        categories = self.categories
        category = list(map(categories.get, names))
        if None in category:  # a category first seen here: numbered in order of first use
            category = [categories.setdefault(name, len(categories)) for name in names]
        self.category.extend(category)  # type: ignore[arg-type]
        for target, values in (
            (self.lat, lat),
            (self.lon, lon),
            (self.amount, amount),
            (self.own_reach, own_reach),
            (self.has_window, has_window),
            (self.win_start, win_start),
            (self.win_end, win_end),
            (self.urgency, urgency),
            (self.waiting, waiting),
        ):
            target.frombytes(values.tobytes())
        return True

    def _instants(self, texts: list[object]) -> IntArray | None:
        """:meth:`_instant` of each text, or ``None`` if one is not a valid bound (:meth:`add`
        then reports it)."""
        if set(map(type, texts)) != {str}:
            return None
        strings = cast("list[str]", texts)
        cache = self._time_cache
        found = list(map(cache.get, strings))
        if None in found:
            for text in set(compress(strings, map(partial(is_, None), found))):
                try:
                    self._instant(0, "", text)  # caches it
                except InvalidInstance:
                    return None
            found = list(map(cache.get, strings))
        return np.array(found, np.int64)

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


def _float_column(
    values: list[object], low: float, high: float, default: float | None = None
) -> FloatArray | None:
    """``values`` as floats when each is a finite float or ``int`` with ``low <= value <= high``
    (or ``None``, standing for ``default``, when one is given); otherwise ``None``."""
    kinds = set(map(type, values))
    missing = None
    if default is not None and type(None) in kinds:
        missing = np.fromiter((value is None for value in values), bool, len(values))
        values = [low if value is None else value for value in values]
        kinds.discard(type(None))
    if not kinds <= {float, int}:
        return None
    try:
        column = np.array(values, dtype=np.float64)
    except OverflowError:
        return None
    if not bool(np.all(np.isfinite(column) & (column >= low) & (column <= high))):
        return None
    if missing is not None:
        column[missing] = default
    return column


def _amount_column(values: list[object]) -> IntArray | None:
    """Quantities or capacities as integers when each is an ``int`` in ``1..2**53`` or ``None``
    (meaning 1); otherwise ``None``."""
    kinds = set(map(type, values))
    if type(None) in kinds:
        values = [1 if value is None else value for value in values]
        kinds.discard(type(None))
    if kinds != {int}:
        return None
    try:
        column = np.array(values, dtype=np.int64)
    except OverflowError:
        return None
    if not bool(np.all((column > 0) & (column <= _MAX_AMOUNT))):
        return None
    return column


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


def _index_type(count: int) -> type[np.signedinteger[Any]]:
    """The integer type for indices below ``count``: 32-bit when they fit (memory), else 64-bit
    (a little room is left for ``count + 1`` positions)."""
    return np.int32 if count < 2**31 - 1 else np.int64


def _dot(a: IntArray, b: IntArray) -> int:
    """``sum(a * b)`` exactly: in numpy when it provably fits in 64 bits, else in Python ints."""
    if not len(a):
        return 0
    # The largest magnitudes without an array of them (memory).
    bound = float(max(-int(a.min()), int(a.max()))) * float(max(-int(b.min()), int(b.max()))) * len(a)
    if bound < _INT64_ROOM:
        return int(np.dot(a, b))  # integer dot: exact here, and no product array (memory)
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
