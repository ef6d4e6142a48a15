"""Reading and validating a routing instance (``docs/routing-instance.md``); no Django.

Every check names the offending item, so ``mutualaid route`` can exit 2 with a message a person can
act on. Times become integer seconds from the instance's own origin (see :func:`time_origin`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

DEFAULT_SPEED_KMH = 25.0
DEFAULT_CIRCUITY = 1.3
DEFAULT_TIME_LIMIT_S = 10.0
DEFAULT_SEED = 1
# Larger integers are not exact in every JSON reader, and they would overflow the solver's sums.
_MAX_INT = 2**40
# Dates a delivery can have; beyond them arithmetic on the time origin could leave Python's range.
_FIRST_YEAR, _LAST_YEAR = 1900, 9000


class InvalidInstance(ValueError):
    """The instance breaks the format; the message names the offending item."""


@dataclass(frozen=True)
class Params:
    speed_kmh: float = DEFAULT_SPEED_KMH
    circuity: float = DEFAULT_CIRCUITY
    time_limit_s: float = DEFAULT_TIME_LIMIT_S
    seed: int = DEFAULT_SEED


@dataclass(frozen=True)
class Depot:
    id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Vehicle:
    id: str
    depot: str
    end_depot: str
    capacity: int
    shift: tuple[datetime, datetime] | None = None
    max_duration_s: int | None = None


@dataclass(frozen=True)
class Stop:
    id: str
    lat: float
    lon: float
    demand: int = 1
    service_s: int = 0
    window: tuple[datetime, datetime] | None = None
    # Extensions (docs/deliveries.md; outside tools ignore them, as the format ignores unknown
    # fields): the stop may only be served by this vehicle (a coordinator's lock or move); goods
    # loaded here and carried to the route's end depot (a pickup from an offer); the longest the
    # leg reaching this stop may take (hot meals).
    vehicle: str | None = None
    pickup: int = 0
    max_leg_s: int | None = None
    # Extension: the goods picked up here are unloaded at this stop (same route, pickup first)
    # instead of being carried to the end depot.
    deliver_to: str | None = None


@dataclass(frozen=True)
class Instance:
    params: Params
    depots: tuple[Depot, ...]
    vehicles: tuple[Vehicle, ...]
    stops: tuple[Stop, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def depot_index(self) -> dict[str, int]:
        return {depot.id: k for k, depot in enumerate(self.depots)}


def load_instance(text: str | bytes) -> Instance:
    """Parse JSON text into a validated :class:`Instance` (raises :class:`InvalidInstance`)."""
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise InvalidInstance(f"not valid JSON: {error}") from None
    return parse_instance(raw)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_instance(raw: Any) -> Instance:
    """Validate an already-decoded JSON object (the server builds these directly)."""
    if not isinstance(raw, dict):
        raise InvalidInstance("the instance must be a JSON object")
    params = _params(raw.get("params"))
    depots = tuple(_depot(item, k) for k, item in enumerate(_list(raw, "depots")))
    _unique("depot", [d.id for d in depots])
    depot_ids = {d.id for d in depots}
    vehicles = tuple(_vehicle(item, k, depot_ids) for k, item in enumerate(_list(raw, "vehicles")))
    _unique("vehicle", [v.id for v in vehicles])
    vehicle_ids = {v.id for v in vehicles}
    stops = tuple(_stop(item, k, vehicle_ids) for k, item in enumerate(_list(raw, "stops")))
    _unique("stop", [s.id for s in stops])
    _pairs(stops)
    return Instance(params=params, depots=depots, vehicles=vehicles, stops=stops)


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    if key not in raw:
        raise InvalidInstance(f"{key}: missing (an empty list is allowed)")
    value = raw[key]
    if not isinstance(value, list):
        raise InvalidInstance(f"{key}: must be a list")
    return value


def _unique(kind: str, ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise InvalidInstance(f"{kind} {ident!r}: duplicate id")
        seen.add(ident)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInstance(f"{where}: must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidInstance(f"{where}: must be a finite number")
    return number


def _integer(value: Any, where: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInstance(f"{where}: must be an integer")
    if abs(value) > _MAX_INT:
        raise InvalidInstance(f"{where}: too large")
    return value


def _params(raw: Any) -> Params:
    if raw is None:
        return Params()
    if not isinstance(raw, dict):
        raise InvalidInstance("params: must be an object")
    speed = _number(raw.get("speed_kmh", DEFAULT_SPEED_KMH), "params.speed_kmh")
    circuity = _number(raw.get("circuity", DEFAULT_CIRCUITY), "params.circuity")
    limit = _number(raw.get("time_limit_s", DEFAULT_TIME_LIMIT_S), "params.time_limit_s")
    seed = _integer(raw.get("seed", DEFAULT_SEED), "params.seed")
    if speed <= 0:
        raise InvalidInstance("params.speed_kmh: must be positive")
    if circuity <= 0:
        raise InvalidInstance("params.circuity: must be positive")
    if limit <= 0:
        raise InvalidInstance("params.time_limit_s: must be positive")
    return Params(speed_kmh=speed, circuity=circuity, time_limit_s=limit, seed=seed % 2**31)


def _ident(item: Any, kind: str, index: int) -> str:
    if not isinstance(item, dict):
        raise InvalidInstance(f"{kind} #{index + 1}: must be an object")
    ident = item.get("id")
    if not isinstance(ident, str) or not ident:
        raise InvalidInstance(f"{kind} #{index + 1}: missing or non-string id")
    return ident


def _coordinates(item: dict[str, Any], where: str) -> tuple[float, float]:
    if "lat" not in item or "lon" not in item:
        raise InvalidInstance(f"{where}: missing lat/lon")
    lat = _number(item["lat"], f"{where}.lat")
    lon = _number(item["lon"], f"{where}.lon")
    if not -90.0 <= lat <= 90.0:
        raise InvalidInstance(f"{where}.lat: must be between -90 and 90")
    if not -180.0 <= lon <= 180.0:
        raise InvalidInstance(f"{where}.lon: must be between -180 and 180")
    return lat, lon


def _depot(item: Any, index: int) -> Depot:
    ident = _ident(item, "depot", index)
    lat, lon = _coordinates(item, f"depot {ident!r}")
    return Depot(id=ident, lat=lat, lon=lon)


def parse_time(value: Any, where: str) -> datetime:
    """An ISO 8601 date-time with a zone (``Z`` or an offset), as an aware UTC datetime."""
    if not isinstance(value, str):
        raise InvalidInstance(f"{where}: must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInstance(f"{where}: {value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInstance(f"{where}: {value!r} has no time zone")
    if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
        raise InvalidInstance(f"{where}: {value!r} is outside the years {_FIRST_YEAR}-{_LAST_YEAR}")
    return moment.astimezone(UTC)


def _interval(raw: Any, where: str) -> tuple[datetime, datetime] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise InvalidInstance(f"{where}: must be [start, end]")
    start = parse_time(raw[0], f"{where} start")
    end = parse_time(raw[1], f"{where} end")
    if end < start:
        raise InvalidInstance(f"{where}: ends before it starts")
    return start, end


def _minutes(raw: Any, where: str, *, up: bool) -> int:
    """Whole seconds: rounded up for a service time, down for a limit (a plan never breaks either)."""
    minutes = _number(raw, where)
    if minutes < 0:
        raise InvalidInstance(f"{where}: must not be negative")
    if minutes > _MAX_INT / 60:
        raise InvalidInstance(f"{where}: too large")
    seconds = 60 * minutes
    return math.ceil(seconds - 1e-9) if up else math.floor(seconds + 1e-9)


def _vehicle(item: Any, index: int, depot_ids: set[str]) -> Vehicle:
    ident = _ident(item, "vehicle", index)
    where = f"vehicle {ident!r}"
    depot = item.get("depot")
    if not isinstance(depot, str) or depot not in depot_ids:
        raise InvalidInstance(f"{where}: unknown depot {depot!r}")
    end_depot = item.get("end_depot", depot)
    if end_depot is None:
        end_depot = depot
    if not isinstance(end_depot, str) or end_depot not in depot_ids:
        raise InvalidInstance(f"{where}: unknown end_depot {end_depot!r}")
    if "capacity" not in item:
        raise InvalidInstance(f"{where}: missing capacity")
    capacity = _integer(item["capacity"], f"{where}.capacity")
    if capacity <= 0:
        raise InvalidInstance(f"{where}.capacity: must be a positive integer")
    shift = _interval(item.get("shift"), f"{where}.shift")
    max_duration = item.get("max_duration_min")
    return Vehicle(
        id=ident,
        depot=depot,
        end_depot=end_depot,
        capacity=capacity,
        shift=shift,
        max_duration_s=None
        if max_duration is None
        else _minutes(max_duration, f"{where}.max_duration_min", up=False),
    )


def _stop(item: Any, index: int, vehicle_ids: set[str]) -> Stop:
    ident = _ident(item, "stop", index)
    where = f"stop {ident!r}"
    lat, lon = _coordinates(item, where)
    demand = _integer(item.get("demand", 1), f"{where}.demand")
    if demand < 0:
        raise InvalidInstance(f"{where}.demand: must not be negative")
    service = _minutes(item.get("service_min", 0), f"{where}.service_min", up=True)
    window = _interval(item.get("window"), f"{where}.window")
    locked = item.get("vehicle")
    if locked is not None and (not isinstance(locked, str) or locked not in vehicle_ids):
        raise InvalidInstance(f"{where}: unknown vehicle {locked!r}")
    pickup = _integer(item.get("pickup", 0), f"{where}.pickup")
    if pickup < 0:
        raise InvalidInstance(f"{where}.pickup: must not be negative")
    max_leg = item.get("max_leg_min")
    deliver_to = item.get("deliver_to")
    if deliver_to is not None and (not isinstance(deliver_to, str) or not deliver_to):
        raise InvalidInstance(f"{where}.deliver_to: must be a stop id")
    return Stop(
        id=ident,
        lat=lat,
        lon=lon,
        demand=demand,
        service_s=service,
        window=window,
        vehicle=locked,
        pickup=pickup,
        max_leg_s=None if max_leg is None else _minutes(max_leg, f"{where}.max_leg_min", up=False),
        deliver_to=deliver_to,
    )


def _pairs(stops: Sequence[Stop]) -> None:
    """A pickup delivered to a named stop: both exist, the pickup carries goods, the target takes only them."""
    by_id = {s.id: s for s in stops}
    targeted: dict[str, str] = {}
    for stop in stops:
        if stop.deliver_to is None:
            continue
        where = f"stop {stop.id!r}"
        target = by_id.get(stop.deliver_to)
        if target is None:
            raise InvalidInstance(f"{where}.deliver_to: unknown stop {stop.deliver_to!r}")
        if target.id == stop.id:
            raise InvalidInstance(f"{where}.deliver_to: a stop cannot deliver to itself")
        if stop.pickup < 1 or stop.demand:
            raise InvalidInstance(
                f"{where}: a stop with deliver_to picks up (pickup >= 1) and delivers nothing (demand 0)"
            )
        if target.deliver_to is not None or target.pickup or target.demand:
            raise InvalidInstance(
                f"stop {target.id!r}: the target of a deliver_to takes only the pickup's goods "
                "(demand 0, no pickup, no deliver_to of its own)"
            )
        if target.id in targeted:
            raise InvalidInstance(
                f"stop {target.id!r}: the target of two pickups ({targeted[target.id]!r}, {stop.id!r})"
            )
        targeted[target.id] = stop.id


def time_origin(instance: Instance, longest_leg_s: int) -> datetime:
    """Time zero of the solve: early enough that a route without a shift can reach any window.

    The earliest shift start or window start, less the longest depot-to-stop leg (a route without
    a shift leaves whenever the earliest window needs it). With no date anywhere the origin is the
    Unix epoch, and ``starts`` count from it.
    """
    moments = [v.shift[0] for v in instance.vehicles if v.shift is not None]
    moments += [s.window[0] for s in instance.stops if s.window is not None]
    if not moments:
        return datetime(1970, 1, 1, tzinfo=UTC)
    earliest = min(moments)
    whole = math.floor(earliest.timestamp()) - longest_leg_s
    return datetime.fromtimestamp(whole, tz=UTC)


def seconds_after(origin: datetime, moment: datetime, *, up: bool) -> int:
    """Whole seconds from ``origin`` to ``moment``: rounded up for a start, down for an end."""
    delta = (moment - origin).total_seconds()
    return math.ceil(delta - 1e-9) if up else math.floor(delta + 1e-9)


def iso(origin: datetime, seconds: int) -> str:
    return (origin + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
