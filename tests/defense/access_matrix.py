"""Access rows for alerts: members report, respond and see sent alerts; verifiers (ada here) see and act
on reports; coordinators grant the verifier role and set the group's rules; the know-your-rights page
is public. ben is a plain member: a report is 404 to him, the verifiers' queue 403."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

MEMBER = "login 404 404 ok ok"
COORDINATOR = "login 404 404 403 ok"
VERIFIER = "login 404 404 403 ok"
REPORT = "login 404 404 404 ok"  # a report exists only for its verifiers
API_MEMBER = "401 404 404 ok ok"
API_COORDINATOR = "401 404 404 403 ok"
API_VERIFIER = "401 404 404 403 ok"
API_REPORT = "401 404 404 404 ok"
ANYONE = "ok ok ok ok ok"


def build(world: World) -> None:
    from mutualaid.defense import services

    ada, ben = world.users["ada"], world.users["ben"]
    verifier = services.verifier_grant(group=world.crown, user=ada, actor=ada)
    services.policy_update(
        group=world.crown, one_with_evidence=True, expire_hours=6, rights_en="", rights_es=""
    )
    for user in (ada, ben):
        services.responder_save(
            group=world.crown, user=user, area="11216", radius_km=2, by_sms=False, by_email=False
        )
    values = {"kind": "raid", "what": "Vans", "area": "11216", "where": "", "when_seen": ""}
    open_report = services.report_create(group=world.crown, reporter=ben, **values)
    sent = services.report_create(group=world.crown, reporter=ben, **values)
    sent = services.report_confirm(report=sent, verifier=ada, seen="Seen", evidence=True)
    assert sent.state == "sent"
    world.objects.update({"alert_open": open_report, "alert_sent": sent, "alert_verifier": verifier})


def open_report(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "report_id": w.alert_open.pk}


def sent_report(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "report_id": w.alert_sent.pk}


def report_data(w: World) -> dict[str, Any]:
    return {
        "kind": "eviction",
        "what": "Marshals at a door",
        "area": "11216",
        "where": "",
        "when_seen": "now",
    }


ROUTES = [
    Route("defense_home", MEMBER, kwargs=crown_slug),
    Route("defense_report_new", MEMBER, kwargs=crown_slug),
    Route("defense_report_new", MEMBER, method="POST", kwargs=crown_slug, data=report_data),
    Route("defense_hotline", COORDINATOR, kwargs=crown_slug),
    Route(
        "defense_hotline",
        COORDINATOR,
        method="POST",
        kwargs=crown_slug,
        data=lambda w: {**report_data(w), "caller_name": "A neighbour", "caller_phone": "+17185550111"},
    ),
    Route("defense_respond", MEMBER, kwargs=crown_slug),
    Route(
        "defense_respond",
        MEMBER,
        method="POST",
        kwargs=crown_slug,
        data=lambda w: {"area": "11225", "radius_km": "2"},
    ),
    Route("defense_alert", MEMBER, kwargs=sent_report),
    Route("defense_alert", "login 404 404 404 404", kwargs=open_report, variant="unverified"),
    Route("defense_queue", VERIFIER, kwargs=crown_slug),
    Route("defense_report", REPORT, kwargs=open_report),
    Route("defense_claim", REPORT, method="POST", kwargs=open_report),
    Route(
        "defense_confirm", REPORT, method="POST", kwargs=open_report, data=lambda w: {"seen": "Vans, agents"}
    ),
    Route("defense_unfounded", REPORT, method="POST", kwargs=open_report, data=lambda w: {"note": "nothing"}),
    Route("defense_correct", REPORT, method="POST", kwargs=sent_report, data=lambda w: {"area": "11225"}),
    Route("defense_clear", REPORT, method="POST", kwargs=sent_report),
    Route("defense_verifiers", COORDINATOR, kwargs=crown_slug),
    Route(
        "defense_verifiers",
        COORDINATOR,
        method="POST",
        kwargs=crown_slug,
        data=lambda w: {"user": w.users["ben"].pk, "area": "", "radius_km": "3"},
    ),
    Route(
        "defense_verifier_revoke",
        COORDINATOR,
        method="POST",
        kwargs=lambda w: {"slug": w.crown.slug, "verifier_id": w.alert_verifier.pk},
    ),
    Route("defense_settings", COORDINATOR, kwargs=crown_slug),
    Route(
        "defense_settings",
        COORDINATOR,
        method="POST",
        kwargs=crown_slug,
        data=lambda w: {"expire_hours": "4", "rights_en": "Know your rights", "rights_es": ""},
    ),
    Route("defense_rights", ANYONE, kwargs=crown_slug),
    Route("defense_rights", ANYONE, kwargs=lambda w: {"slug": w.bush.slug}, variant="other"),
    # API
    Route(
        "api:alerts_report_create", API_MEMBER, method="POST", api=True, kwargs=crown_slug, data=report_data
    ),
    Route("api:alerts_sent_list", API_MEMBER, api=True, kwargs=crown_slug),
    Route("api:alerts_report_list", API_VERIFIER, api=True, kwargs=crown_slug),
    Route("api:alerts_report_detail", API_REPORT, api=True, kwargs=open_report),
    Route("api:alerts_report_claim", API_REPORT, method="POST", api=True, kwargs=open_report),
    Route(
        "api:alerts_report_confirm",
        API_REPORT,
        method="POST",
        api=True,
        kwargs=open_report,
        data=lambda w: {"seen": "Vans", "evidence": False},
    ),
    Route(
        "api:alerts_report_unfounded",
        API_REPORT,
        method="POST",
        api=True,
        kwargs=open_report,
        data=lambda w: {},
    ),
    Route(
        "api:alerts_report_correct",
        API_REPORT,
        method="POST",
        api=True,
        kwargs=sent_report,
        data=lambda w: {"area": "11225"},
    ),
    Route("api:alerts_report_clear", API_REPORT, method="POST", api=True, kwargs=sent_report),
    Route("api:alerts_responder_get", API_MEMBER, api=True, kwargs=crown_slug),
    Route(
        "api:alerts_responder_put",
        API_MEMBER,
        method="PUT",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"area": "11225", "radius_km": 2, "by_sms": False},
    ),
    Route("api:alerts_responder_delete", API_MEMBER, method="DELETE", api=True, kwargs=crown_slug),
    Route("api:alerts_verifier_list", API_COORDINATOR, api=True, kwargs=crown_slug),
    Route(
        "api:alerts_verifier_grant",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"user_id": w.users["ben"].pk},
    ),
    Route(
        "api:alerts_verifier_revoke",
        API_COORDINATOR,
        method="DELETE",
        api=True,
        kwargs=lambda w: {"slug": w.crown.slug, "verifier_id": w.alert_verifier.pk},
    ),
    Route("api:alerts_policy_get", API_COORDINATOR, api=True, kwargs=crown_slug),
    Route(
        "api:alerts_policy_put",
        API_COORDINATOR,
        method="PUT",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"one_with_evidence": False, "expire_hours": 6},
    ),
]
