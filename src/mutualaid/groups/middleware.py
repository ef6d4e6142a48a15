"""First-run setup: until the first group and coordinator exist, every page leads to the setup page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from mutualaid.core.middleware import Handler

_setup_done = False


def first_run_setup(get_response: Handler) -> Handler:
    """On an empty install, send every page to the setup page until the first coordinator exists."""

    def middleware(request: HttpRequest) -> HttpResponse:
        global _setup_done
        if not _setup_done:
            from mutualaid.groups.selectors import install_is_set_up

            _setup_done = install_is_set_up()
            path = request.path_info
            exempt = path.startswith(("/setup/", "/static/", "/api/", "/i18n/", "/healthz"))
            if not _setup_done and not exempt:
                return HttpResponseRedirect(reverse("setup"))
        return get_response(request)

    return middleware


def reset_setup_cache() -> None:
    global _setup_done
    _setup_done = False


def reset_on_wipe(sender: Any, **kwargs: Any) -> None:
    """After a panic wiped the database (core.panic.database_wiped) the install needs setting up again."""
    reset_setup_cache()
