"""THREATS.md property 10: brute force and flooding are limited per account, not per IP (behind Tor every
client is 127.0.0.1): 10 bad logins lock the account even from rotating addresses; real and unknown
usernames get the same response; a posting flood gets 429."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mutualaid.core.ratelimit import RateLimited, limit, parse_rate
from tests.conftest import PASSWORD, make_user
from tests.races import errors, race, require_postgresql

LOCKED = "Too many failed login attempts. Try again later."


def _login(username: str, password: str, n: int) -> Any:
    address = f"203.0.113.{n % 250}"
    client = Client(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=address)
    return client.post(reverse("account_login"), {"login": username, "password": password})


def test_ten_bad_logins_lock_the_account_from_any_address(ben: Any) -> None:
    for n in range(10):
        response = _login("ben", "not-the-password", n)
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    response = _login("ben", PASSWORD, 99)  # the right password, from yet another address
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    # Other accounts are not affected.
    make_user("neighbour")
    assert _login("neighbour", PASSWORD, 100).status_code == 302


def _normalise(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'value="(ben|nobody-by-that-name)"', 'value="X"', html)


def test_real_and_unknown_usernames_get_the_same_response(ben: Any) -> None:
    real = _login("ben", "not-the-password", 1)
    unknown = _login("nobody-by-that-name", "not-the-password", 2)
    assert real.status_code == unknown.status_code == 200
    assert _normalise(real.content.decode()) == _normalise(unknown.content.decode())
    # Unknown names lock out the same way, so lockouts do not reveal which names exist.
    for n in range(10):
        _login("nobody-by-that-name", "x", n)
    assert LOCKED in _login("nobody-by-that-name", "x", 11).content.decode()


@pytest.mark.usefixtures("one_rate_window")
def test_invitation_flood_gets_429_per_member(
    ben: Any, ada: Any, crown: Any, client_for: Any, api_for: Any
) -> None:
    from mutualaid.members.models import Invitation

    url = reverse("invitations", kwargs={"slug": crown.slug})
    client = client_for(ben)
    for _ in range(30):
        assert client.post(url, {"days": "7", "note": ""}).status_code in (200, 302)
    response = client.post(url, {"days": "7", "note": ""})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Invitation.objects.filter(created_by=ben).count() == 30
    # The API shares the member's counter.
    api = api_for(ben).post(
        f"/api/v1/groups/{crown.slug}/invitations", {"days": 3}, content_type="application/json"
    )
    assert api.status_code == 429
    assert api.json()["detail"] == "too many requests"
    # Another member, same (Tor) address: not limited.
    assert client_for(ada).post(url, {"days": "7", "note": ""}).status_code in (200, 302)


@pytest.mark.usefixtures("one_rate_window")
def test_join_request_flood_gets_429(eve: Any, client_for: Any) -> None:
    from mutualaid.groups.models import Group

    client = client_for(eve)
    groups = [Group.objects.create(name=f"G{i}", slug=f"g{i}", accepts_requests=True) for i in range(11)]
    for group in groups[:10]:
        response = client.post(reverse("join_request", kwargs={"slug": group.slug}), {"message": "hi"})
        assert response.status_code in (200, 302)
    response = client.post(reverse("join_request", kwargs={"slug": groups[10].slug}), {"message": "hi"})
    assert response.status_code == 429


@pytest.mark.usefixtures("one_rate_window")
def test_limiter_is_reusable_by_any_app(ben: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        limit(user=ben, action="need_create", rate="3/m")
    with pytest.raises(RateLimited) as caught:
        limit(user=ben, action="need_create", rate="3/m")
    assert caught.value.action == "need_create" and 0 <= caught.value.retry_after <= 60
    monkeypatch.setenv("MUTUALAID_RATE_NEED_CREATE", "10/m")
    limit(user=ben, action="need_create", rate="3/m")  # the operator's setting wins
    assert parse_rate("20/h").seconds == 3600 and parse_rate("5/10m").seconds == 600
    with pytest.raises(ValueError, match="a rate looks like"):
        parse_rate("lots")


def test_logins_leave_no_times_behind(ben: Any) -> None:
    """A right password gives its count back and leaves no row; nothing goes to the cache table (which
    used to keep each attempt's time: a login history, THREATS.md property 6)."""
    from django.db import connection

    from mutualaid.core.models import RateCounter

    assert _login("ben", PASSWORD, 1).status_code == 302
    assert not RateCounter.objects.exists()
    _login("ben", "not-the-password", 2)
    assert RateCounter.objects.get().count == 1  # a failure is counted (a keyed digest, a window)
    assert _login("ben", PASSWORD, 3).status_code == 302
    assert RateCounter.objects.get().count == 1  # the success took its own count back, not the failure's
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM mutualaid_cache")
        assert [key for (key,) in cursor.fetchall() if "login" in key] == []


def test_the_lockout_is_case_blind_and_configurable(ben: Any, settings: Any) -> None:
    settings.MUTUALAID_LOGIN_LOCKOUT = "3/15m"
    for n, name in enumerate(("ben", "BEN", " Ben")):
        assert LOCKED not in _login(name, "nope", n).content.decode()
    assert LOCKED in _login("ben", PASSWORD, 9).content.decode()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_slip_past_the_lockout_on_postgresql(ben: Any) -> None:
    require_postgresql()
    results = race([lambda n=n: _login("ben", f"guess-{n}", n).content.decode() for n in range(16)])
    assert not errors(results), results
    outcomes = ["locked" if LOCKED in str(body) else "checked" for body in results]
    assert sorted(outcomes) == ["checked"] * 10 + ["locked"] * 6
    assert LOCKED in _login("ben", PASSWORD, 99).content.decode()


def test_second_factor_codes_cannot_be_guessed_without_limit(ada: Any) -> None:
    """Knowing a coordinator's password is not enough to try every authenticator code."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": "ada", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    bodies = [
        client.post(reverse("mfa_authenticate"), {"code": f"{n:06d}"}).content.decode() for n in range(11)
    ]
    assert all("Incorrect code." in body for body in bodies[:10])
    assert LOCKED in bodies[10]
    assert "_auth_user_id" not in client.session
