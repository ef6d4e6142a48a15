"""THREATS.md property 22 for dates and times: every date or time field a member types, at the extremes
ISO allows (years 1 and 9999, offsets of ±14 hours), is either stored or refused with a clear error;
never a server error, never a value later arithmetic fails on."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualaid.core.dates import EARLIEST, LATEST, in_range
from mutualaid.exchange.models import Post
from mutualaid.funds.models import Pledge

EXTREME_TIMES = [
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-14:00",
    "2200-12-31T23:59:59-14:00",
    "1899-12-31T23:59:59+00:00",
]
EXTREME_DAYS = ["9999-12-31", "0001-01-01", "2201-01-01", "1899-12-31"]


def _send(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("moment", EXTREME_TIMES)
@pytest.mark.parametrize("field", ["window_start", "window_end"])
def test_post_windows_at_the_extremes(api_for: Any, ben: Any, crown: Any, field: str, moment: str) -> None:
    body = {"kind": "need", "category": "food", "title": "Rice", field: moment}
    answer = _send(api_for(ben), f"/api/v1/groups/{crown.slug}/posts", body)
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["errors"]
    assert not Post.objects.exists()


@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_pledge_due_days_at_the_extremes(api_for: Any, ada: Any, crown: Any, day: str) -> None:
    from mutualaid.funds.services import fund_create

    fund = fund_create(group=crown, name="Rent Relief", kind="rent", currency="USD", visibility="members")
    body = {"amount": 20_00, "currency": "USD", "interval": "monthly", "next_due": day}
    answer = _send(api_for(ada), f"/api/v1/groups/{crown.slug}/funds/{fund.pk}/pledges", body)
    assert answer.status_code == 422, answer.content
    assert "next_due" in answer.json()["errors"]
    assert not Pledge.objects.exists()


def test_the_edges_of_the_range_are_accepted() -> None:
    utc = datetime.UTC
    assert in_range(EARLIEST) and in_range(LATEST)
    assert in_range(datetime.datetime(2200, 12, 31, 12, tzinfo=utc))
    assert not in_range(
        datetime.datetime(9999, 12, 31, 23, 59, tzinfo=datetime.timezone(-datetime.timedelta(hours=14)))
    )


@given(st.datetimes(timezones=st.timezones()) | st.dates())
def test_in_range_never_raises(value: datetime.date) -> None:
    assert in_range(value) in (True, False)
