"""Who sees reports: verifiers of the report's group and area only. A plain member never sees an
unverified report (pages, API, notices); a verifier of another group sees nothing of this one."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mutualaid.channels.models import Notice
from mutualaid.defense import services
from tests.defense.conftest import web_report


def test_a_plain_member_never_sees_an_unverified_report(
    crown: Any, ada: Any, verifiers: Any, ben: Any, fay: Any, client_for: Any, api_for: Any
) -> None:
    report = web_report(crown, fay)
    client = client_for(ben)
    assert client.get(reverse("defense_queue", kwargs={"slug": "crown"})).status_code == 403
    detail = reverse("defense_report", kwargs={"slug": "crown", "report_id": report.pk})
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("defense_alert", kwargs={"slug": "crown", "report_id": report.pk})).status_code
        == 404
    )
    home = client.get(reverse("defense_home", kwargs={"slug": "crown"}))
    assert home.status_code == 200
    assert b"vans" not in home.content and b"Nostrand" not in home.content
    api = api_for(ben)
    assert api.get(f"/api/v1/groups/crown/alerts/reports/{report.pk}").status_code == 404
    assert api.get("/api/v1/groups/crown/alerts/reports").status_code == 403
    assert api.get("/api/v1/groups/crown/alerts").json() == []
    assert not Notice.objects.filter(user=ben).exists()
    # The reporter is not told about the report's progress either: it is for verifiers.
    assert not Notice.objects.filter(user=fay).exists()


def test_a_verifier_of_another_group_sees_nothing(
    crown: Any, bush: Any, verifiers: Any, dee: Any, bush_verifier: Any, client_for: Any, api_for: Any
) -> None:
    report = web_report(crown, None)
    client = client_for(dee)
    assert client.get(reverse("defense_queue", kwargs={"slug": "crown"})).status_code == 404
    assert (
        client.get(reverse("defense_report", kwargs={"slug": "crown", "report_id": report.pk})).status_code
        == 404
    )
    # Not through their own group either: the report id does not exist there.
    assert (
        client.get(reverse("defense_report", kwargs={"slug": "bush", "report_id": report.pk})).status_code
        == 404
    )
    response = client.post(reverse("defense_claim", kwargs={"slug": "bush", "report_id": report.pk}))
    assert response.status_code == 404
    queue = client.get(reverse("defense_queue", kwargs={"slug": "bush"}))
    assert queue.status_code == 200 and b"raid" not in queue.content.lower()
    api = api_for(dee)
    assert api.get("/api/v1/groups/bush/alerts/reports").json() == []
    assert api.get(f"/api/v1/groups/bush/alerts/reports/{report.pk}").status_code == 404
    assert not Notice.objects.filter(user=dee).exists()


def test_a_verifier_outside_the_area_gets_404(crown: Any, ada: Any, ida: Any, client_for: Any) -> None:
    services.verifier_grant(group=crown, user=ida, actor=ada, area="10001", radius_km=1)
    services.verifier_grant(group=crown, user=ada, actor=ada)  # covers the whole group, so the report is hers
    report = web_report(crown, None)
    response = client_for(ida).get(
        reverse("defense_report", kwargs={"slug": "crown", "report_id": report.pk})
    )
    assert response.status_code == 404


def test_verifiers_need_a_second_factor(crown: Any, ada: Any, ben: Any, client_for: Any) -> None:
    services.verifier_grant(group=crown, user=ben, actor=ada)
    report = web_report(crown, None)
    response = client_for(ben).get(
        reverse("defense_report", kwargs={"slug": "crown", "report_id": report.pk})
    )
    assert response.status_code in {302, 403}
    assert b"vans" not in response.content


@pytest.mark.usefixtures("one_rate_window")
def test_a_flood_of_reports_is_refused(crown: Any, ben: Any, client_for: Any) -> None:
    from mutualaid.defense.models import Report

    client = client_for(ben)
    data = {"kind": "raid", "what": "Vans", "area": "11216"}
    for _ in range(20):
        assert client.post(reverse("defense_report_new", kwargs={"slug": "crown"}), data).status_code == 302
    assert client.post(reverse("defense_report_new", kwargs={"slug": "crown"}), data).status_code == 429
    assert Report.objects.count() == 20
