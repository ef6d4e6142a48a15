"""Members notified by SMS through their group's gateway; the operator's command to connect a gateway."""

from __future__ import annotations

from io import StringIO
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.core.management import CommandError, call_command

from mutualaid.channels import notify
from mutualaid.channels.models import Gateway, NotificationPreference, OutboundMessage
from mutualaid.members.services import profile_update
from tests.channels.conftest import run_jobs


def test_member_who_chose_sms_gets_a_text(
    ben: Any, twilio: Any, http_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    profile_update(user=ben, display_name="Ben", language="es", email="", phone="+1 718 555 0150")
    NotificationPreference.objects.create(user=ben, email="never", sms="now")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=ben, kind="claim", context={"name": "Ada", "title": "Comida", "url": ""})
    run_jobs()
    [sent] = http_server.requests
    form = parse_qs(sent["body"].decode())
    assert form["To"] == ["+17185550150"]
    assert form["Body"] == ["Ada se ofreció a ayudar con «Comida»."]
    assert OutboundMessage.objects.get().status == "sent"


def test_member_without_a_gateway_in_their_groups_gets_no_text(cy: Any, twilio: Any) -> None:
    profile_update(user=cy, display_name="Cy", language="en", email="", phone="+17185550151")
    NotificationPreference.objects.create(user=cy, email="never", sms="now")
    notify(user=cy, kind="reminder", context={"title": "x"})
    assert not OutboundMessage.objects.exists()


def test_unknown_notification_kind_is_a_programming_error(ben: Any) -> None:
    with pytest.raises(ValueError, match="unknown notification kind 'gossip'"):
        notify(user=ben, kind="gossip", context={})


def test_operator_connects_a_gateway_with_secrets_from_the_environment(
    crown: Any, monkeypatch: Any, settings: Any
) -> None:
    settings.MUTUALAID_PUBLIC_URL = "https://aid.example.org"
    monkeypatch.setenv("MUTUALAID_SMS_SECRET", "signing-key-from-env")
    monkeypatch.setenv("MUTUALAID_SMS_API_PASSWORD", "phone-pass")
    out = StringIO()
    call_command(
        "sms_gateway", "crown", "android", "--account", "sms", "--api-url", "http://10.0.0.5:8080", stdout=out
    )
    assert (
        out.getvalue().strip()
        == "Saved. Webhook address for the gateway: https://aid.example.org/channels/sms/android/crown/"
    )
    gateway = Gateway.objects.get()
    assert (gateway.kind, gateway.secret, gateway.api_password, gateway.api_url) == (
        "android",
        "signing-key-from-env",
        "phone-pass",
        "http://10.0.0.5:8080",
    )
    monkeypatch.delenv("MUTUALAID_SMS_SECRET")
    with pytest.raises(CommandError, match="Enter the secret that signs this gateway's webhooks."):
        call_command("sms_gateway", "crown", "generic")
    with pytest.raises(CommandError, match="no group with the slug 'nowhere'"):
        call_command("sms_gateway", "nowhere", "generic")
