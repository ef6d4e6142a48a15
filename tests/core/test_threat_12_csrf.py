"""THREATS.md property 12: CSRF is enforced on every unsafe route. With CSRF checks on, a POST without a
token to any page URL (every URL pattern in the access matrix, whatever method it is listed for) is refused;
the API does not accept the session cookie at all, so it cannot be forged from another site."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client
from django.urls import resolve, reverse

from tests.access import ROLES
from tests.test_access_matrix import ROUTES, build_world

PAGES = [r for r in ROUTES if not r.api]

# Views that take no session and prove who calls them another way. Each needs a reason; a new exempt view
# that is not listed here fails the suite.
CSRF_EXEMPT = {
    "channels_sms_webhook": "SMS gateways call it; authenticated by the gateway's signature, no cookies",
    "channels_unsubscribe": "RFC 8058 one-click unsubscribe from a mail client; the token in the URL is the key",
    "exchange_import": "exempt only so the sheet's upload handler (memory, never a temp file) is set before the "
    "body is read; the view inside is csrf_protect'ed and refuses token-less POSTs (tested)",
    "funds_request_new": "exempt only so the receipt's upload handler (memory, capped at 5 MB) is set before the body "
    "is read; funds.uploads.capped_uploads csrf_protects the view inside (tested)",
    "funds_receipt_add": "as funds_request_new: funds.uploads.capped_uploads, csrf_protect'ed inside (tested)",
    "hubs_report": "exempt only so the photo's upload handler (memory, stops past 5 MB) is set before the body is "
    "read; the view inside is csrf_protect'ed and refuses token-less POSTs (tests/hubs/test_reports.py)",
    "federation_inbox": "ActivityPub servers post activities without cookies; every request must carry an HTTP "
    "Signature (draft-cavage, rsa-sha256) with a matching Digest and a fresh Date, else 401 (tests/federation)",
    "federation_shared_inbox": "as federation_inbox: the shared inbox of the install, signature-checked",
    "peers_inbox": "linked installs post without cookies; every request must be signed by the key pinned when the "
    "operator linked that peer (403 unlinked, 401 bad signature, old Date or changed body; tests/peers)",
    "lending_photo_upload": "exempt only so the photo's upload handler (memory, stops past 5 MB) is set before the "
    "body is read; the view inside is csrf_protect'ed and refuses token-less POSTs",
    "shifts_cant": "the reminder's one-tap \"I can't make it\" link, opened on any device without a session; the "
    "signed token in the URL is the key, and GET only asks",
}


def _is_exempt(route: Any, world: Any) -> bool:
    view = resolve(reverse(route.name, kwargs=route.kwargs(world))).func
    return bool(getattr(view, "csrf_exempt", False))


def test_csrf_exempt_views_are_listed_with_a_reason(db: Any) -> None:
    world = build_world()
    exempt = {route.name for route in PAGES if _is_exempt(route, world)}
    assert exempt - set(CSRF_EXEMPT) == set(), "a view is csrf_exempt without a reason in CSRF_EXEMPT"


def test_every_post_without_a_token_is_refused(db: Any) -> None:
    world = build_world()
    for role in ROLES:
        client = Client(enforce_csrf_checks=True)
        if role != "anonymous":
            client.force_login(world.users[role], backend="django.contrib.auth.backends.ModelBackend")
        for route in PAGES:
            url = reverse(route.name, kwargs=route.kwargs(world))
            response = client.post(url, route.data(world))
            if route.name in CSRF_EXEMPT and _is_exempt(route, world):
                # No token to check; without its own proof (signature, token) it must still do nothing.
                assert response.status_code in (200, 400, 401, 403, 404, 405, 410), (
                    f"POST {route.key} as {role}"
                )
                continue
            assert response.status_code == 403, f"POST {route.key} as {role}: {response.status_code}"
            assert b"CSRF verification failed" in response.content, (
                f"POST {route.key} as {role}: not a CSRF refusal"
            )


def test_a_post_with_the_token_gets_through(ben: Any, crown: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(ben, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("invitations", kwargs={"slug": crown.slug})
    page = client.get(url).content.decode()
    # The token is in the form (CSRF_USE_SESSIONS: no cookie carries it).
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(url, {"days": "7", "note": "", "csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)


def test_the_api_ignores_session_cookies(db: Any) -> None:
    world = build_world()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["ada"], backend="django.contrib.auth.backends.ModelBackend")
    for route in [r for r in ROUTES if r.api and r.codes()["anonymous"] == "401"]:
        url = reverse(route.name, kwargs=route.kwargs(world))
        response = client.generic(
            route.method, url, json.dumps(route.data(world)), content_type="application/json"
        )
        assert response.status_code == 401, route.key
