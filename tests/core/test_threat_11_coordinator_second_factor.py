"""THREATS.md property 11: coordinators must use a second factor. Every coordinator-only route (found
generically in the access matrix: allowed for ada, forbidden for ben) sends a coordinator without one to
set it up, and the API refuses."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import ROUTES, build_world

COORDINATOR_ROUTES = [r for r in ROUTES if r.codes()["ada"] == "ok" and r.codes()["ben"] == "403"]


def test_coordinator_routes_are_found() -> None:
    names = {r.name for r in COORDINATOR_ROUTES}
    assert {"members", "group_edit", "audit_log", "api:group_members"} <= names
    assert len(COORDINATOR_ROUTES) >= 10


def test_every_coordinator_route_needs_a_second_factor(db: Any) -> None:
    from allauth.mfa.models import Authenticator

    from mutualaid.members.services import access_token_create

    world = build_world()
    ada = world.users["ada"]
    Authenticator.objects.filter(user=ada).delete()
    session = Client()
    session.force_login(ada, backend="django.contrib.auth.backends.ModelBackend")
    _record, token = access_token_create(user=ada, name="t")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    for route in COORDINATOR_ROUTES:
        url = reverse(route.name, kwargs=route.kwargs(world))
        if route.api:
            response = api.generic(
                route.method, url, json.dumps(route.data(world)), content_type="application/json"
            )
            assert response.status_code == 403, route.key
            assert response.json()["detail"] == "second factor required", route.key
        else:
            response = session.get(url) if route.method == "GET" else session.post(url, route.data(world))
            assert response.status_code == 302, route.key
            assert response["Location"] == reverse("mfa_activate_totp"), route.key


def test_with_a_second_factor_the_coordinator_gets_in(ada: Any, crown: Any, client_for: Any) -> None:
    assert client_for(ada).get(reverse("members", kwargs={"slug": crown.slug})).status_code == 200
