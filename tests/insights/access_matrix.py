"""Access rows for insights: the coordinator dashboard, its CSV files and the API (coordinators with a
second factor only; members 403, outsiders 404)."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

COORDINATOR = "login 404 404 403 ok"
API_COORDINATOR = "401 404 404 403 ok"


def needs_csv(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "table": "needs"}


ROUTES = [
    Route("insights_dashboard", COORDINATOR, kwargs=crown_slug),
    Route("insights_csv", COORDINATOR, kwargs=needs_csv),
    Route("api:insights_dashboard", API_COORDINATOR, api=True, kwargs=crown_slug),
]
