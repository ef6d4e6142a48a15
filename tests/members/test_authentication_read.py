"""The logged-in user read by a written-out query (members/authentication.py) keeps every check of
Django's `get_user`: the session's hash against the user's (a password change ends other sessions), an
inactive or deleted account, a backend no longer configured. Nothing is cached between requests."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from mutualaid.core.sessions import SessionStore
from mutualaid.members.authentication import get_user
from mutualaid.members.models import User


def test_the_project_authenticates_this_way() -> None:
    assert "mutualaid.members.authentication.MemberAuthenticationMiddleware" in settings.MIDDLEWARE
    assert "django.contrib.auth.middleware.AuthenticationMiddleware" not in settings.MIDDLEWARE


def test_the_user_is_the_orm_user(ben: Any, client_for: Any, rf: Any) -> None:
    client = client_for(ben)
    request = rf.get("/")
    request.session = SessionStore(client.cookies["sessionid"].value)
    user = get_user(request)
    assert type(user) is User and user.pk == ben.pk
    orm = User.objects.get(pk=ben.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(orm, field.attname), field.attname


def test_password_change_elsewhere_ends_the_session(ben: Any, client_for: Any) -> None:
    client = client_for(ben)
    assert client.get(reverse("profile")).status_code == 200
    key = client.cookies["sessionid"].value
    user = User.objects.get(pk=ben.pk)
    user.set_password("an entirely new password 42")
    user.save()  # as another app server does
    assert client.get(reverse("profile")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()  # flushed


def test_inactive_deleted_and_unconfigured_are_refused(ben: Any, fay: Any, client_for: Any) -> None:
    client = client_for(ben)
    assert client.get(reverse("profile")).status_code == 200
    User.objects.filter(pk=ben.pk).update(is_active=False)
    assert client.get(reverse("profile")).status_code == 302

    client = client_for(fay)
    key = client.cookies["sessionid"].value
    store = SessionStore(key)
    store.load()
    store[BACKEND_SESSION_KEY] = "some.removed.Backend"
    store.save()
    assert client.get(reverse("profile")).status_code == 302

    client = client_for(fay)
    assert client.get(reverse("profile")).status_code == 200
    User.objects.filter(pk=fay.pk).delete()
    assert client.get(reverse("profile")).status_code == 302
