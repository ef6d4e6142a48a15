"""THREATS.md properties 10 and 11 for the Django admin: no login form of its own (the site's login counts
failures per account and asks for the second factor), staff need a second factor, and its change log
names rows by id, never by their (sealed) text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.admin.models import ADDITION, LogEntry
from django.test import Client

from tests.conftest import PASSWORD, enable_totp, make_user
from tests.exchange.conftest import make_post


def _root() -> Any:
    root = make_user("root", is_staff=True)
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    return root


def test_admin_login_form_is_the_site_login(db: Any) -> None:
    _root()
    client = Client()
    answer = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_staff_without_second_factor_is_refused(db: Any, client_for: Callable[..., Client]) -> None:
    root = _root()
    client = client_for(root)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/").status_code == 403
    enable_totp(root)
    assert client.get("/admin/").status_code == 200


def test_admin_log_keeps_ids_not_texts(ben: Any, crown: Any) -> None:
    post = make_post(crown, ben, title="Landlord threatening eviction")
    LogEntry.objects.log_actions(ben.pk, [post], ADDITION, single_object=True)
    entry = LogEntry.objects.get()
    assert entry.object_repr == f"post {post.pk}"
    assert "eviction" not in entry.object_repr
