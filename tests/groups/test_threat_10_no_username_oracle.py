"""THREATS.md property 10 for the public join form: it tells nobody whether a username exists.

A sign-up asking to join answers the same whether the chosen name is free or taken (same page, same
message, nobody logged in, one password hash either way); the new account cannot log in until a coordinator
approves, so trying the chosen password afterwards tells nothing either. A taken name gets a free variant,
which the approval tells the person and shows the coordinator.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client
from django.urls import reverse

from mutualaid.channels.models import Notice
from mutualaid.members.models import JoinRequest, Membership, User
from mutualaid.members.services import join_request_decide
from tests.channels.conftest import run_jobs
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-new-neighbour-passphrase-7"


def _ask(group: Any, username: str) -> tuple[Any, Client]:
    client = Client()
    response = client.post(
        reverse("join_request", kwargs={"slug": group.slug}),
        {
            "username": username,
            "password": NEW_PASSWORD,
            "display_name": "New neighbour",
            "language": "en",
            "email": f"{username.lower()}@example.org",
            "message": "I can cook",
        },
        follow=True,
    )
    return response, client


def _login(username: str, password: str) -> Any:
    return Client().post(reverse("account_login"), {"login": username, "password": password})


def _visible(response: Any) -> str:
    # The page minus its per-request tokens (CSRF and CSP nonce).
    import re

    return re.sub(r'(value|nonce|content)="[^"]{20,}"', "", response.content.decode())


def test_a_taken_username_gets_the_same_answer_as_a_free_one(crown: Any, ben: Any) -> None:
    with mock.patch("django.contrib.auth.base_user.make_password", wraps=make_password) as hashing:
        free, free_client = _ask(crown, "newcomer")
        free_hashes = [c.args[0] for c in hashing.call_args_list if c.args[0] is not None]
        taken, taken_client = _ask(crown, "BEN")  # ben exists (any case)
        hashes = [c.args[0] for c in hashing.call_args_list if c.args[0] is not None]
    assert free.redirect_chain == taken.redirect_chain == [(f"/g/{crown.slug}/", 302)]
    assert free.status_code == taken.status_code == 200
    assert _visible(free) == _visible(taken)
    assert "log in with your username and password" in _visible(free)
    assert "taken" not in _visible(taken)
    # Nobody is logged in either way, and both cost one password hash (the same timing class).
    assert "_auth_user_id" not in free_client.session and "_auth_user_id" not in taken_client.session
    assert free_hashes == [NEW_PASSWORD] and hashes == [NEW_PASSWORD, NEW_PASSWORD]
    # Both requests wait for a coordinator; ben's own account is untouched.
    assert JoinRequest.objects.filter(group=crown, status="pending").count() == 2
    variant = JoinRequest.objects.get(username_was_taken=True).user
    assert variant.username.startswith("BEN-") and variant.pk != ben.pk
    assert _login("ben", PASSWORD).status_code == 302


def test_until_approved_the_chosen_password_tells_nothing(crown: Any, ben: Any, ada: Any) -> None:
    _ask(crown, "newcomer")
    _ask(crown, "ben")
    wrong = _login("nobody-here", NEW_PASSWORD)
    for username in ("newcomer", "ben"):
        answer = _login(username, NEW_PASSWORD)
        assert answer.status_code == wrong.status_code == 200
        assert _visible(answer).replace(username, "nobody-here") == _visible(wrong)
    assert not User.objects.get(username="newcomer").has_usable_password()
    request = JoinRequest.objects.get(user__username="newcomer")
    join_request_decide(join_request=request, decided_by=ada, approve=True)
    request.refresh_from_db()
    assert request.pending_password == ""
    assert _login("newcomer", NEW_PASSWORD).status_code == 302
    assert Membership.objects.filter(user__username="newcomer", group=crown).exists()


def test_a_taken_name_is_resolved_on_approval(
    crown: Any, ben: Any, ada: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _ask(crown, "ben")
    request = JoinRequest.objects.get(username_was_taken=True)
    variant = request.user.username
    page = client_for(ada).get(reverse("members", kwargs={"slug": crown.slug})).content.decode()
    assert f"once approved they log in as {variant}" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        join_request_decide(join_request=request, decided_by=ada, approve=True)
    run_jobs()
    assert Notice.objects.filter(user=request.user, kind="join_approved_new_account").exists()
    assert any(variant in m.body for m in mail.outbox), [m.body for m in mail.outbox]
    assert _login(variant, NEW_PASSWORD).status_code == 302
    assert (
        _login("ben", NEW_PASSWORD).status_code == 200
    )  # ben's account still answers to ben's password only


def test_a_declined_request_never_logs_in(crown: Any, ada: Any) -> None:
    _ask(crown, "newcomer")
    request = JoinRequest.objects.get(user__username="newcomer")
    join_request_decide(join_request=request, decided_by=ada, approve=False)
    request.refresh_from_db()
    assert request.pending_password == ""
    assert _login("newcomer", NEW_PASSWORD).status_code == 200
