"""An SMS report: ALERT / ALERTA, then what, where and since when, through a signed gateway webhook.
A forged webhook is refused like any other and files nothing."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from mutualaid.channels.models import Notice, OutboundMessage
from mutualaid.defense.models import Report
from tests.defense.conftest import GENERIC_SECRET

PHONE = "+17185550199"
_ids = count(1)


def text(client: Any, body: str, secret: str = GENERIC_SECRET) -> Any:
    url = reverse("channels_sms_webhook", kwargs={"kind": "generic", "slug": "crown"})
    return client.post(
        url, {"from": PHONE, "text": body, "id": f"m{next(_ids)}"}, headers={"X-Webhook-Secret": secret}
    )


def last_reply() -> str:
    return OutboundMessage.objects.filter(kind="reply").order_by("-pk").first().body or ""


def test_a_guided_sms_report_reaches_the_verifiers(
    client: Any, crown: Any, gateway: Any, verifiers: Any
) -> None:
    assert text(client, "ALERT").status_code == 200
    assert "What is happening?" in last_reply() and "1 Immigration raid" in last_reply()
    text(client, "7")
    assert "number from 1 to 4" in last_reply()
    text(client, "2")
    assert "What do you see?" in last_reply()
    text(client, "Marshals changing the locks, family outside")
    assert "Where?" in last_reply()
    text(client, "Nostrand Av and Park Pl")
    assert "Since when?" in last_reply()
    text(client, "20 minutes")
    assert "Verifiers of Crown Heights Mutual Aid will check your report" in last_reply()
    report = Report.objects.get()
    assert (report.kind, report.via, report.state) == ("eviction", "sms", "reported")
    # Cross streets are sealed, for verifiers; the area stays empty until a verifier gives it.
    assert report.where == "Nostrand Av and Park Pl" and report.area == "" and report.cell == ""
    assert report.reporter_phone == PHONE and report.when_seen == "20 minutes"
    assert Notice.objects.filter(kind="alert_report").count() == 2
    with connection.cursor() as cursor:
        cursor.execute('SELECT reporter_phone, "where", what FROM defense_report')
        raw = " ".join(map(str, cursor.fetchone()))
    assert "5550199" not in raw and "Nostrand" not in raw and "Marshals" not in raw


def test_alerta_in_spanish_with_a_known_area(client: Any, crown: Any, gateway: Any, verifiers: Any) -> None:
    text(client, "ALERTA")
    assert "¿Qué está pasando?" in last_reply()
    text(client, "1")
    text(client, "Dos camionetas sin placas")
    text(client, "11216")
    text(client, "ahora")
    assert "Gracias" in last_reply()
    report = Report.objects.get()
    assert report.kind == "raid" and report.cell and report.where == ""


def test_a_forged_sms_report_is_refused(client: Any, crown: Any, gateway: Any, verifiers: Any) -> None:
    for body in ("ALERT", "1", "vans", "11216", "now"):
        assert text(client, body, secret="forged").status_code == 403
    url = reverse("channels_sms_webhook", kwargs={"kind": "generic", "slug": "crown"})
    assert client.post(url, {"from": PHONE, "text": "ALERT", "id": "x"}).status_code == 403
    assert not Report.objects.exists()
    assert not OutboundMessage.objects.exists()
    assert not Notice.objects.exists()


@pytest.mark.usefixtures("one_rate_window")
def test_a_flood_of_sms_reports_from_one_number_is_refused(
    client: Any, crown: Any, gateway: Any, verifiers: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_ALERT_REPORT", "1/h")
    for _ in range(2):
        for body in ("ALERT", "1", "vans", "11216", "now"):
            assert text(client, body).status_code == 200
    assert "Too many reports from this number" in last_reply()
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("word", "question", "thanks"),
    [("ALÈT", "Kisa k ap pase?", "Mèsi."), ("alerte", "Que se passe-t-il ?", "Merci.")],
)
def test_alet_and_alerte_report_in_kreyol_and_french(
    client: Any, crown: Any, gateway: Any, verifiers: Any, word: str, question: str, thanks: str
) -> None:
    text(client, word)
    assert question in last_reply()
    for body in ("2", "Twa machin lapolis", "11216", "kounye a"):
        text(client, body)
    assert last_reply().startswith(thanks)
    report = Report.objects.get()
    assert report.kind == "eviction" and report.cell
