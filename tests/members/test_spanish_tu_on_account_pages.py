"""allauth's own pages speak Spanish as "tú", like the rest of the site. The walk-through found "usted" on
them ("Por favor, vuelva a autenticarse para proteger su cuenta", "Introduzca su contraseña", "¿Está
seguro?"): core's catalogue names those strings (core/allauth_words.py) and Django reads it over allauth's."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from tests.conftest import PASSWORD
from tests.totp import code_for

# How allauth's Spanish addresses a member formally on these pages: "usted", the possessive "su/sus" (the
# site says "tu/tus"), and its usted imperatives and verbs.
FORMAL = re.compile(
    r"\b(usted|ustedes|su|sus|Ingrese|Introduzca|Escriba|Utilice|Vuelva|vuelva|Inténtelo|Escanee|entre el|"
    r"Está seguro|Puede|desea|Debe escribir|ha indicado|Ha iniciado|Ha cerrado|Olvidó|Ha olvidado|Está a punto|"
    r"le permite)\b"
)


def _main(html: str) -> str:
    """The page's own words: its main element, without tags or the data a script reads."""
    main = html.split('id="main"', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _spanish_client(user: Any) -> Client:
    user.language = "es"  # once logged in, the member's own language wins over the cookie
    user.save(update_fields=["language"])
    client = Client()
    client.cookies["django_language"] = "es"
    return client


def _account_pages(ada: Any, ben: Any) -> dict[str, str]:
    pages = {}
    client = _spanish_client(ada)
    pages["login"] = client.get("/accounts/login/").content.decode()
    pages["login, wrong password"] = client.post(
        "/accounts/login/", {"login": "ada", "password": "not it"}
    ).content.decode()
    pages["second factor"] = client.post(
        "/accounts/login/", {"login": "ada", "password": PASSWORD}, follow=True
    ).content.decode()
    pages["second factor, wrong code"] = client.post(
        "/accounts/2fa/authenticate/", {"code": "000000"}
    ).content.decode()
    assert client.post("/accounts/2fa/authenticate/", {"code": code_for(ada)}).status_code == 302
    for name, path in [
        ("reauthenticate", "/accounts/reauthenticate/"),
        ("reauthenticate with a code", "/accounts/2fa/reauthenticate/"),
        ("second factor settings", "/accounts/2fa/"),
        ("logout", "/accounts/logout/"),
    ]:
        pages[name] = client.get(path, follow=True).content.decode()
    pages["reauthenticate, wrong password"] = client.post(
        "/accounts/reauthenticate/", {"password": "not it"}
    ).content.decode()
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    for name, path in [
        ("password change", "/accounts/password/change/"),
        ("new recovery codes", "/accounts/2fa/recovery-codes/generate/"),
        ("authenticator app off", "/accounts/2fa/totp/deactivate/"),
        ("security key", "/accounts/2fa/webauthn/add/"),
    ]:
        pages[name] = client.get(path, follow=True).content.decode()
    pages["password change, wrong password"] = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not it", "password1": "x", "password2": "y"},
    ).content.decode()
    # A member without a second factor sets one up.
    client = _spanish_client(ben)
    client.post("/accounts/login/", {"login": "ben", "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    pages["authenticator app on"] = client.get("/accounts/2fa/totp/activate/", follow=True).content.decode()
    return {name: _main(html) for name, html in pages.items()}


def test_account_pages_speak_to_the_member_as_tu(ada: Any, ben: Any) -> None:
    pages = _account_pages(ada, ben)
    formal = {name: FORMAL.findall(text) for name, text in pages.items() if FORMAL.search(text)}
    assert not formal, formal
    # They are the Spanish pages (in English the check above would pass for nothing), in the site's words.
    expected = {
        "login, wrong password": "El usuario o la contraseña que escribiste no son correctos.",
        "second factor": "Escribe un código de tu aplicación de autenticación:",
        "reauthenticate": "Confirma que eres tú para proteger tu cuenta. Escribe tu contraseña:",
        "reauthenticate with a code": "Usa tu contraseña",
        "logout": "¿Seguro que quieres cerrar la sesión?",
        "password change": "Tu contraseña debe tener al menos 10 caracteres.",
        "password change, wrong password": "Escribe tu contraseña actual.",
        "new recovery codes": "Vas a generar un nuevo juego de códigos de recuperación para tu cuenta.",
        "authenticator app off": "¿Quieres seguir?",
        "authenticator app on": "escanea el código QR",
    }
    missing = {name: words for name, words in expected.items() if words not in pages[name]}
    assert not missing, {name: pages[name][:400] for name in missing}
