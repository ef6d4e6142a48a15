"""A member downloads their own data (core.export, members.services.data_export): the page and the API
ask for the password (and the second factor) again, count attempts, audit and tell; the document holds
the member's own data, decrypted, and names other members by display name only."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mutualaid.core.classification import is_project_model
from tests.conftest import PASSWORD
from tests.helpers import make_post
from tests.totp import code_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(crown: Any, ben: Any, fay: Any) -> dict[str, Any]:
    """Ben needs groceries and gave a door note; fay claims and writes to him; ben answers."""
    from mutualaid.exchange import services as exchange
    from mutualaid.members.services import access_token_create, profile_update

    profile_update(
        user=ben, display_name="Ben", language="es", email="ben@example.org", phone="+1 718 555 0101"
    )
    profile_update(
        user=fay, display_name="Fay", language="en", email="fay@example.org", phone="+1 718 555 0199"
    )
    post = make_post(crown, ben, title="Rice and beans for four", details="Buzzer 4B, ring twice")
    claim = exchange.claim_create(post=post, claimant=fay)
    exchange.message_send(claim=claim, author=fay, body="I can bring it Tuesday")
    exchange.message_send(claim=claim, author=ben, body="Tuesday is perfect, thank you")
    access_token_create(user=ben, name="my phone script")
    ben.refresh_from_db()
    return {"post": post, "claim": claim}


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False)


def test_the_document_holds_the_members_own_data_decrypted_and_others_by_name_only(
    story: dict[str, Any], ben: Any
) -> None:
    from mutualaid.core.export import build
    from mutualaid.members.models import AccessToken

    document = build(ben)
    parts = document["apps"]
    account = parts["members"]["account"]
    assert (account["email"], account["phone"], account["language"]) == (
        "ben@example.org",
        "+17185550101",
        "es",
    )
    assert parts["members"]["memberships"][0]["group_slug"] == "crown"
    assert parts["members"]["second_factor"] == {"enrolled": False, "kinds": []}
    [token] = parts["members"]["api_tokens"]
    assert token["name"] == "my phone script"
    assert "token_hash" not in token
    assert AccessToken.objects.get(user=ben).token_hash not in _text(document)
    [post] = parts["exchange"]["posts"]
    assert (post["title"], post["details"]) == ("Rice and beans for four", "Buzzer 4B, ring twice")
    assert [event["action"] for event in post["history"]], "the post's history is in the file"
    assert post["claims"][0]["claimant"] == "Fay"
    assert [m["body"] for m in parts["exchange"]["messages"]] == ["Tuesday is perfect, thank you"]
    text = _text(document)
    # Fay is named, never reached: her contact details and her own words stay hers.
    for theirs in ("fay@example.org", "0199", "I can bring it Tuesday"):
        assert theirs not in text
    assert "search_key" not in text and "email_index" not in text


def test_a_second_factor_is_said_to_be_set_up_never_its_secret(ada: Any) -> None:
    from allauth.mfa.models import Authenticator

    from mutualaid.core.export import build

    document = build(ada)
    assert document["apps"]["members"]["second_factor"] == {"enrolled": True, "kinds": ["totp"]}
    secret = Authenticator.objects.get(user=ada).data["secret"]
    assert secret not in _text(document)


def test_every_model_holding_a_members_data_is_read_by_an_apps_export(
    story: dict[str, Any], ben: Any
) -> None:
    """Walk every installed app: a model with a column naming a member must be read by some app's part
    of the export (a new app's model that none reads fails here), and its app must name a hook."""
    from django.apps import apps

    from mutualaid.core.export import build, personal_data_models
    from mutualaid.core.registry import registered_apps
    from mutualaid.members.models import User

    models = personal_data_models()
    assert User in models and len(models) > 40
    with CaptureQueriesContext(connection) as captured:
        build(ben)
    sql = "\n".join(query["sql"] for query in captured.captured_queries)
    hooked = {app.label for app in registered_apps() if app.personal_data}
    missing = []
    for model in models:
        if model is User:  # the account itself: the members part's "account", from the member's own row
            continue
        quoted = connection.ops.quote_name(model._meta.db_table)
        if quoted not in sql or model._meta.app_label not in hooked:
            missing.append(model._meta.label)
    assert not missing, f"models holding a member's data that no app's export reads: {missing}"
    assert all(is_project_model(model) for model in models)
    assert {config.label for config in apps.get_app_configs()} >= hooked


def test_the_page_asks_for_the_password_again_then_hands_over_the_file(
    story: dict[str, Any], ben: Any, client_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from mutualaid.channels.models import Notice
    from mutualaid.core.models import SensitiveRead

    client = client_for(ben)
    url = reverse("data_export")
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="password"' in page.content and b'name="code"' not in page.content
    assert url.encode() in client.get(reverse("profile")).content
    wrong = client.post(url, {"password": "not-my-password"})
    assert wrong.status_code == 200 and wrong["Content-Type"].startswith("text/html")
    assert not Notice.objects.filter(user=ben, kind="data_exported").exists()
    assert not SensitiveRead.objects.filter(via="export").exists()
    with caplog.at_level(logging.DEBUG):
        response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="mutualaid-my-data-')
    assert response["Cache-Control"] == "no-store"
    document = json.loads(response.content)
    assert document["apps"]["members"]["account"]["email"] == "ben@example.org"
    # Audited (a read of their own record, via the download) and told, with a link to their profile.
    audit = SensitiveRead.objects.get(via="export")
    assert (audit.reader_id, audit.subject_type, audit.subject_id) == (ben.pk, "members.user", ben.pk)
    assert Notice.objects.filter(user=ben, kind="data_exported").count() == 1
    # Never logged: neither the file's contents nor the password.
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "ben@example.org" not in logged and PASSWORD not in logged


def test_a_member_with_a_second_factor_types_a_code_too(ada: Any, client_for: Any) -> None:
    client = client_for(ada)
    url = reverse("data_export")
    assert b'name="code"' in client.get(url).content
    # Both wrong at once: both fields say so.
    both = client.post(url, {"password": "nope", "code": "000000"})
    assert both["Content-Type"].startswith("text/html")
    assert both.context["form"].errors.keys() == {"password", "code"}
    no_code = client.post(url, {"password": PASSWORD})
    assert set(no_code.context["form"].errors) == {"code"}
    response = client.post(url, {"password": PASSWORD, "code": code_for(ada)})
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["apps"]["members"]["second_factor"]["enrolled"] is True


@pytest.mark.usefixtures("one_rate_window")
def test_only_downloads_count_against_the_download_limit(ben: Any, client_for: Any) -> None:
    # A member who mistypes their password twice still gets the file: mistypes are not downloads.
    from mutualaid.members.services import DATA_EXPORT_RATE

    client = client_for(ben)
    url = reverse("data_export")
    allowed = int(DATA_EXPORT_RATE.split("/")[0])
    for _attempt in range(2):
        assert client.post(url, {"password": "guess"})["Content-Type"].startswith("text/html")
    for _download in range(allowed):
        assert client.post(url, {"password": PASSWORD})["Content-Type"].startswith("application/json")
    refused = client.post(url, {"password": PASSWORD})
    assert refused.status_code == 429
    assert not refused["Content-Type"].startswith("application/json")


@pytest.mark.usefixtures("one_rate_window")
def test_wrong_passwords_and_codes_count_against_the_login_lockout(
    ada: Any, client_for: Any, client: Any, settings: Any
) -> None:
    # A stolen session guessing the password here meets the same per-account limit as at the login page.
    settings.MUTUALAID_LOGIN_LOCKOUT = "3/15m"
    session = client_for(ada)
    url = reverse("data_export")
    assert session.post(url, {"password": "guess", "code": code_for(ada)}).status_code == 200
    assert session.post(url, {"password": PASSWORD, "code": "000000"}).status_code == 200
    # A right answer gives its count back.
    assert session.post(url, {"password": PASSWORD, "code": code_for(ada)})["Content-Type"].startswith(
        "application/json"
    )
    assert session.post(url, {"password": "guess", "code": code_for(ada)}).status_code == 200
    refused = session.post(url, {"password": PASSWORD, "code": code_for(ada)})
    assert refused.status_code == 429
    # The login page counts the same attempts: the account is locked there too.
    login = client.post(reverse("account_login"), {"login": "ada", "password": PASSWORD})
    assert "_auth_user_id" not in client.session and login.status_code in (200, 429)


def test_the_api_gives_the_same_document_after_the_password_again(
    story: dict[str, Any], ben: Any, ada: Any, api_for: Any
) -> None:
    from mutualaid.channels.models import Notice

    url = reverse("api:me_export")
    assert api_for(None).get(url).status_code == 401
    client = api_for(ben)
    refused = client.get(url, headers={"X-Password": "nope"})
    assert refused.status_code == 422
    assert "password" in refused.json()["errors"]
    response = client.get(url, headers={"X-Password": PASSWORD})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    document = response.json()
    assert document["format"] == "mutualaid-personal-data"
    assert document["apps"]["exchange"]["posts"][0]["details"] == "Buzzer 4B, ring twice"
    assert Notice.objects.filter(user=ben, kind="data_exported").count() == 1
    coordinator = api_for(ada)
    assert set(coordinator.get(url, headers={"X-Password": PASSWORD}).json()["errors"]) == {"code"}
    done = coordinator.get(url, headers={"X-Password": PASSWORD, "X-Second-Factor-Code": code_for(ada)})
    assert done.status_code == 200
