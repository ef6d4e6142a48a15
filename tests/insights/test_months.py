"""Months count their own days: a post of the 1st counts in the month of the 1st on the dashboard, its
CSV, the impact page, the report and the API, even when its week began in the month before. The
migration that gives existing summary rows their month, the report's period picker, the chart right to
left and the wording of suppressed times."""

from __future__ import annotations

import csv
import datetime
import importlib
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from mutualaid.exchange.models import Post
from mutualaid.insights import figures, impact
from mutualaid.insights.models import ImpactPage, PostFigure
from mutualaid.insights.suppression import SHOWN, Cell

pytestmark = pytest.mark.django_db


def _edge_month() -> datetime.date:
    """A past month whose 1st is not a Monday (its first days are in a week that began the month
    before), with the month before it inside the impact page's twelve months."""
    this = impact.first_of_month(timezone.localdate())
    for n in range(1, 10):
        month = impact.add_months(this, -n)
        if month.weekday() != 0:
            return month
    raise AssertionError("no such month")


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _posts(group: Any, n: int, at: datetime.datetime, *, category: str = "food", **extra: Any) -> None:
    extra.setdefault("status", "open")
    Post.objects.bulk_create(
        [
            Post(
                group=group, kind="need", category=category, title="x", created_at=at, updated_at=at, **extra
            )
            for _ in range(n)
        ]
    )


def _refresh() -> None:
    figures.refresh(lag=datetime.timedelta(0))


def test_segments_split_a_week_at_the_first_of_a_month() -> None:
    monday = datetime.date(2026, 11, 30)
    assert figures.segments(monday) == [
        (datetime.date(2026, 11, 1), monday, datetime.date(2026, 12, 1)),
        (datetime.date(2026, 12, 1), datetime.date(2026, 12, 1), datetime.date(2026, 12, 7)),
    ]
    inside = datetime.date(2026, 12, 7)
    assert figures.segments(inside) == [(datetime.date(2026, 12, 1), inside, datetime.date(2026, 12, 14))]
    starts = datetime.date(2026, 6, 1)  # a Monday that is the 1st: one part
    assert figures.segments(starts) == [(starts, starts, datetime.date(2026, 6, 8))]


def test_a_post_of_the_first_counts_in_its_own_month_everywhere(
    client_for: Any, api_for: Any, crown: Any, ada: Any
) -> None:
    month = _edge_month()
    before = month - datetime.timedelta(days=1)
    _posts(crown, 12, _at(month, 0, 30))  # the 1st, just after midnight
    _posts(crown, 13, _at(before, 23, 30))  # the last day of the month before, same week
    _refresh()
    week = figures.week_of(_at(month, 0, 30))
    assert week < month  # the week began in the month before
    rows = dict(PostFigure.objects.filter(group=crown, week=week).values_list("month", "n"))
    assert rows == {before.replace(day=1): 13, month: 12}

    ImpactPage.objects.create(group=crown, public=True)
    needs = next(t for t in impact.public_tables(crown) if t.key == "needs")
    food = needs.row_labels.index("Food")
    column = needs.months.index(month)
    assert needs.rows[food][column] == Cell(SHOWN, 12)
    assert needs.rows[food][column - 1] == Cell(SHOWN, 13)
    page = client_for(None).get(reverse("insights_impact", args=["crown"])).content.decode()
    assert re.search(rf"{month:%Y-%m}</text><rect[^>]*/><text[^>]*>12<", page)  # the chart
    api = client_for(None).get(reverse("api:insights_impact", args=["crown"])).json()
    api_needs = next(t for t in api["tables"] if t["key"] == "needs")
    assert api_needs["rows"][food][api_needs["months"].index(f"{month:%Y-%m}")] == {
        "state": "shown",
        "value": 12,
    }

    query = {"start": f"{month:%Y-%m}", "end": f"{month:%Y-%m}"}
    report = client_for(None).get(reverse("insights_report", args=["crown"]), query)
    assert report.status_code == 200
    assert re.search(r"<dt>Needs made</dt><dd>12</dd>", report.content.decode())
    data = client_for(None).get(reverse("api:insights_impact_report", args=["crown"]), query).json()
    assert data["headline"][0]["cell"] == {"state": "shown", "value": 12}

    # The dashboard counts weeks: both days are in the week that began in the month before, whole.
    response = client_for(ada).get(
        reverse("insights_csv", kwargs={"slug": "crown", "table": "needs"}), {"weeks": 52}
    )
    table = list(csv.reader(io.StringIO(response.content.decode())))
    food_row = next(row for row in table if row[0] == "Food")
    assert food_row[table[0].index(week.isoformat())] == "25"
    body = api_for(ada).get("/api/v1/groups/crown/insights", {"weeks": 52}).json()
    weekly = next(t for t in body["tables"] if t["key"] == "needs")
    assert weekly["rows"][weekly["row_labels"].index("Food")][weekly["columns"].index(week.isoformat())] == {
        "state": "shown",
        "value": 25,
    }


