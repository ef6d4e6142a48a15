"""A group without any verifier: a report must not go to nobody. Its coordinators are told and may
check it (with their second factor), the reporter is told truthfully who got it, and coordinators are
warned that the group has no verifiers yet."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.urls import reverse

from mutualaid.channels.models import Notice
from mutualaid.defense import services
from mutualaid.defense.models import Report
from tests.defense.test_sms import last_reply, text


def url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": "crown", **kwargs})


def test_a_web_report_goes_to_the_coordinators_who_can_verify_it(
    crown: Any, ada: Any, ida: Any, ben: Any, client_for: Any
) -> None:
    ben_client = client_for(ben)
    form = ben_client.get(url("defense_report_new")).content.decode()
    assert "only its coordinators see your report" in form and "Send to the coordinators" in form
    done = ben_client.post(
        url("defense_report_new"), {"kind": "police", "what": "Six officers at the corner", "area": "11216"}
    )
    assert done.status_code == 302
    said = [str(m) for m in get_messages(done.wsgi_request)]
    assert said == [
        "Thank you. The group has no verifiers yet, so your report went to its coordinators, who will check it."
    ]
    report = Report.objects.get()
    assert {n.user_id for n in Notice.objects.filter(kind="alert_report")} == {ada.pk, ida.pk}
    assert ben_client.get(url("defense_queue")).status_code == 403
    assert ben_client.get(url("defense_report", report_id=report.pk)).status_code == 404
    ada_client, ida_client = client_for(ada), client_for(ida)
    queue = ada_client.get(url("defense_queue"))
    assert queue.status_code == 200 and b"Police action" in queue.content
    assert ada_client.get(url("defense_report", report_id=report.pk)).status_code == 200
    assert ada_client.post(url("defense_confirm", report_id=report.pk), {"seen": "Six"}).status_code == 302
    assert ida_client.post(url("defense_confirm", report_id=report.pk), {"seen": "Yes"}).status_code == 302
    report.refresh_from_db()
    assert report.state == "sent"


def test_once_there_are_verifiers_coordinators_no_longer_stand_in(
    crown: Any, ada: Any, ida: Any, ben: Any, client_for: Any
) -> None:
    services.verifier_grant(group=crown, user=ida, actor=ada)
    done = client_for(ben).post(url("defense_report_new"), {"kind": "raid", "what": "Vans", "area": "11216"})
    said = [str(m) for m in get_messages(done.wsgi_request)]
    assert said == ["Thank you. Your report went to the group's verifiers, who will check it."]
    assert {n.user_id for n in Notice.objects.filter(kind="alert_report")} == {ida.pk}
    assert client_for(ada).get(url("defense_queue")).status_code == 403


def test_coordinators_are_warned_that_there_are_no_verifiers(
    crown: Any, ada: Any, ben: Any, client_for: Any
) -> None:
    warning = b"This group has no verifiers yet."
    assert warning in client_for(ada).get(url("defense_verifiers")).content
    assert warning in client_for(ada).get(url("defense_home")).content
    assert warning not in client_for(ben).get(url("defense_home")).content
    services.verifier_grant(group=crown, user=ada, actor=ada)
    assert warning not in client_for(ada).get(url("defense_verifiers")).content
    assert warning not in client_for(ada).get(url("defense_home")).content


def test_an_sms_report_says_the_coordinators_got_it(
    client: Any, crown: Any, ada: Any, ida: Any, gateway: Any
) -> None:
    text(client, "ALERT")
    assert "Report to the coordinators of Crown Heights Mutual Aid." in last_reply()
    for answer in ("1", "Vans", "Nostrand Av and Park Pl", "now"):
        text(client, answer)
    assert "Coordinators of Crown Heights Mutual Aid will check your report" in last_reply()
    assert {n.user_id for n in Notice.objects.filter(kind="alert_report")} == {ada.pk, ida.pk}


def test_a_report_no_verifier_area_covers_goes_to_every_verifier(
    crown: Any, ada: Any, ida: Any, ben: Any, client_for: Any
) -> None:
    """Verifiers only for Manhattan, a report from Crown Heights: it must not go to nobody."""
    services.verifier_grant(group=crown, user=ida, actor=ada, area="10001", radius_km=1)
    services.verifier_grant(group=crown, user=ada, actor=ada, area="10002", radius_km=1)
    done = client_for(ben).post(url("defense_report_new"), {"kind": "raid", "what": "Vans", "area": "11216"})
    assert done.status_code == 302
    report = Report.objects.get()
    assert {n.user_id for n in Notice.objects.filter(kind="alert_report")} == {ada.pk, ida.pk}
    for verifier in (ada, ida):
        page = client_for(verifier).get(url("defense_report", report_id=report.pk))
        assert page.status_code == 200
        queue = client_for(verifier).get(url("defense_queue")).content.decode()
        assert url("defense_report", report_id=report.pk) in queue
    # Once a verifier's area covers the place, the report is only theirs.
    services.verifier_grant(group=crown, user=ada, actor=ada, area="11216", radius_km=1)
    assert client_for(ida).get(url("defense_report", report_id=report.pk)).status_code == 404
    assert client_for(ada).get(url("defense_report", report_id=report.pk)).status_code == 200
