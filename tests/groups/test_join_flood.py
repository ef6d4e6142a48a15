"""Floods of sign-ups and join requests are limited without knowing who sends them (THREATS.md 5 and 10).

Anyone may create an account that asks to join a group that accepts requests. No address is kept (every
visitor behind Tor is 127.0.0.1 anyway), so the limits are windows per group and for the whole install:
rotating addresses do not help, and nothing about the sender is stored.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from mutualaid.core.models import RateCounter
from mutualaid.core.ratelimit import RateLimited
from mutualaid.groups.models import Group
from mutualaid.members.models import JoinRequest, User
from mutualaid.members.services import join_request_create, signup_with_join_request
from tests.conftest import PASSWORD, make_user
from tests.races import outcomes, race, require_postgresql


def _signup(group: Group, n: int, **extra: str) -> Any:
    address = f"198.51.100.{n}"
    client = Client(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=address, HTTP_USER_AGENT=f"flood-agent-{n}")
    data = {
        "username": f"newcomer{n}",
        "password": PASSWORD,
        "display_name": f"Newcomer {n}",
        "language": "en",
        "message": "hello",
        **extra,
    }
    return client.post(reverse("join_request", kwargs={"slug": group.slug}), data)


@pytest.fixture
def open_group(db: Any) -> Group:
    return Group.objects.create(name="Open Door", slug="open-door", accepts_requests=True)


@pytest.mark.usefixtures("one_rate_window")
def test_one_groups_queue_is_limited_from_any_address(
    crown: Any, open_group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_JOIN_REQUEST_GROUP", "3/h")
    for n in range(3):
        assert _signup(crown, n).status_code == 302
    response = _signup(crown, 3)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # Nothing of the refused attempt was kept: no account, no request.
    assert not User.objects.filter(username="newcomer3").exists()
    assert JoinRequest.objects.filter(group=crown).count() == 3
    # Another group's queue is not affected.
    assert _signup(open_group, 4).status_code == 302
    assert JoinRequest.objects.filter(group=open_group).count() == 1


@pytest.mark.usefixtures("one_rate_window")
def test_members_asking_to_join_share_the_groups_window(crown: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_JOIN_REQUEST_GROUP", "2/h")
    for name in ("mo", "li"):
        join_request_create(group=crown, user=make_user(name))
    with pytest.raises(RateLimited):
        join_request_create(group=crown, user=make_user("zed"))
    assert JoinRequest.objects.filter(group=crown).count() == 2


@pytest.mark.usefixtures("one_rate_window")
def test_open_sign_ups_are_limited_for_the_whole_install_refusals_included(
    crown: Any, open_group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_SIGNUP_OPEN", "4/h")
    assert _signup(crown, 0).status_code == 302
    assert _signup(open_group, 1).status_code == 302
    # A refused attempt (the password is too short) uses up an attempt too: probing costs the same as
    # signing up. (A taken name is not refused: it gets a variant, see test_threat_10_no_username_oracle.)
    refused = _signup(crown, 2, password="short")
    assert refused.status_code == 200 and "password" in refused.content.decode()
    assert _signup(open_group, 3).status_code == 302
    response = _signup(open_group, 4)
    assert response.status_code == 429
    assert User.objects.filter(username__startswith="newcomer").count() == 3


@pytest.mark.usefixtures("one_rate_window")
def test_a_flood_leaves_no_trace_of_who_sent_it(crown: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_RATE_SIGNUP_OPEN", "2/h")
    for n in range(4):
        _signup(crown, n)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {RateCounter._meta.db_table}")  # noqa: S608 - a fixed table name
        rows = [" ".join(map(str, row)) for row in cursor.fetchall()]
    assert rows
    for row in rows:
        assert "198.51.100" not in row and "flood-agent" not in row and "newcomer" not in row
        assert "install" not in row and "signup" not in row


@pytest.mark.usefixtures("one_rate_window")
def test_invitations_still_work_during_a_flood(crown: Any, ben: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A flood uses up the open sign-ups, not the invitations members hand out."""
    from mutualaid.members.services import invitation_create, signup_with_invitation

    monkeypatch.setenv("MUTUALAID_RATE_SIGNUP_OPEN", "1/h")
    _signup(crown, 0)
    assert _signup(crown, 1).status_code == 429
    _invitation, token = invitation_create(group=crown, created_by=ben)
    _user, membership = signup_with_invitation(
        token=token, username="invited", password=PASSWORD, display_name="Invited", language="es"
    )
    assert membership.group == crown and membership.vouched_by == ben


@pytest.mark.usefixtures("one_rate_window")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_exactly_the_limit_pass_on_postgresql(
    crown: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_postgresql()
    monkeypatch.setenv("MUTUALAID_RATE_JOIN_REQUEST_GROUP", "3/h")
    results = race(
        [
            lambda n=n: signup_with_join_request(
                group=crown, username=f"racer{n}", password=PASSWORD, display_name=f"Racer {n}", language="en"
            )
            for n in range(10)
        ]
    )
    assert (
        outcomes(results, refused=(RateLimited,), won="passed", lost="limited")
        == ["limited"] * 7 + ["passed"] * 3
    )
    assert User.objects.filter(username__startswith="racer").count() == 3
    assert JoinRequest.objects.filter(group=crown).count() == 3
