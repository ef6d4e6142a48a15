"""Every 4xx from /api/ has one shape, {"detail": <code>, "errors": {<field>: [<message>, …]}}, with the
messages in the language the request asks for (Accept-Language, else the member's language): docs/api.md."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.helpers import make_post


def _shape(response: Any, status: int, detail: str) -> dict[str, list[str]]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"] == detail
    errors = body["errors"]
    assert errors and all(
        isinstance(field, str) and messages and all(isinstance(m, str) and m for m in messages)
        for field, messages in errors.items()
    )
    return errors


@pytest.mark.parametrize(
    ("language", "required", "whole"),
    [
        ("en", "This field is required.", "Enter a whole number."),
        ("es", "Este campo es obligatorio.", "Escribe un número entero."),
    ],
)
def test_schema_errors_name_the_field_in_the_requested_language(
    api_for: Any, ben: Any, crown: Any, language: str, required: str, whole: str
) -> None:
    response = api_for(ben).post(
        reverse("api:exchange_post_create", args=[crown.slug]),
        {"category": "food", "title": "Rice", "quantity": "lots"},
        content_type="application/json",
        headers={"Accept-Language": language},
    )
    errors = _shape(response, 422, "invalid")
    assert errors == {"kind": [required], "quantity": [whole]}


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "You cannot claim your own post."), ("es", "No puedes tomar tu propia publicación.")],
)
def test_service_errors_speak_the_requested_language(
    api_for: Any, ben: Any, crown: Any, language: str, message: str
) -> None:
    post = make_post(crown, ben)
    response = api_for(ben).post(
        reverse("api:exchange_claim_create", args=[crown.slug, post.pk]),
        headers={"Accept-Language": language},
    )
    assert _shape(response, 422, "invalid") == {"__all__": [message]}


def test_without_accept_language_the_member_reads_their_own_language(
    api_for: Any, ben: Any, crown: Any
) -> None:
    ben.language = "es"
    ben.save(update_fields=["language"])
    post = make_post(crown, ben)
    response = api_for(ben).post(reverse("api:exchange_claim_create", args=[crown.slug, post.pk]))
    assert _shape(response, 422, "invalid") == {"__all__": ["No puedes tomar tu propia publicación."]}
    assert response["Content-Language"] == "es"


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_form_encoded_body_is_refused_in_words(api_for: Any, ben: Any, crown: Any, language: str) -> None:
    response = api_for(ben).post(
        reverse("api:exchange_post_create", args=[crown.slug]),
        "kind=need&title=Rice",
        content_type="application/x-www-form-urlencoded",
        headers={"Accept-Language": language},
    )
    [message] = _shape(response, 400, "bad request")["__all__"]
    assert "Cannot parse" not in message and "application/json" in message
    assert ("JSON" in message) and (("cuerpo" in message) == (language == "es"))


@pytest.mark.parametrize(
    ("language", "unauthorized", "missing"),
    [
        ("en", "Send a valid personal access token", "Not found."),
        ("es", "Envía un token de acceso personal válido", "No se encontró."),
    ],
)
def test_401_403_404_share_the_shape(
    api_for: Any, fay: Any, cy: Any, crown: Any, language: str, unauthorized: str, missing: str
) -> None:
    headers = {"Accept-Language": language}
    anonymous = api_for(None).get(reverse("api:exchange_board", args=[crown.slug]), headers=headers)
    assert _shape(anonymous, 401, "unauthorized")["__all__"][0].startswith(unauthorized)
    post = make_post(crown, fay)
    outsider = api_for(cy).get(
        reverse("api:exchange_post_detail", args=[crown.slug, post.pk]), headers=headers
    )
    assert outsider.status_code in (403, 404)
    gone = api_for(fay).get(
        reverse("api:exchange_post_detail", args=[crown.slug, post.pk + 999]), headers=headers
    )
    assert _shape(gone, 404, "not found") == {"__all__": [missing]}


def test_a_nul_character_is_refused_in_the_shape_and_the_requested_language(api_for: Any, ada: Any) -> None:
    api = api_for(ada)
    spanish = api.get("/api/v1/directory", {"q": "a\x00b"}, headers={"Accept-Language": "es"})
    [message] = _shape(spanish, 400, "bad request")["__all__"]
    assert "NUL" in message and "no se permite" in message
    # The thread's last language does not carry into the next request that asks for English.
    english = api.get("/api/v1/directory", {"q": "a\x00b"}, headers={"Accept-Language": "en"})
    assert _shape(english, 400, "bad request") == {
        "__all__": ["The request contains a NUL character, which is not allowed in text."]
    }
