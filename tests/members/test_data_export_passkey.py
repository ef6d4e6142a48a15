"""A member whose second factor is a passkey downloads their data (members.services.data_export).

A passkey cannot be typed as a code. The page sends its owner through allauth's passkey re-authentication
(the same ceremony as at login, JavaScript needed) and back; a second factor this session proved within
the re-authentication timeout counts. Without JavaScript a recovery code does, as at login. The API, with
a token, has no ceremony: a passkey-only member is refused a download on the password alone."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _add_passkey(user: Any) -> None:
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "phone"})


def _recovery_code(user: Any) -> str:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    return str(RecoveryCodes.activate(user).get_unused_codes()[0])


def _prove_second_factor(
    client: Client, user: Any, *, seconds_ago: float = 0, kind: str = "webauthn"
) -> None:
    """What allauth records in the session once the passkey ceremony succeeded (login or re-auth)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    session = client.session
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "mfa", "at": time.time() - seconds_ago, "type": kind, "reauthenticated": True}
    ]
    session.save()


def _is_file(response: Any) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("application/json")


def test_a_passkey_only_member_is_sent_to_the_passkey_ceremony_not_let_through_on_a_password(
    ben: Any, client_for: Any
) -> None:
    from mutualaid.channels.models import Notice

    _add_passkey(ben)
    client = client_for(ben)
    url = reverse("data_export")
    page = client.get(url)
    assert b'name="code"' not in page.content
    ceremony = f"{reverse('mfa_reauthenticate_webauthn')}?next=%2Fme%2Fexport%2F"
    assert ceremony.encode() in page.content
    assert b"A passkey needs JavaScript" in page.content
    refused = client.post(url, {"password": PASSWORD})
    assert not _is_file(refused)
    assert refused.context["form"].non_field_errors() == [
        "Confirm it is you with your passkey first: on the page Download my data, in a browser with "
        "JavaScript."
    ]
    assert not Notice.objects.filter(user=ben, kind="data_exported").exists()


def test_after_the_passkey_ceremony_the_password_is_enough_for_a_while(ben: Any, client_for: Any) -> None:
    from allauth.account import app_settings as account_settings

    _add_passkey(ben)
    client = client_for(ben)
    url = reverse("data_export")
    _prove_second_factor(client, ben, seconds_ago=account_settings.REAUTHENTICATION_TIMEOUT + 5)
    assert not _is_file(client.post(url, {"password": PASSWORD})), "an old ceremony does not count"
    _prove_second_factor(client, ben)
    page = client.get(url)
    assert b"confirmed your passkey" in page.content
    assert not _is_file(client.post(url, {"password": "not-mine"})), "the password is still asked"
    response = client.post(url, {"password": PASSWORD})
    assert _is_file(response)
    assert json.loads(response.content)["apps"]["members"]["second_factor"]["kinds"] == ["webauthn"]


def test_without_javascript_a_recovery_code_stands_in_for_the_passkey(ben: Any, client_for: Any) -> None:
    _add_passkey(ben)
    code = _recovery_code(ben)
    client = client_for(ben)
    url = reverse("data_export")
    page = client.get(url)
    assert b'name="code"' in page.content and b"type one of your recovery codes" in page.content
    assert set(client.post(url, {"password": PASSWORD}).context["form"].errors) == {"code"}
    assert _is_file(client.post(url, {"password": PASSWORD, "code": code}))


def test_the_api_refuses_a_passkey_only_member_on_the_password_alone(ben: Any, api_for: Any) -> None:
    _add_passkey(ben)
    client = api_for(ben)
    url = reverse("api:me_export")
    refused = client.get(url, headers={"X-Password": PASSWORD})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"code"}
    code = _recovery_code(ben)
    assert client.get(url, headers={"X-Password": PASSWORD, "X-Second-Factor-Code": code}).status_code == 200


def test_a_code_typed_at_login_does_not_stand_in_for_one_typed_here(ada: Any, client_for: Any) -> None:
    """Only the passkey's ceremony counts from the session: a member with an app's codes types one."""
    client = client_for(ada)
    _prove_second_factor(client, ada, kind="totp")
    page = client.get(reverse("data_export"))
    assert b'name="code"' in page.content
    assert set(client.post(reverse("data_export"), {"password": PASSWORD}).context["form"].errors) == {"code"}
