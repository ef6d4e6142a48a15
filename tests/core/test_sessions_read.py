"""Sessions read with one written-out query (core/sessions.py): a live session logs in, and a session
deleted or expired anywhere (logout or panic on another app server, a password change) is refused at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from mutualaid.core.sessions import SessionStore


def test_the_project_reads_sessions_this_way() -> None:
    assert settings.SESSION_ENGINE == "mutualaid.core.sessions"


def test_live_deleted_and_expired_sessions(ben: Any, client_for: Any) -> None:
    client = client_for(ben)
    key = client.cookies["sessionid"].value
    assert SessionStore(key).load()["_auth_user_id"] == str(ben.pk)
    assert client.get(reverse("profile")).status_code == 200

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    assert client.get(reverse("profile")).status_code == 302  # to the login page

    client = client_for(ben)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).delete()  # as a logout in another process does
    assert SessionStore(key).load() == {}
    assert client.get(reverse("profile")).status_code == 302
    assert SessionStore("no-such-session-key").load() == {}
