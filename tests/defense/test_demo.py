"""The demo has alerts: two verifiers, responders, one report waiting; loading twice adds nothing."""

from __future__ import annotations

from typing import Any


def test_demo_alerts(db: Any) -> None:
    from mutualaid.defense import demo
    from mutualaid.defense.models import Report, Responder, Verifier
    from mutualaid.groups import demo as groups_demo

    groups_demo.load()
    demo.load()
    demo.load()
    assert sorted(v.user.username for v in Verifier.objects.select_related("user")) == ["ada", "fatou"]
    assert Responder.objects.count() >= 5
    report = Report.objects.get()
    assert report.state == "reported" and report.cell and "hana" in (report.reporter or "")
