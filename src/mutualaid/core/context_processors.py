from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from mutualaid.core.encryption import keyring_destroyed


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site_name": settings.SITE_NAME, "keyring_destroyed": keyring_destroyed()}
