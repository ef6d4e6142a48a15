"""An anonymous visitor gets no session cookie for reading a public page (note 6: `/` and the impact page set
one): the footer's language form put its CSRF secret in a session. A visitor without a session keeps the
secret in a cookie instead (core/csrf.py), and every form, the language switch too, keeps its CSRF check."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse

from mutualaid.insights.models import ImpactPage


def test_reading_public_pages_sets_no_session(crown: Any, ada: Any) -> None:
    ImpactPage.objects.update_or_create(group=crown, defaults={"public": True, "changed_by": ada})
    client = Client()
    for url in ("/", reverse("insights_impact", args=["crown"]), reverse("group", args=["crown"])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert settings.SESSION_COOKIE_NAME not in response.cookies, url
        assert 'action="/i18n/setlang/"' in response.content.decode()


def test_a_visitor_still_changes_language_and_members_keep_csrf(client_for: Any, ada: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("set_language"), {"language": "es", "next": "/"}).status_code == 403
    page = client.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "/", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    member = client_for(ada)
    member.handler.enforce_csrf_checks = True
    assert member.post(reverse("set_language"), {"language": "es", "next": "/"}).status_code == 403
