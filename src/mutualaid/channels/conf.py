"""Settings of the channels app, read from the environment (README lists them). Tests override them
through Django settings of the same name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, register
from django.core.checks import Error as CheckError

from mutualaid.core.env import ConfigError, env_int, env_str
from mutualaid.core.jobs import job_attempts

DEFAULTS: dict[str, Callable[[], object]] = {
    # The public address of the site, e.g. https://aid.example.org. Links in e-mails and Twilio's
    # signature (Twilio signs the URL it called, which a reverse proxy hides from us) use it.
    "MUTUALAID_PUBLIC_URL": lambda: env_str("MUTUALAID_PUBLIC_URL", "").rstrip("/"),
    # Days without activity (or before expiry) after which a need's requester is asked YES/NO (channels.board).
    "MUTUALAID_CHECKIN_DAYS": lambda: env_int("MUTUALAID_CHECKIN_DAYS", 7, minimum=1),
    "MUTUALAID_SMS_MAX_AGE_SECONDS": lambda: env_int("MUTUALAID_SMS_MAX_AGE_SECONDS", 300, minimum=10),
    # A message still "sending" after this long lost its worker (sends time out after 15 s).
    "MUTUALAID_SENDING_TIMEOUT_SECONDS": lambda: env_int(
        "MUTUALAID_SENDING_TIMEOUT_SECONDS", 600, minimum=60
    ),
    "MUTUALAID_JOB_ATTEMPTS": lambda: job_attempts(),
    "MUTUALAID_DIGEST_HOUR": lambda: env_int("MUTUALAID_DIGEST_HOUR", 17, minimum=0),
    "MUTUALAID_TWILIO_API_URL": lambda: env_str("MUTUALAID_TWILIO_API_URL", "https://api.twilio.com").rstrip(
        "/"
    ),
}


def get(name: str) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    return DEFAULTS[name]()


def public_url() -> str:
    return str(get("MUTUALAID_PUBLIC_URL")).rstrip("/")


@register()
def environment_values(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every channels variable is read once at start (each command runs the checks): a wrong value stops
    `serve` and `worker` naming the variable, instead of failing each job that first reads it."""
    found: list[CheckMessage] = []
    for name in DEFAULTS:
        try:
            get(name)
        except ConfigError as error:
            found.append(CheckError(str(error), hint=f"Fix {name} in the environment.", id="mutualaid.E101"))
    return found
