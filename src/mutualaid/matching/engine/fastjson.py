"""The fast JSON reader: an instance decoded item by item straight into compact arrays."""

from __future__ import annotations

import json

import numpy as np
import orjson

from .instance import Instance, InvalidInstance, _clamp_amounts, _parse_params, _SideBuilder
from .tuning import DEFAULT_TUNING, Tuning

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


# orjson turns integers beyond 64 bits into floats where json keeps them as ints; chunks with
# such long digit runs are decoded by json, so every item reaches validation as json gives it.
def _has_long_digits(chunk: str) -> bool:
    """Whether ``chunk`` holds a run of 19 ASCII digits (JSON numbers are ASCII).

    Vectorised: a regular expression search for the run took longer than decoding the chunk
    (it tries every digit as a start), about 1 s of a 200,000 x 200,000 instance's parse."""
    raw = np.frombuffer(chunk.encode("utf-8", "surrogatepass"), np.uint8)
    run = (raw - np.uint8(48)) < np.uint8(10)
    # ``run[k]``: 2, 4, 8, 16 digits start at k, then 16 at k and at k + 3, so 19.
    for step in (1, 2, 4, 8, 3):
        run = run[:-step] & run[step:]
    return bool(run.any())


def _fast_items(text: str, pos: int, builder: _SideBuilder, chunk_chars: int) -> tuple[int, int]:
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
        cut = text.find("},", pos + chunk_chars)
        if cut < 0:
            return pos, index
        chunk = "[" + text[pos : cut + 1] + "]"
        try:
            if _has_long_digits(chunk):
                raise ValueError("decode with json")
            items = orjson.loads(chunk)
        except ValueError:  # orjson.JSONDecodeError is a ValueError
            try:
                items = json.loads(chunk)
            except (ValueError, RecursionError):
                return pos, index
        if builder.add_many(index, items):
            index += len(items)
        else:  # something unusual in the chunk: item by item, which reports the first bad item
            for item in items:
                builder.add(index, item)
                index += 1
        pos = cut + 2
        while pos < end and text[pos] in _WHITESPACE:
            pos += 1


def load_instance(text: str, *, tuning: Tuning = DEFAULT_TUNING) -> Instance:
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
                    pos, index = _fast_items(text, pos, builder, tuning.chunk_chars)
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
