"""API parity: the same path as the pages — report, verify twice, broadcast with progress, all-clear;
responder opt-in; verifiers and settings for coordinators."""

from __future__ import annotations

from typing import Any

from mutualaid.defense.models import Report, Responder, Verifier


def test_report_verify_broadcast_clear(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any, api_for: Any
) -> None:
    ben, ada_api, ida_api = api_for(responders["ben"]), api_for(ada), api_for(ida)
    bad = ben.post(
        "/api/v1/groups/crown/alerts/reports",
        {"kind": "rumour", "what": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"] == {"kind": ["Choose what is happening."]}
    created = ben.post(
        "/api/v1/groups/crown/alerts/reports",
        {"kind": "raid", "what": "Vans", "area": "11216", "where": "Fulton"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["state"] == "reported"
    report_id = created.json()["id"]
    assert (
        ben.post(
            "/api/v1/groups/crown/alerts/reports",
            {"kind": "raid", "what": "x", "hotline": True},
            content_type="application/json",
        ).status_code
        == 403
    )
    listed = ada_api.get("/api/v1/groups/crown/alerts/reports").json()
    assert [r["id"] for r in listed] == [report_id]
    detail = ada_api.get(f"/api/v1/groups/crown/alerts/reports/{report_id}").json()
    assert detail["where"] == "Fulton" and "ben" in detail["reporter"]
    base = f"/api/v1/groups/crown/alerts/reports/{report_id}"
    assert ada_api.post(f"{base}/claim").json()["claimed_by"] == str(ada)
    first = ada_api.post(f"{base}/confirm", {"seen": "Vans"}, content_type="application/json")
    assert first.json()["state"] == "confirming"
    again = ada_api.post(f"{base}/confirm", {"seen": "Vans"}, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["errors"]["__all__"] == [
        "You already confirmed this report: another verifier must confirm it."
    ]
    sent = ida_api.post(f"{base}/confirm", {"seen": "Vans too"}, content_type="application/json").json()
    assert sent["state"] == "sent"
    assert sent["delivery"][0]["recipients"] == 2 and sent["delivery"][0]["waiting"] == 2
    assert [a["id"] for a in ben.get("/api/v1/groups/crown/alerts").json()] == [report_id]
    cleared = ada_api.post(f"{base}/clear").json()
    assert cleared["state"] == "cleared" and [d["kind"] for d in cleared["delivery"]] == ["alert", "clear"]
    assert [e["what"] for e in cleared["timeline"]][-1] == "cleared"
    assert Report.objects.get().state == "cleared"


def test_responder_verifier_and_policy(crown: Any, ada: Any, ben: Any, api_for: Any) -> None:
    ben_api, ada_api = api_for(ben), api_for(ada)
    assert ben_api.get("/api/v1/groups/crown/alerts/responder").status_code == 404
    put = ben_api.put(
        "/api/v1/groups/crown/alerts/responder",
        {"area": "11216", "radius_km": 2, "by_sms": False},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["cells"] >= 3
    assert ben_api.delete("/api/v1/groups/crown/alerts/responder").status_code == 204
    assert not Responder.objects.exists()
    granted = ada_api.post(
        "/api/v1/groups/crown/alerts/verifiers",
        {"user_id": ben.pk, "area": "11225"},
        content_type="application/json",
    )
    assert granted.status_code == 201 and granted.json()["area"] == "11225"
    assert Verifier.objects.get().cells
    assert (
        ada_api.put(
            "/api/v1/groups/crown/alerts/policy",
            {"one_with_evidence": True, "expire_hours": 99},
            content_type="application/json",
        ).status_code
        == 422
    )
    assert (
        ada_api.put(
            "/api/v1/groups/crown/alerts/policy",
            {"one_with_evidence": True, "expire_hours": 3},
            content_type="application/json",
        ).json()["expire_hours"]
        == 3
    )
    assert ada_api.delete(f"/api/v1/groups/crown/alerts/verifiers/{granted.json()['id']}").status_code == 204
