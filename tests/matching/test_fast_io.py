"""The chunked orjson parser and the batched writer give exactly what the plain paths give."""

from __future__ import annotations

import io
import json
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.matching import engine
from mutualaid.matching.engine import InvalidInstance, load_instance, parse_instance
from mutualaid.matching.engine import instance as instance_module

from .strategies import instances

pytestmark = pytest.mark.pure  # the engine imports nothing from Django: no database here

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same_instance(a: engine.Instance, b: engine.Instance) -> None:
    assert a.params == b.params
    assert a.categories == b.categories
    for side_a, side_b in ((a.needs, b.needs), (a.offers, b.offers)):
        assert side_a.ids == side_b.ids
        for name in (
            "category",
            "lat",
            "lon",
            "amount",
            "reach_km",
            "has_window",
            "win_start",
            "win_end",
            "priority",
        ):
            assert np.array_equal(getattr(side_a, name), getattr(side_b, name)), name


def load_with_chunks(text: str, chunk: int) -> engine.Instance:
    return load_instance(text, tuning=engine.Tuning(chunk_chars=chunk))


# Tricky text around cut points: ids containing the cut marker, nested unknown fields.
_TRICKY_ID = st.sampled_from(["a},b", 'x"},{"id":"y', "\\u00e9}, ", "plain", "q}},"])


@SETTINGS
@given(instances(max_needs=12, max_offers=12), st.integers(0, 400), st.data())
def test_chunked_parse_equals_plain_parse(obj: dict[str, Any], chunk: int, data: st.DataObject) -> None:
    for side in ("needs", "offers"):
        for k, item in enumerate(obj[side]):
            if data.draw(st.booleans()):
                item["id"] = data.draw(_TRICKY_ID) + str(k)
            if data.draw(st.booleans()):
                item["extra"] = {"nested": [{"a": "},"}, {"b": 1}], "s": "},{"}
    text = json.dumps(obj, indent=data.draw(st.sampled_from([None, 1])))
    fast = load_with_chunks(text, chunk)
    same_instance(fast, parse_instance(json.loads(text)))


BAD_ITEMS = [
    ({"lat": float("nan")}, 'needs[7] (id "n7"): lat must be a number between -90 and 90'),
    ({"lon": 1e400}, 'needs[7] (id "n7"): lon must be a number between -180 and 180'),
    ({"quantity": 2**70}, 'needs[7] (id "n7"): quantity must be at most 2**53'),
    ({"quantity": 0}, 'needs[7] (id "n7"): quantity must be a positive integer'),
    ({"waiting_days": float("inf")}, 'needs[7] (id "n7"): waiting_days must be a non-negative number'),
    ({"id": "n0"}, 'needs[7] (id "n0"): duplicate id (also needs[0])'),
]


@pytest.mark.parametrize(("change", "message"), BAD_ITEMS)
@pytest.mark.parametrize("chunk", [0, 40, 1 << 16])
def test_errors_are_the_same_through_the_fast_path(change: dict[str, Any], message: str, chunk: int) -> None:
    needs = [
        {"id": f"n{i}", "category": "food", "lat": 40.0, "lon": -74.0, "waiting_days": 1.5} for i in range(12)
    ]
    needs[7].update(change)
    text = json.dumps({"needs": needs, "offers": []})  # NaN/Infinity as json writes them
    with pytest.raises(InvalidInstance) as error:
        load_with_chunks(text, chunk)
    assert str(error.value) == message


def test_cut_past_the_end_of_the_array_falls_back() -> None:
    need = {"id": "n", "category": "food", "lat": 40.0, "lon": -74.0}
    offer = {"id": "o", "category": "food", "lat": 40.0, "lon": -74.0}
    text = json.dumps({"needs": [need], "offers": [offer], "extra": [{"a": 1}, {"b": 2}]})
    instance = load_with_chunks(text, 0)
    assert instance.needs.ids == ["n"] and instance.offers.ids == ["o"]


@SETTINGS
@given(instances(max_needs=10, max_offers=10))
def test_write_json_equals_json_dumps_of_the_output(obj: dict[str, Any]) -> None:
    obj["needs"] = [{**n, "id": n["id"] + '"\\é\u2028'} for n in obj["needs"]]
    assignment = engine.solve_assignment(parse_instance(obj))
    stream = io.StringIO()
    assignment.write_json(stream)
    assert json.loads(stream.getvalue()) == assignment.to_output()
    rows = [json.dumps(r) for r in assignment.to_output()["assignments"]]
    expected_head = (
        '{"assignments": ['
        + "".join(("\n  " if k == 0 else ",\n  ") + r for k, r in enumerate(rows))
        + "\n],\n"
    )
    assert stream.getvalue().startswith(expected_head)


# Values the column-at-once path must treat exactly as the item-by-item one: accepted odd kinds
# (ints, nulls), rejected ones (bools, strings, NaN, out of range) and new names mid-array.
_ODD_VALUES: dict[str, list[Any]] = {
    "id": ["", 7, None, "n0", "x"],
    "category": ["", None, 3, "new-category"],
    "lat": [45, True, "40.0", None, float("nan"), 90.0, -90.5, 10**30],
    "lon": [-74, 180.0, 180.5, float("inf"), False],
    "quantity": [None, 2.0, 2.5, 0, -1, True, 2**53, 2**53 + 1, 10**30],
    "capacity": [None, 3.0, 0, 2**60],
    "urgency": [None, "someday", 4, "today"],
    "waiting_days": [None, 3, -0.5, float("inf"), True],
    "max_km": [None, 0, 2, -1.0, float("nan"), "5"],
    "window": [
        None,
        [],
        ["2026-11-25T10:00:00+00:00"],
        ["2026-11-25T10:00:00+00:00", "2026-11-25T09:00:00+00:00"],
        ["2026-11-25T10:00:00", "2026-11-25T12:00:00+00:00"],
        ["2026-11-25T10:00:00+02:00", "2026-11-25T12:00:00Z"],
        ["not a date", "2026-11-25T12:00:00+00:00"],
        [1, 2],
        "2026-11-25",
    ],
}


def _outcome(load: Any) -> tuple[str, engine.Instance | None]:
    try:
        return "", load()
    except InvalidInstance as error:
        return str(error), None


@SETTINGS
@given(instances(max_needs=10, max_offers=10), st.data())
def test_columns_at_once_equal_items_one_by_one(obj: dict[str, Any], data: st.DataObject) -> None:
    for side in ("needs", "offers"):
        for item in obj[side]:
            for key, values in _ODD_VALUES.items():
                if data.draw(st.integers(0, 30)) == 0:
                    item[key] = data.draw(st.sampled_from(values))
            if data.draw(st.integers(0, 40)) == 0:
                obj[side][obj[side].index(item)] = data.draw(st.sampled_from([[], "item", 3]))
    text = json.dumps(obj)
    # A chunk size of a few hundred characters puts several items (odd or not) in each chunk.
    chunk = data.draw(st.sampled_from([100, 400, 1 << 16]))
    fast_error, fast = _outcome(lambda: load_with_chunks(text, chunk))
    with mock.patch.object(instance_module._SideBuilder, "add_many", return_value=False):
        plain_error, plain = _outcome(lambda: load_with_chunks(text, chunk))
    assert fast_error == plain_error
    if fast is not None and plain is not None:
        same_instance(fast, plain)