def test_a_small_count_on_the_first_of_a_month_is_not_given_away_by_any_period(crown: Any) -> None:
    month = _edge_month()
    before = month - datetime.timedelta(days=1)
    _posts(crown, 3, _at(month, 9), category="health")  # the small count, on the 1st
    _posts(crown, 40, _at(before, 9), category="health")  # its week's other month
    _posts(crown, 25, _at(month + datetime.timedelta(days=9), 9))
    _posts(crown, 30, _at(before - datetime.timedelta(days=9), 9))
    # A smaller neighbour in the small count's row, further back: the rule hides it, not the 40.
    _posts(crown, 12, _at(impact.add_months(month, -5), 9), category="health")
    _refresh()
    months = [impact.add_months(month, n) for n in (-2, -1, 0, 1)]
    months = [m for m in months if m <= impact.first_of_month(timezone.localdate())]
    grid = impact.grid(crown)
    health = [value for value, _label in grid.categories].index("health")
    assert grid.tables["needs"].rows[health][grid.months.index(month)].state == "small"
    # The month before shows 40, not 43: the small count did not slide into it with its week.
    exact = impact.report(crown, impact.Period(months[1], months[1]))
    assert exact.rows[exact.categories.index("Health care")][0] == Cell(SHOWN, 40)
    for first in months:
        for last in months:
            if first > last:
                continue
            found = impact.report(crown, impact.Period(first, last))
            needs = dict(found.headline)["Needs made"]
            takes_in = first <= month <= last
            assert needs.shown != takes_in, (first, last, needs)
            if not needs.shown:
                assert needs.state in (impact.AT_LEAST, "hidden")
    # So every sum shown leaves that month out, and no difference of two shown sums gives it.


def test_the_period_picker_offers_24_months_and_refuses_what_it_does_not_serve(
    client_for: Any, api_for: Any, crown: Any, ada: Any
) -> None:
    ImpactPage.objects.create(group=crown, public=True)
    url = reverse("insights_report", args=["crown"])
    page = client_for(None).get(url)
    body = page.content.decode()
    this = impact.first_of_month(timezone.localdate())
    assert page.status_code == 200
    for picker in ("start", "end"):
        select = re.search(rf'<select id="{picker}" name="{picker}">(.*?)</select>', body, re.S)
        assert select is not None and select.group(1).count("<option") == impact.REPORT_MAX_MONTHS
    assert f'value="{impact.add_months(this, -23):%Y-%m}"' in body
    assert f'value="{impact.add_months(this, -24):%Y-%m}"' not in body
    assert "Needs made" in body  # the last twelve months by default

    older, newer = impact.add_months(this, -3), impact.add_months(this, -1)
    reversed_ = client_for(None).get(url, {"start": f"{newer:%Y-%m}", "end": f"{older:%Y-%m}"})
    text = reversed_.content.decode()
    assert reversed_.status_code == 400
    assert 'role="alert"' in text and "The first month comes after the last" in text
    assert "Needs made" not in text  # no figures for a period that is not served
    assert 'aria-invalid="true"' in text
    far = client_for(None).get(
        url, {"start": f"{impact.add_months(this, -30):%Y-%m}", "end": f"{this:%Y-%m}"}
    )
    assert far.status_code == 400 and "Choose a month from the list" in far.content.decode()
    half = client_for(None).get(url, {"start": f"{older:%Y-%m}"})
    assert half.status_code == 400

    api = reverse("api:insights_impact_report", args=["crown"])
    refused = client_for(None).get(api, {"start": f"{newer:%Y-%m}", "end": f"{older:%Y-%m}"})
    assert (
        refused.status_code == 422
        and "first month comes after the last" in refused.json()["errors"]["__all__"][0]
    )
    assert client_for(None).get(api, {"start": "2001-01", "end": f"{this:%Y-%m}"}).status_code == 422
    fine = client_for(None).get(api, {"start": f"{older:%Y-%m}", "end": f"{newer:%Y-%m}"}).json()
    assert (fine["first_month"], fine["last_month"]) == (f"{older:%Y-%m}", f"{newer:%Y-%m}")


