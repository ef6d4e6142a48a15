"""The alert pages end to end without JavaScript, in English and Spanish: report, hotline call,
respond, verify (claim, confirm twice, progress, timeline), all-clear; settings and the public
know-your-rights page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.defense.models import Event, Report, Responder
from tests.defense.conftest import web_report


def url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": "crown", **kwargs})


def spanish(user: Any) -> Any:
    user.language = "es"
    user.save(update_fields=["language"])
    return user


def test_report_on_the_web(crown: Any, ben: Any, verifiers: Any, client_for: Any) -> None:
    client = client_for(ben)
    page = client.get(url("defense_report_new"))
    assert page.status_code == 200 and b"Only the group's verifiers see your report" in page.content
    bad = client.post(url("defense_report_new"), {"kind": "raid", "what": "", "area": "Qwxyzville"})
    assert bad.status_code == 400
    assert b"This field is required." in bad.content
    bad = client.post(url("defense_report_new"), {"kind": "raid", "what": "Vans", "area": "Qwxyzville"})
    assert bad.status_code == 400 and "We could not place “Qwxyzville”".encode() in bad.content
    assert not Report.objects.exists()
    done = client.post(
        url("defense_report_new"),
        {"kind": "police", "what": "Six officers at the corner", "area": "11216", "where": "Bedford & Dean"},
    )
    assert done.status_code == 302
    report = Report.objects.get()
    assert (report.kind, report.via, report.where) == ("police", "web", "Bedford & Dean")
    assert "ben" in (report.reporter or "")


def test_hotline_call(crown: Any, ada: Any, verifiers: Any, client_for: Any) -> None:
    client = client_for(ada)
    response = client.post(
        url("defense_hotline"),
        {
            "kind": "raid",
            "what": "Caller saw agents",
            "area": "11225",
            "caller_name": "Rosa",
            "caller_phone": "+17185550123",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.via, report.taken_by_id, report.reporter, report.reporter_phone) == (
        "hotline",
        ada.pk,
        "Rosa",
        "+17185550123",
    )


def test_verify_broadcast_and_all_clear_through_the_pages(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any, client_for: Any
) -> None:
    report = web_report(crown, responders["hal"])
    ada_client, ida_client = client_for(ada), client_for(ida)
    queue = ada_client.get(url("defense_queue"))
    assert queue.status_code == 200 and b"Immigration raid" in queue.content
    page = ada_client.get(url("defense_report", report_id=report.pk))
    assert b"Two unmarked vans" in page.content and b"hal" in page.content
    assert ada_client.post(url("defense_claim", report_id=report.pk)).status_code == 302
    empty = ada_client.post(url("defense_confirm", report_id=report.pk), {"seen": ""})
    assert empty.status_code == 400 and b"This field is required." in empty.content
    assert (
        ada_client.post(url("defense_confirm", report_id=report.pk), {"seen": "Two vans"}).status_code == 302
    )
    assert Report.objects.get().state == "confirming"
    again = ada_client.post(url("defense_confirm", report_id=report.pk), {"seen": "Still there"}, follow=True)
    assert "You already confirmed this report" in again.content.decode()
    assert ida_client.post(url("defense_confirm", report_id=report.pk), {"seen": "Yes"}).status_code == 302
    assert Report.objects.get().state == "sent"
    page = ada_client.get(url("defense_report", report_id=report.pk))
    text = page.content.decode()
    assert "2 responders, 0 of 2 messages sent, 2 waiting, 0 failed" in text
    assert "Alert queued for responders" in text and "Send the all-clear" in text
    # A member who got it sees the sent alert; the all-clear closes it.
    member = client_for(responders["ben"]).get(url("defense_home"))
    assert b"Immigration raid" in member.content
    assert ada_client.post(url("defense_clear", report_id=report.pk)).status_code == 302
    assert Report.objects.get().state == "cleared"
    assert list(Event.objects.values_list("what", flat=True)) == [
        "reported",
        "claimed",
        "confirmed",
        "confirmed",
        "sent",
        "cleared",
    ]


def test_respond_opt_in_and_out(crown: Any, ben: Any, client_for: Any) -> None:
    client = client_for(ben)
    refused = client.post(url("defense_respond"), {"area": "11216", "radius_km": "2", "by_sms": "on"})
    assert refused.status_code == 400 and b"Add a phone number to your account first." in refused.content
    assert client.post(url("defense_respond"), {"area": "11216", "radius_km": "2"}).status_code == 302
    responder = Responder.objects.get(user=ben)
    assert responder.cell_rows.count() >= 3
    assert client.post(url("defense_respond"), {"action": "stop"}).status_code == 302
    assert not Responder.objects.exists()


def test_pages_in_spanish(crown: Any, ada: Any, ben: Any, verifiers: Any, client_for: Any) -> None:
    report = web_report(crown, ben)
    home = client_for(spanish(ben)).get(url("defense_home")).content.decode()
    assert "Alertas de respuesta rápida" in home and "Reporte lo que ve" in home
    page = client_for(spanish(ada)).get(url("defense_report", report_id=report.pk)).content.decode()
    assert "Redada migratoria" in page and "Voy en camino" in page and "Cronología" in page
    form = client_for(ben).post(url("defense_report_new"), {"kind": "raid", "what": "", "area": ""})
    assert "Este campo es obligatorio." in form.content.decode()


def test_settings_and_the_public_rights_page(crown: Any, ada: Any, client_for: Any) -> None:
    anonymous = client_for(None)
    english = anonymous.get(reverse("defense_rights", kwargs={"slug": "crown"}))
    assert english.status_code == 200
    assert b"You have the right to remain silent" in english.content
    assert b"Crown Heights Mutual Aid" in english.content
    spanish_page = anonymous.get(reverse("defense_rights", kwargs={"slug": "crown"}), {"lang": "es"})
    assert "Usted tiene derecho a guardar silencio" in spanish_page.content.decode()
    saved = client_for(ada).post(
        url("defense_settings"),
        {"expire_hours": "4", "rights_en": "Our rights\n\nCall our lawyer <b>now</b>.", "rights_es": ""},
    )
    assert saved.status_code == 302
    own = anonymous.get(reverse("defense_rights", kwargs={"slug": "crown"})).content.decode()
    assert "<h1>Our rights</h1>" in own and "Call our lawyer &lt;b&gt;now&lt;/b&gt;." in own
    assert (
        "Usted tiene derecho"
        in anonymous.get(reverse("defense_rights", kwargs={"slug": "crown"}), {"lang": "es"}).content.decode()
    )
    assert anonymous.get(reverse("defense_rights", kwargs={"slug": "nope"})).status_code == 404


RIGHTS_OPENINGS = {
    "ht": "Ou gen dwa pou w pa di anyen.",
    "fr": "Tu as le droit de garder le silence.",
    "zh-hans": "你有权保持沉默。",
    "ar": "لك الحق في التزام الصمت.",
}


def test_the_rights_page_speaks_every_site_language(crown: Any, ada: Any, client_for: Any) -> None:
    """Kreyòl, French, Chinese and Arabic readers got the English text (the page knew only en and es); the
    demo run found it from an alert notice's link. A group's own English text does not replace theirs."""
    from django.conf import settings

    client_for(ada).post(
        url("defense_settings"),
        {"expire_hours": "4", "rights_en": "Our rights\n\nCall our lawyer.", "rights_es": ""},
    )
    anonymous = client_for(None)
    page_url = reverse("defense_rights", kwargs={"slug": "crown"})
    for language, opening in RIGHTS_OPENINGS.items():
        asked = anonymous.get(page_url, {"lang": language}).content.decode()
        assert opening in asked and "Crown Heights Mutual Aid" in asked, language
        assert "remain silent" not in asked and "Our rights" not in asked, language
        # The visitor's own site language, with no ?lang, gives the same text.
        anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        assert opening in anonymous.get(page_url).content.decode(), language
    del anonymous.cookies[settings.LANGUAGE_COOKIE_NAME]
    arabic = anonymous.get(page_url, {"lang": "ar"}).content.decode()
    assert '<article lang="ar" dir="rtl">' in arabic
    # Every language links to the others, each named in its own words; the group's own text stays for English.
    assert 'href="?lang=ht"' in arabic and "Kreyòl ayisyen" in arabic and 'href="?lang=en"' in arabic
    assert "<h1>Our rights</h1>" in anonymous.get(page_url, {"lang": "en"}).content.decode()
    assert "Usted tiene derecho" in anonymous.get(page_url, {"lang": "es-MX"}).content.decode()
    assert "Our rights" in anonymous.get(page_url, {"lang": "xx"}).content.decode()
