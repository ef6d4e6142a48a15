"""The footer's language switch works for a logged-in member too (issue 11)."""

from __future__ import annotations

from typing import Any


def test_footer_switch_changes_a_members_language(client_for: Any, ben: Any) -> None:
    client = client_for(ben)
    assert 'lang="en"' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    ben.refresh_from_db()
    assert ben.language == "es"
    assert 'lang="es"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    ben.refresh_from_db()
    assert ben.language == "en"


def test_an_unknown_language_changes_nothing(client_for: Any, ben: Any) -> None:
    client_for(ben).post("/i18n/setlang/", {"language": "xx", "next": "/"})
    ben.refresh_from_db()
    assert ben.language == "en"


def test_a_cross_site_switch_without_a_token_changes_nothing(client_for: Any, ben: Any) -> None:
    response = client_for(ben, csrf=True).post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 403
    ben.refresh_from_db()
    assert ben.language == "en"


def test_the_switch_offers_kreyol_and_french_and_the_pages_speak_them(client_for: Any, ben: Any) -> None:
    client = client_for(ben)
    page = client.get("/").content.decode()
    assert '<option value="ht">Kreyòl ayisyen</option>' in page
    assert '<option value="fr">français</option>' in page
    for language, words in (
        ("ht", ("Gwoup mwen yo", "Dekonekte")),
        ("fr", ("Mes groupes", "Se déconnecter")),
    ):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        ben.refresh_from_db()
        assert ben.language == language
        page = client.get("/").content.decode()
        assert f'lang="{language}"' in page
        assert all(word in page for word in words), language


def test_every_site_language_is_in_the_menu_and_arabic_is_right_to_left(client_for: Any, ben: Any) -> None:
    """Issue 18: Haitian Creole (which Django does not know: settings adds its LANG_INFO), French,
    Simplified Chinese and Arabic are in the footer's menu under their own names; a member who picks
    Chinese keeps it as their preferred language ("zh") and is served the Simplified Chinese site."""
    client = client_for(ben)
    page = client.get("/").content.decode()
    for code, name in [
        ("ht", "Kreyòl ayisyen"),
        ("fr", "français"),
        ("zh-hans", "简体中文"),
        ("ar", "العربيّة"),
    ]:
        assert f'<option value="{code}">{name}</option>' in page
    assert 'dir="rtl"' not in page
    for code, html, preferred in [
        ("ar", '<html lang="ar" dir="rtl">', "ar"),
        ("zh-hans", '<html lang="zh-hans">', "zh"),
        ("ht", '<html lang="ht">', "ht"),
        ("fr", '<html lang="fr">', "fr"),
    ]:
        assert client.post("/i18n/setlang/", {"language": code, "next": "/"}).status_code == 302
        ben.refresh_from_db()
        assert ben.language == preferred
        assert html in client.get("/").content.decode()