def _boxes(svg: str) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    labels = [
        (int(x), anchor)
        for x, anchor in re.findall(r'<text x="(-?\d+)" y="\d+" text-anchor="(\w+)">\d{4}-\d\d<', svg)
    ]
    bars = [(int(x), int(w)) for x, w in re.findall(r'<rect x="(-?\d+)" y="\d+" width="(\d+)"', svg)]
    return labels, bars


def test_the_chart_is_mirrored_right_to_left_with_months_clear_of_the_bars(crown: Any) -> None:
    _posts(crown, 30, _at(_edge_month(), 9))
    _refresh()
    table = next(t for t in impact.public_tables(crown) if t.key == "needs")
    with translation.override("ar"):
        svg = str(impact.chart(table))
    assert 'direction="ltr"' in svg  # the page's rtl cannot turn the anchors around
    labels, bars = _boxes(svg)
    assert len(labels) == len(bars) == 12
    edge = impact.WIDTH - impact.LABEL
    assert all(x >= edge and anchor == "start" for x, anchor in labels)  # months right of every bar
    assert all(x + width <= edge for x, width in bars) and any(width > 1 for _x, width in bars)
    ltr_labels, ltr_bars = _boxes(str(impact.chart(table, rtl=False)))
    assert all(x <= impact.LABEL and anchor == "end" for x, anchor in ltr_labels)
    assert all(x >= impact.LABEL for x, _width in ltr_bars)


def test_a_suppressed_time_is_worded_by_the_needs_it_counts(client_for: Any, crown: Any) -> None:
    ImpactPage.objects.create(group=crown, public=True)
    month = _edge_month()
    at = _at(month, 9)
    _posts(crown, 4, at, status="fulfilled", closed_at=at + datetime.timedelta(hours=5))
    _refresh()
    body = (
        client_for(None)
        .get(reverse("insights_report", args=["crown"]), {"start": f"{month:%Y-%m}", "end": f"{month:%Y-%m}"})
        .content.decode()
    )
    assert "Hours to fulfilment: median</th><td>not shown (fewer than 11 needs)</td>" in body


MIGRATION = importlib.import_module("mutualaid.insights.migrations.0005_rebuild_figures_by_month")


def _migrate(target: str) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("insights", target)])
    return executor.loader.project_state(("insights", target)).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_old_weekly_rows_their_months_and_carries_on_when_interrupted(
    crown: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    crossing = datetime.date(2026, 9, 28)  # Monday 28 September to Sunday 4 October
    inside = datetime.date(2026, 10, 12)
    _posts(crown, 5, _at(datetime.date(2026, 9, 30), 9))
    _posts(crown, 7, _at(datetime.date(2026, 10, 2), 9))
    _posts(crown, 6, _at(inside, 9))
    apps = _migrate("0004_figures_by_month")
    old = apps.get_model("insights", "PostFigure")
    common = {"group_id": crown.pk, "kind": "need", "category": "food", "area": "", "channel": "web"}
    old.objects.bulk_create(
        [
            # As the weekly refresh counted them: the whole crossing week under its Monday, and two
            # posts of September since purged by retention (counted, no longer in the database).
            old(week=crossing, month=None, status="open", n=14, **common),
            old(week=inside, month=None, status="open", n=6, **common),
            old(week=datetime.date(2026, 10, 19), month=None, status="open", n=9, **common),  # all purged
        ]
    )
    calls = {"n": 0}
    rebuild_week = figures.rebuild_week

    def interrupted(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        rebuild_week(*args)

    monkeypatch.setattr(figures, "rebuild_week", interrupted)
    with pytest.raises(RuntimeError):
        MIGRATION.rebuild(apps, None)
    assert old.objects.filter(month=None).count() == 2  # the first week is done, in its own transaction
    monkeypatch.setattr(figures, "rebuild_week", rebuild_week)
    MIGRATION.rebuild(apps, None)  # run again: carries on from the weeks still without a month
    _migrate("0007_duration_covering_indexes")
    found = sorted(PostFigure.objects.filter(group=crown).values_list("week", "month", "n"))
    assert found == [
        (crossing, datetime.date(2026, 9, 1), 7),  # 5 still there + the 2 purged, in the Monday's month
        (crossing, datetime.date(2026, 10, 1), 7),
        (inside, datetime.date(2026, 10, 1), 6),
        (datetime.date(2026, 10, 19), datetime.date(2026, 10, 1), 9),  # kept as it was: nothing recounted
    ]
