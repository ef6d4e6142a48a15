"""The coordinator dashboard, its CSV files and the API: summary figures, small counts suppressed the
same way everywhere, coordinators only, and a number of queries that does not grow with the posts."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mutualaid.exchange.models import Claim, Contact, Post
from mutualaid.insights import figures, selectors
from mutualaid.insights.suppression import HIDDEN, SHOWN, SMALL

pytestmark = pytest.mark.django_db


def _monday() -> datetime.datetime:
    now = timezone.localtime()
    return (now - datetime.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def _posts(
    group: Any, n: int, *, category: str = "food", kind: str = "need", weeks_ago: int = 0, **extra: Any
) -> list[Post]:
    at = _monday() - datetime.timedelta(weeks=weeks_ago) + datetime.timedelta(hours=1)
    extra.setdefault("status", "open")
    return Post.objects.bulk_create(
        [
            Post(group=group, kind=kind, category=category, title="x", created_at=at, updated_at=at, **extra)
            for _ in range(n)
        ]
    )


def _refresh() -> None:
    figures.refresh(lag=datetime.timedelta(0))


def _dashboard(group: Any, filters: selectors.Filters) -> list[selectors.Insight]:
    """The dashboard once the worker has counted what is in the database now."""
    _refresh()
    return selectors.dashboard(group, filters)


def _table(tables: list[selectors.Insight], key: str) -> selectors.Insight:
    return next(t for t in tables if t.key == key)


def _csv(client: Any, key: str, **params: Any) -> list[list[str]]:
    _refresh()
    response = client.get(reverse("insights_csv", kwargs={"slug": "crown", "table": key}), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_needs_by_week_suppresses_small_counts_and_their_neighbours(
    client_for: Any, crown: Any, ada: Any
) -> None:
    _posts(crown, 15, weeks_ago=0)
    _posts(crown, 20, weeks_ago=1)
    _posts(crown, 3, category="housing", weeks_ago=0)
    _posts(crown, 12, category="housing", weeks_ago=1)
    _posts(crown, 40, category="food", weeks_ago=60)  # outside every period
    table = _table(_dashboard(crown, selectors.Filters(weeks=4)), "needs")
    food = table.row_labels.index("Food")
    housing = table.row_labels.index("Housing & eviction defense")
    this_week, last_week = 3, 2
    assert table.rows[housing][this_week].state == SMALL
    # Its row and column would each give it away: the smallest other non-zero cells are hidden too.
    assert table.rows[housing][last_week].state == HIDDEN
    assert table.rows[food][this_week].state == HIDDEN
    assert table.rows[food][last_week].state == HIDDEN
    assert table.row_totals is not None and table.column_totals is not None and table.total is not None
    assert table.row_totals[food].state == HIDDEN and table.total.state == HIDDEN
    assert table.column_totals[0].value == 0 and table.column_totals[0].state == SHOWN

    rows = _csv(client_for(ada), "needs", weeks=4)
    assert rows[0][-1] == "Total"
    housing_row = next(r for r in rows if r[0] == "Housing & eviction defense")
    assert housing_row[1 + this_week] == "fewer than 11"
    assert housing_row[1 + last_week] == "hidden"
    assert "3" not in housing_row and "12" not in housing_row and "15" not in housing_row
    assert rows[-1][-1] == "hidden"

    page = client_for(ada).get(reverse("insights_dashboard", kwargs={"slug": "crown"}), {"weeks": 4})
    assert page.status_code == 200 and b"Figures as of" in page.content
    assert (
        b"fewer than 11" in page.content and b"<script" not in page.content and b" style=" not in page.content
    )


def test_large_counts_and_their_totals_are_shown(crown: Any) -> None:
    _posts(crown, 25, weeks_ago=0)
    _posts(crown, 11, kind="offer", category="transport", weeks_ago=1)
    tables = _dashboard(crown, selectors.Filters(weeks=4, category="food"))
    needs = _table(tables, "needs")
    assert needs.row_labels == ["Food"]
    assert needs.rows[0][3].value == 25 and needs.total is not None and needs.total.value == 25
    offers = _table(_dashboard(crown, selectors.Filters(weeks=4)), "offers")
    assert offers.total is not None and offers.total.value == 11


def test_time_to_first_claim_and_to_fulfilment(crown: Any, ada: Any, ben: Any) -> None:
    posts = _posts(crown, 12, weeks_ago=1, status="fulfilled")
    claims = []
    for i, post in enumerate(posts, start=1):
        claims.append(
            Claim(
                post=post,
                claimant=ben,
                state="done",
                created_at=post.created_at + datetime.timedelta(hours=i),
            )
        )
        # A later claim never counts as the first.
        claims.append(
            Claim(
                post=post,
                claimant=ada,
                state="released",
                created_at=post.created_at + datetime.timedelta(hours=100 + i),
            )
        )
        Post.objects.filter(pk=post.pk).update(closed_at=post.created_at + datetime.timedelta(hours=2 * i))
    Claim.objects.bulk_create(claims)
    small = _posts(crown, 3, category="housing", weeks_ago=1, status="fulfilled")
    for post in small:
        Post.objects.filter(pk=post.pk).update(closed_at=post.created_at + datetime.timedelta(hours=5))
    timing = _table(_dashboard(crown, selectors.Filters(weeks=4)), "timing")
    food = timing.rows[timing.row_labels.index("Food")]
    # Nearest rank over 12: the median is the 6th, the 90th percentile the 11th.
    assert [cell.value for cell in food] == [6, 11, 12, 22]
    housing = timing.rows[timing.row_labels.index("Housing & eviction defense")]
    assert housing[2].state == SMALL and housing[3].state == SMALL
    assert housing[0].value is None  # no claim at all: nothing to show


def test_outcomes_and_intake_by_channel(client_for: Any, crown: Any, ada: Any) -> None:
    _posts(crown, 14, status="expired")
    _posts(crown, 30, status="fulfilled")
    _posts(crown, 2, status="open")
    _posts(crown, 20, category="housing", status="open")
    sms = Contact.objects.create(group=crown, source="sms")
    _posts(crown, 13, category="housing", contact=sms)
    _posts(crown, 12, category="housing", imported=True)
    tables = _dashboard(crown, selectors.Filters())
    outcomes = _table(tables, "outcomes")
    food = outcomes.rows[outcomes.row_labels.index("Food")]
    assert food[0].state == SMALL and food[1].state == HIDDEN and food[2].value == 30
    assert outcomes.row_totals is None
    intake = _table(tables, "intake")
    values = {
        label: [c.value if c.state == SHOWN else c.state for c in row]
        for label, row in zip(intake.row_labels, intake.rows, strict=True)
    }
    # No offer at all, and zeros in this table are "fewer than 11" too; the largest count of needs
    # (66 on the web) keeps the lone small one company: a hidden cell that is the largest is bounded on
    # one side only, so the column's sum (known from the week table) cannot pin the small one.
    assert values["Web"] == [HIDDEN, SMALL]
    assert values["Text message"] == [13, SMALL]
    assert values["Import"] == [12, SMALL]
    assert values["Taken in by a member"] == [SMALL, SMALL]
    assert intake.column_totals is None


def test_the_api_returns_the_same_suppressed_tables(
    client_for: Any, api_for: Any, crown: Any, ada: Any
) -> None:
    _posts(crown, 15, weeks_ago=0)
    _posts(crown, 4, category="housing", weeks_ago=0)
    _refresh()
    body = api_for(ada).get("/api/v1/groups/crown/insights", {"weeks": 4}).json()
    assert body["weeks"] == 4 and body["as_of"] is not None
    needs = next(t for t in body["tables"] if t["key"] == "needs")
    rows = _csv(client_for(ada), "needs", weeks=4)
    for label, cells in zip(needs["row_labels"], needs["rows"], strict=True):
        shown = next(r for r in rows if r[0] == label)[1:-1]
        text = [
            "fewer than 11"
            if c["state"] == "small"
            else "hidden"
            if c["state"] == "hidden"
            else str(c["value"])
            for c in cells
        ]
        assert text == shown
    assert {"state": "small", "value": None} in needs["rows"][
        needs["row_labels"].index("Housing & eviction defense")
    ]


def test_coordinators_only(client_for: Any, api_for: Any, crown: Any, ben: Any, cy: Any) -> None:
    url = reverse("insights_dashboard", kwargs={"slug": "crown"})
    assert client_for(ben).get(url).status_code == 403
    assert client_for(cy).get(url).status_code == 404
    assert (
        client_for(ben).get(reverse("insights_csv", kwargs={"slug": "crown", "table": "needs"})).status_code
        == 403
    )
    assert api_for(ben).get("/api/v1/groups/crown/insights").status_code == 403


def test_unknown_table_and_filters(client_for: Any, crown: Any, ada: Any) -> None:
    assert (
        client_for(ada).get(reverse("insights_csv", kwargs={"slug": "crown", "table": "nope"})).status_code
        == 404
    )
    page = client_for(ada).get(
        reverse("insights_dashboard", kwargs={"slug": "crown"}), {"weeks": "x", "category": "zz"}
    )
    assert page.status_code == 200
    assert selectors.Filters.parse({"weeks": "5"}).weeks == selectors.DEFAULT_PERIOD


def test_query_count_does_not_grow_with_posts(crown: Any, ben: Any) -> None:
    def count() -> int:
        _refresh()
        with CaptureQueriesContext(connection) as captured:
            selectors.dashboard(crown, selectors.Filters(weeks=12))
        return len(captured.captured_queries)

    _posts(crown, 12, status="fulfilled", closed_at=timezone.now())
    small = count()
    for weeks_ago in range(6):
        _posts(
            crown, 30, weeks_ago=weeks_ago, category="housing", status="fulfilled", closed_at=timezone.now()
        )
    assert count() == small


def test_spanish(client_for: Any, crown: Any, ada: Any) -> None:
    _posts(crown, 4)
    ada.language = "es"
    ada.save(update_fields=["language"])
    client = client_for(ada)
    _refresh()
    page = client.get(reverse("insights_dashboard", kwargs={"slug": "crown"}), {"weeks": 4}).content.decode()
    assert (
        "menos de 11" in page and "Necesidades por categoría y semana" in page and "Últimas 4 semanas" in page
    )
    rows = _csv(client, "needs", weeks=4)
    assert rows[0][0] == "Categoría" and any("menos de 11" in row for row in rows)


def test_areas_are_named_only_from_11_posts_and_offers_idle(client_for: Any, crown: Any, ada: Any) -> None:
    _posts(crown, 14, area="E2 7")
    _posts(crown, 12, area="E2 7", kind="offer", status="open")
    _posts(crown, 3, area="N1 9")  # too few to be named
    _posts(crown, 9, area="SE1 4")
    _posts(crown, 20)
    _posts(crown, 11, kind="offer", status="fulfilled", category="transport")
    tables = _dashboard(crown, selectors.Filters())
    areas = _table(tables, "areas")
    assert areas.row_labels == ["E2 7", "Other areas", "No area given"]
    assert "N1 9" not in str(areas) and "SE1 4" not in str(areas)
    cells = dict(zip(areas.row_labels, areas.rows, strict=True))
    assert cells["Other areas"][0].value == 12  # 3 + 9 needs folded together
    assert all(c.state != SHOWN or (c.value or 0) >= 11 for row in areas.rows for c in row)
    idle = _table(tables, "offers_idle")
    food = idle.rows[idle.row_labels.index("Food")]
    assert food[0].value == 12
    transport = idle.rows[idle.row_labels.index("Transportation")]
    assert transport[2].value == 11
    rows = _csv(client_for(ada), "areas")
    assert rows[0] == ["Area", "Needs", "Offers", "Unmet needs (open or expired)"]
    assert not any("N1 9" in cell for row in rows for cell in row)


def test_funds_shifts_and_matching_tables(client_for: Any, crown: Any, ada: Any, ben: Any) -> None:
    from mutualaid.funds.models import Fund, Transaction
    from mutualaid.matching.models import Proposal, Round
    from mutualaid.shifts.models import Occurrence, Series, ShiftRole, Signup

    fund = Fund.objects.create(group=crown, name="Rent", currency="USD")
    today = timezone.localdate()
    Transaction.objects.bulk_create(
        [
            Transaction(fund=fund, kind="contribution", category="food", currency="USD", amount=1000)
            for _ in range(12)
        ]
        + [Transaction(fund=fund, kind="disbursement", category="housing", currency="USD", amount=50_000)]
    )
    series = Series.objects.create(group=crown, title="Pantry", starts_on=today, start_time=datetime.time(9))
    role = ShiftRole.objects.create(series=series, name="Pack", slots=12)
    at = timezone.now() - datetime.timedelta(hours=3)
    shift = Occurrence.objects.create(
        series=series, recurrence_id=at, starts_at=at, ends_at=at + datetime.timedelta(hours=2)
    )
    Signup.objects.create(occurrence=shift, role=role, user=ben, attended=False)
    the_round = Round.objects.create(group=crown, stats={"needs": 30})
    need, offer = _posts(crown, 1)[0], _posts(crown, 1, kind="offer")[0]
    Proposal.objects.bulk_create(
        [
            Proposal(
                round=the_round,
                group=crown,
                need=need,
                offer=offer,
                units=1,
                km=1.0,
                score=1,
                state="matched",
            )
            for _ in range(12)
        ]
    )
    tables = _dashboard(crown, selectors.Filters(weeks=4))
    funds = _table(tables, "funds")
    month = today.replace(day=1).strftime("%Y-%m")
    round_month = timezone.localtime(the_round.started_at).strftime("%Y-%m")
    food = funds.rows[funds.row_labels.index("Food")]
    assert food[funds.column_labels.index(f"{month} in (USD)")].value == 120  # 12 of $10
    housing = funds.rows[funds.row_labels.index("Housing & eviction defense")]
    assert housing[funds.column_labels.index(f"{month} out (USD)")].state == SMALL  # one grant: never shown
    assert all(cell.value != 500 for row in funds.rows for cell in row)
    shifts = _table(tables, "shifts")
    this_week = shifts.rows[shifts.row_labels.index(figures.week_of(at).isoformat())]
    assert this_week[0].value == 1 and this_week[1].state == SMALL and this_week[2].state == SMALL
    matching = _table(tables, "matching")
    row = matching.rows[matching.row_labels.index(round_month)]
    assert [c.value for c in row] == [1, 30, 12, 12, 40]
    for key in ("funds", "shifts", "matching"):
        assert len(_csv(client_for(ada), key, weeks=4)) > 1
