"""Access rows for insights: the coordinator dashboard, its CSV files and the API (coordinators with a
second factor only; members 403, outsiders 404); the impact page and report (404 while private, for
everyone but coordinators; anyone once published: Bush's page is public here); flyers (members); the
phone-bank sheet (coordinators)."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

COORDINATOR = "login 404 404 403 ok"
API_COORDINATOR = "401 404 404 403 ok"
MEMBER = "login 404 404 ok ok"
PRIVATE_IMPACT = "404 404 404 404 ok"  # Crown's page is private: its coordinators preview it
PUBLIC_IMPACT = "ok ok ok ok ok"  # Bush's is public


def build(world: World) -> None:
    from mutualaid.insights.models import ImpactPage

    ImpactPage.objects.create(group=world.bush, public=True)


def needs_csv(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "table": "needs"}


def bush_slug(w: World) -> dict[str, Any]:
    return {"slug": w.bush.slug}


def spanish_flyer(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "language": "es"}


ROUTES = [
    Route("insights_dashboard", COORDINATOR, kwargs=crown_slug),
    Route("insights_csv", COORDINATOR, kwargs=needs_csv),
    Route("api:insights_dashboard", API_COORDINATOR, api=True, kwargs=crown_slug),
    Route("insights_impact", PRIVATE_IMPACT, kwargs=crown_slug),
    Route("insights_impact", PUBLIC_IMPACT, kwargs=bush_slug, variant="public"),
    Route("insights_report", PRIVATE_IMPACT, kwargs=crown_slug),
    Route("insights_report", PUBLIC_IMPACT, kwargs=bush_slug, variant="public"),
    Route("api:insights_impact", PRIVATE_IMPACT, api=True, kwargs=crown_slug),
    Route("api:insights_impact", PUBLIC_IMPACT, api=True, kwargs=bush_slug, variant="public"),
    Route("api:insights_impact_report", PRIVATE_IMPACT, api=True, kwargs=crown_slug),
    Route("api:insights_impact_report", PUBLIC_IMPACT, api=True, kwargs=bush_slug, variant="public"),
    Route("insights_impact_settings", COORDINATOR, kwargs=crown_slug),
    Route(
        "insights_impact_settings",
        COORDINATOR,
        method="POST",
        kwargs=crown_slug,
        data=lambda w: {"public": "on"},
    ),
    Route(
        "api:insights_impact_settings",
        API_COORDINATOR,
        method="PUT",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"public": True},
    ),
    Route("insights_flyers", MEMBER, kwargs=crown_slug),
    Route("insights_flyer", MEMBER, kwargs=spanish_flyer),
    Route("insights_phone_bank", COORDINATOR, kwargs=crown_slug),
    Route(
        "insights_phone_bank", COORDINATOR, method="POST", kwargs=crown_slug, data=lambda w: {"exact": "on"}
    ),
    Route("api:insights_phone_bank", API_COORDINATOR, api=True, kwargs=crown_slug),
    Route("api:insights_phone_bank_exact", API_COORDINATOR, method="POST", api=True, kwargs=crown_slug),
]
