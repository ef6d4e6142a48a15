from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from mutualaid.core.speaking import PERSON_LANGUAGE, site_language
from mutualaid.members.services import member_language_set, touch_last_seen


def site_languages() -> frozenset[str]:
    return frozenset(code for code, _name in settings.LANGUAGES)


def member_language_and_last_seen(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A logged-in member sees pages in their preferred language; last seen is kept to the day."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            touch_last_seen(user)
            language = getattr(user, "language", None)
            language = site_language(language)
            if language in site_languages() and translation.check_for_language(language):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = get_response(request)
        # Only after Django's set_language view accepted the POST (CSRF checked, redirect given): a
        # refused cross-site POST must not change anyone's profile.
        if (
            user.is_authenticated
            and request.method == "POST"
            and response.status_code in (302, 204)
            and request.path == reverse("set_language")
        ):
            chosen = request.POST.get("language", "")
            member_language_set(user=user, language=PERSON_LANGUAGE.get(chosen, chosen))
        return response

    return middleware
