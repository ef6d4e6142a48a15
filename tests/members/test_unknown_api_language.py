"""An /api/ address that does not exist answers in the token holder's language when the request names none
(as the API's own answers do), and is no token oracle: the same status, headers and shape with a valid
token, a wrong one or none; the token's last use is not touched (note 9)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from mutualaid.members.models import AccessToken, User
from mutualaid.members.services import access_token_create

UNKNOWN = "/api/v1/no-such-thing"


def _get(token: str | None, **headers: str) -> Any:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return Client(headers=headers).get(UNKNOWN)


def test_an_unknown_api_address_answers_in_the_token_holders_language(fay: Any) -> None:
    User.objects.filter(pk=fay.pk).update(language="es")
    record, token = access_token_create(user=fay, name="script")
    AccessToken.objects.filter(pk=record.pk).update(last_used_on=None)
    mine = _get(token)
    assert mine.status_code == 404
    assert mine.json()["errors"]["__all__"] == ["No se encontró."]
    assert mine["Content-Language"] == "es"
    # The request's own language still comes first.
    assert _get(token, Accept_Language="fr")["Content-Language"] == "fr"
    assert _get(token, Accept_Language="fr").json()["errors"]["__all__"] == ["Introuvable."]
    # Asking an address that answers nothing does not count as using the token.
    assert AccessToken.objects.get(pk=record.pk).last_used_on is None


def test_an_unknown_api_address_tells_nothing_about_a_token(fay: Any) -> None:
    _record, token = access_token_create(user=fay, name="script")
    answers = [_get(token), _get("mat_" + "x" * 40), _get(None), _get("not-even-a-token")]
    assert {response.status_code for response in answers} == {404}
    shapes = {
        (tuple(sorted(response.json())), tuple(sorted(response.json()["errors"]))) for response in answers
    }
    assert len(shapes) == 1
    # Any Authorization header gets Cache-Control: no-store (core.middleware), valid or not.
    names = [{name.lower() for name in response.headers} for response in (answers[0], answers[1], answers[3])]
    assert all(found == names[0] for found in names), [sorted(found ^ names[0]) for found in names]
