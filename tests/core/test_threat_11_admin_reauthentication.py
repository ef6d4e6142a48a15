"""THREATS.md property 11 for the Django admin's sensitive edits: making someone staff or superuser,
changing roles, invitations, API tokens or second-factor keys, and deleting anything need a password and a
second-factor code typed within the last few minutes (allauth's re-authentication pages). A session left
open, or stolen, can read the admin but not hand out power."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)
from django.test import Client
from django.urls import reverse

from mutualaid.members.models import Membership, User
from tests.conftest import PASSWORD, make_user
from tests.totp import current_code


def _operator() -> tuple[User, str]:
    root = make_user("root", is_staff=True)
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    secret = generate_totp_secret()
    TOTP.activate(root, secret)
    return root, secret


def _logged_in(secret: str) -> Client:
    client = Client()
    assert client.post(reverse("account_login"), {"login": "root", "password": PASSWORD}).status_code == 302
    assert client.post(reverse("mfa_authenticate"), {"code": current_code(secret)}).status_code == 302
    return client


def _make_staff(client: Client, user: User) -> Any:
    url = reverse("admin:members_user_change", args=[user.pk])
    return client.post(
        url,
        {
            "username": user.username,
            "display_name": user.display_name,
            "language": user.language,
            "is_active": "on",
            "is_staff": "on",
        },
    )


def test_a_fresh_login_may_make_someone_staff(db: Any) -> None:
    _root, secret = _operator()
    ben = make_user("ben")
    client = _logged_in(secret)
    answer = _make_staff(client, ben)
    assert answer.status_code == 302 and answer["Location"].startswith("/admin/"), answer.content[:500]
    assert User.objects.get(pk=ben.pk).is_staff


def test_a_session_older_than_the_timeout_must_confirm_password_andcurrent_code(db: Any) -> None:
    _root, secret = _operator()
    ben = make_user("ben")
    client = _logged_in(secret)
    later = time.time() + 301
    with mock.patch("mutualaid.core.admin_site.time.time", return_value=later):
        # Reading is fine; the change is held back until both are typed again.
        assert client.get(reverse("admin:members_user_change", args=[ben.pk])).status_code == 200
        answer = _make_staff(client, ben)
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("account_reauthenticate"))
        assert not User.objects.get(pk=ben.pk).is_staff
    # The password alone is not enough: the second factor is asked next.
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    with mock.patch("mutualaid.core.admin_site.time.time", return_value=time.time() + 1):
        records = client.session["account_authentication_methods"]
        for record in records:
            if record["method"] == "mfa":
                record["at"] -= 400  # the login's code is old; the password was just typed
        session = client.session
        session["account_authentication_methods"] = records
        session.save()
        answer = _make_staff(client, ben)
        assert answer["Location"].startswith(reverse("mfa_reauthenticate"))
        assert not User.objects.get(pk=ben.pk).is_staff
    assert client.post(reverse("mfa_reauthenticate"), {"code": current_code(secret)}).status_code == 302
    assert _make_staff(client, ben).status_code == 302
    assert User.objects.get(pk=ben.pk).is_staff


def test_a_session_without_a_typed_password_cannot_delete_or_change_roles(db: Any, crown: Any) -> None:
    root, _secret = _operator()
    ben = make_user("ben")
    membership = Membership.objects.create(user=ben, group=crown)
    client = Client()
    client.force_login(root)  # a session cookie, nothing typed: as a stolen cookie would be
    answer = client.post(reverse("admin:members_user_delete", args=[ben.pk]), {"post": "yes"})
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=ben.pk).exists()
    answer = client.post(
        reverse("admin:members_membership_change", args=[membership.pk]),
        {"user": ben.pk, "group": crown.pk, "role": "coordinator", "joined_on": "2026-12-01"},
    )
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("account_reauthenticate"))
    assert Membership.objects.get(pk=membership.pk).role == "member"
    # A bulk delete from a list is a deletion too.
    answer = client.post(
        reverse("admin:members_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )
    assert answer["Location"].startswith(reverse("account_reauthenticate"))
    assert Membership.objects.filter(pk=membership.pk).exists()
