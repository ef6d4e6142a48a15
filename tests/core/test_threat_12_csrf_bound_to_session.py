"""THREATS.md property 12, bound to the session: a CSRF token is good only with the session it was issued
to; another member's token (or cookie+token pair) is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse


def _token(client: Client) -> str:
    page = client.get(reverse("profile")).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_a_token_from_another_session_is_refused(
    ben: Any, cy: Any, client_for: Callable[..., Client]
) -> None:
    bens, cys = client_for(ben, csrf=True), client_for(cy, csrf=True)
    data = {"display_name": "Ben", "language": "en", "email": "", "phone": ""}
    url = reverse("profile")
    foreign = _token(cys)
    assert bens.post(url, {**data, "csrfmiddlewaretoken": foreign}).status_code == 403
    assert "csrftoken" not in bens.cookies  # nothing to copy: the secret is in the session
    own = _token(bens)
    assert bens.post(url, {**data, "csrfmiddlewaretoken": own}).status_code in (200, 302)
