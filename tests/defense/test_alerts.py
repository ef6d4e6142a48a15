"""The verified path: report → verifiers only → claim → two confirmations → broadcast to the opted-in
responders of the area → correction and all-clear to the same people → expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualaid.channels.models import Notice, OutboundMessage
from mutualaid.core.models import SensitiveRead
from mutualaid.defense import selectors, services
from mutualaid.defense.models import Confirmation, Dispatch, Event, Report
from tests.defense.conftest import web_report
from tests.helpers import without_random


def _sent_to(kind: str) -> set[tuple[str, int | None]]:
    rows = OutboundMessage.objects.filter(kind=kind)
    found = {(m.channel, m.user_id) for m in rows}
    found |= {("notice", n.user_id) for n in Notice.objects.filter(kind=kind)}
    return found


def test_a_report_goes_to_verifiers_only(crown: Any, verifiers: Any, responders: Any, fay: Any) -> None:
    report = web_report(crown, fay)
    assert report.state == "reported"
    assert report.area == "11216 Brooklyn" or report.area
    assert report.cell
    told = {n.user_id for n in Notice.objects.filter(kind="alert_report")}
    assert told == {v.user_id for v in verifiers}
    assert not Notice.objects.filter(kind__startswith="alert_").exclude(kind="alert_report").exists()
    # Sealed at rest: neither the words nor the reporter are in the row in the clear.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute('SELECT what, reporter, "where" FROM defense_report WHERE id = %s', [report.pk])
        raw = " ".join(str(v) for v in cursor.fetchone())
    clear = without_random(raw)
    assert "vans" not in clear and "fay" not in clear and "Nostrand" not in clear


def test_two_distinct_verifiers_send_to_opted_in_responders_of_the_area(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any
) -> None:
    report = web_report(crown, responders["hal"])
    services.report_claim(report=report, verifier=ada)
    report = services.report_confirm(report=report, verifier=ada, seen="Two vans, four agents")
    assert report.state == "confirming"
    assert not _sent_to("alert_raid")
    with pytest.raises(ValidationError, match="already confirmed"):
        services.report_confirm(report=report, verifier=ada, seen="again")
    report = services.report_confirm(report=report, verifier=ida, seen="Saw them too")
    assert report.state == "sent"
    ben, fay = responders["ben"], responders["fay"]
    assert _sent_to("alert_raid") == {
        ("sms", ben.pk),
        ("notice", ben.pk),
        ("email", fay.pk),
        ("notice", fay.pk),
    }
    sms = OutboundMessage.objects.get(kind="alert_raid", channel="sms")
    assert sms.recipient == "+17185550101"
    assert "VERIFIED" in (sms.body or "") and "Do not open your door" in (sms.body or "")
    # Responders never see each other: every message has one recipient and names nobody else.
    assert "fay" not in (sms.body or "") and "+1" not in (sms.body or "")
    dispatch = Dispatch.objects.get(report=report)
    assert sorted(dispatch.recipients) == sorted([ben.pk, fay.pk])
    assert len(dispatch.message_ids) == 2
    assert [e.what for e in Event.objects.filter(report=report)] == [
        "reported",
        "claimed",
        "confirmed",
        "confirmed",
        "sent",
    ]


def test_a_spanish_responder_gets_the_spanish_template(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any
) -> None:
    ben = responders["ben"]
    ben.language = "es"
    ben.save()
    report = web_report(crown, None, kind="eviction")
    services.report_confirm(report=report, verifier=ada, seen="Marshals")
    services.report_confirm(report=report, verifier=ida, seen="Marshals")
    body = OutboundMessage.objects.get(kind="alert_eviction", channel="sms").body or ""
    assert "VERIFICADA" in body and "desalojo" in body


def test_one_verifier_with_evidence_when_the_group_allows_it(
    crown: Any, ada: Any, verifiers: Any, responders: Any
) -> None:
    report = web_report(crown, None)
    report = services.report_confirm(report=report, verifier=ada, seen="Photo", evidence=True)
    assert report.state == "confirming"  # the default policy wants two
    services.policy_update(group=crown, one_with_evidence=True, expire_hours=6, rights_en="", rights_es="")
    other = web_report(crown, None)
    other = services.report_confirm(report=other, verifier=ada, seen="Nothing to show", evidence=False)
    assert other.state == "confirming"
    third = web_report(crown, None)
    third = services.report_confirm(report=third, verifier=ada, seen="Video of the vans", evidence=True)
    assert third.state == "sent"


def test_a_verifier_cannot_confirm_their_own_report(crown: Any, ada: Any, ida: Any, verifiers: Any) -> None:
    report = web_report(crown, ada)
    with pytest.raises(ValidationError, match="You reported this yourself"):
        services.report_confirm(report=report, verifier=ada, seen="I saw it")
    assert not Confirmation.objects.exists()
    report = services.report_confirm(report=report, verifier=ida, seen="Saw it")
    assert report.state == "confirming"


def test_claimed_by_another(crown: Any, ada: Any, ida: Any, verifiers: Any) -> None:
    report = web_report(crown, None)
    services.report_claim(report=report, verifier=ada)
    with pytest.raises(ValidationError, match="Another verifier is already going"):
        services.report_claim(report=report, verifier=ida)


def test_unfounded_sends_nothing(crown: Any, ada: Any, verifiers: Any, responders: Any) -> None:
    report = web_report(crown, None)
    report = services.report_unfound(report=report, verifier=ada, note="Only a delivery van")
    assert report.state == "unfounded" and report.closed_at
    assert not OutboundMessage.objects.filter(kind__startswith="alert_").exists()
    with pytest.raises(ValidationError, match="closed"):
        services.report_confirm(report=report, verifier=ada, seen="late")


def test_all_clear_and_correction_reach_the_same_people(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any
) -> None:
    from mutualaid.defense.models import Responder

    report = web_report(crown, None)
    services.report_confirm(report=report, verifier=ada, seen="Seen")
    report = services.report_confirm(report=report, verifier=ida, seen="Seen")
    ben, fay, hal = responders["ben"], responders["fay"], responders["hal"]
    # After the alert, hal opts in near and fay stops responding.
    services.responder_save(group=crown, user=hal, area="11216", radius_km=2, by_sms=True, by_email=False)
    Responder.objects.filter(user=fay).delete()
    services.report_correct(report=report, verifier=ida, area="11225")
    assert _sent_to("alert_correction") == {("sms", ben.pk), ("notice", ben.pk), ("notice", fay.pk)}
    report = services.report_clear(report=report, verifier=ada)
    assert report.state == "cleared"
    assert _sent_to("alert_clear") == {("sms", ben.pk), ("notice", ben.pk), ("notice", fay.pk)}
    with pytest.raises(ValidationError, match="was not sent"):
        services.report_clear(report=report, verifier=ada)


def test_alerts_expire(crown: Any, ada: Any, ida: Any, verifiers: Any) -> None:
    stale = web_report(crown, None)
    live = web_report(crown, None)
    services.report_confirm(report=live, verifier=ada, seen="Seen")
    services.report_confirm(report=live, verifier=ida, seen="Seen")
    Report.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.reports_expire() == 1
    assert services.reports_expire(now=timezone.now() + timedelta(hours=7)) == 1
    assert set(Report.objects.values_list("state", flat=True)) == {"expired"}


def test_only_verifiers_read_the_reporter_and_each_read_is_audited(
    crown: Any, ada: Any, verifiers: Any, fay: Any
) -> None:
    report = web_report(crown, fay)
    reporter = selectors.reporter_for_verifier(report, ada)
    assert "fay" in reporter.name
    assert (
        SensitiveRead.objects.filter(reader=ada, subject_id=report.pk, subject_type="defense.report").count()
        == 1
    )


def test_verifier_areas(crown: Any, ada: Any, ida: Any) -> None:
    from mutualaid.defense.models import Verifier

    near = services.verifier_grant(group=crown, user=ada, actor=ada, area="11216", radius_km=1)
    far = services.verifier_grant(group=crown, user=ida, actor=ada, area="10001", radius_km=1)
    report = web_report(crown, None)
    assert [v.pk for v in services.verifiers_for(report)] == [near.pk]
    assert selectors.reports_for_verifier(near) == [report]
    assert selectors.reports_for_verifier(Verifier.objects.get(pk=far.pk)) == []


def test_responder_needs_a_way_to_be_reached(crown: Any, ben: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.responder_save(group=crown, user=ben, area="11216", radius_km=2, by_sms=True, by_email=False)
    assert "phone number" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        services.responder_save(
            group=crown, user=ben, area="Qwxyzville", radius_km=2, by_sms=False, by_email=False
        )
    assert "could not place" in str(caught.value)
