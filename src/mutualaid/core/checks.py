"""`mutualaid check`: the operator's real production settings, each problem naming the variable to fix.

Registered with Django's check framework as deployment checks, so they run with `check --deploy` (which
`mutualaid check` is) next to Django's own, and never slow down ordinary start-up. Nothing is forced:
a shell without the production environment fails here, as it should.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "[::1]", "::1"}


def _warn(n: int, msg: str, hint: str) -> CheckWarning:
    return CheckWarning(msg, hint=hint, id=f"mutualaid.W{n:03d}")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register(Tags.security, deploy=True)
def operator_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    https = bool(getattr(settings, "HTTPS", False))
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    hosts = list(settings.ALLOWED_HOSTS)
    public = os.environ.get("MUTUALAID_PUBLIC_URL", "").strip().rstrip("/")

    if not https:
        found.append(
            _warn(
                1,
                "MUTUALAID_HTTPS is not true: cookies lack the Secure flag and no HSTS header is sent.",
                "Set MUTUALAID_HTTPS=true (TLS ends at the reverse proxy in front of the app servers).",
            )
        )
    if "*" in hosts or not hosts or all(h in LOOPBACK_NAMES for h in hosts):
        found.append(
            _warn(
                2,
                f"MUTUALAID_ALLOWED_HOSTS is {','.join(hosts) or 'empty'}: the public name is not among them "
                "(every request through the proxy would answer 400), or any name is accepted.",
                "Set MUTUALAID_ALLOWED_HOSTS=aid.example.org (the public host name, without port).",
            )
        )
    if not public:
        found.append(
            _warn(
                3,
                "MUTUALAID_PUBLIC_URL is not set: e-mail links, Twilio signatures and the setup address "
                "printed at start cannot name the public address.",
                "Set MUTUALAID_PUBLIC_URL=https://aid.example.org (with :PORT when it is not 443).",
            )
        )
    else:
        parts = urlsplit(public)
        if parts.scheme != "https" or not parts.hostname:
            found.append(
                _warn(
                    3,
                    f"MUTUALAID_PUBLIC_URL={public} is not an https:// address.",
                    "Set MUTUALAID_PUBLIC_URL=https://aid.example.org.",
                )
            )
        elif (
            "*" not in hosts
            and parts.hostname not in {h.lstrip(".") for h in hosts}
            and not any(h.startswith(".") and parts.hostname.endswith(h) for h in hosts)
        ):
            found.append(
                _warn(
                    2,
                    f"MUTUALAID_ALLOWED_HOSTS does not name {parts.hostname}, the host of MUTUALAID_PUBLIC_URL.",
                    f"Add {parts.hostname} to MUTUALAID_ALLOWED_HOSTS.",
                )
            )
        if parts.scheme == "https" and _origin(public) not in settings.CSRF_TRUSTED_ORIGINS:
            found.append(
                _warn(
                    4,
                    f"MUTUALAID_CSRF_TRUSTED_ORIGINS does not hold {_origin(public)}: forms may be refused "
                    "as cross-site when the proxy does not pass the Host header with its port.",
                    f"Set MUTUALAID_CSRF_TRUSTED_ORIGINS={_origin(public)}.",
                )
            )
    plain = [o for o in settings.CSRF_TRUSTED_ORIGINS if not o.startswith("https://")]
    if https and plain:
        found.append(
            _warn(
                4,
                f"MUTUALAID_CSRF_TRUSTED_ORIGINS trusts plain-HTTP origins: {', '.join(plain)}.",
                "List only https:// origins in MUTUALAID_CSRF_TRUSTED_ORIGINS.",
            )
        )
    if https and not behind_proxy:
        found.append(
            _warn(
                5,
                "MUTUALAID_HTTPS is true but MUTUALAID_BEHIND_PROXY is not: the app server cannot tell that the "
                "proxy received HTTPS, so it redirects every request again.",
                "Set MUTUALAID_BEHIND_PROXY=true (and let only the proxy reach the app servers).",
            )
        )
    bind_host = os.environ.get("MUTUALAID_BIND", "127.0.0.1:8000").rpartition(":")[0]
    trusted = [a.strip() for a in os.environ.get("MUTUALAID_FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(",")]
    if behind_proxy and bind_host and not _is_loopback(bind_host) and all(_is_loopback(a) for a in trusted):
        found.append(
            _warn(
                6,
                f"The app server listens on {bind_host} but trusts forwarded headers only from this machine.",
                "Set MUTUALAID_FORWARDED_ALLOW_IPS to the reverse proxy's private address, e.g. 10.0.0.10.",
            )
        )
    found.extend(_keyring_location())
    return found


def _keyring_location() -> list[CheckMessage]:
    if os.environ.get("MUTUALAID_KEYRING"):
        return []
    path = Path(settings.MUTUALAID_KEY_FILE).resolve()
    data_dir = Path(settings.DATA_DIR).resolve()
    found: list[CheckMessage] = []
    if path.is_relative_to(data_dir):
        found.append(
            _warn(
                7,
                f"The key ring lives in the data dir ({path}): whoever copies the data dir (a backup, a "
                "seized disk) gets the keys with the data they seal.",
                "Keep it apart: MUTUALAID_KEYRING='…' in /etc/mutualaid/mutualaid.env (`mutualaid keys init "
                "--print-env`), or MUTUALAID_KEY_FILE outside MUTUALAID_DATA_DIR.",
            )
        )
    if not path.is_file():
        found.append(
            _warn(
                8,
                f"No key ring at {path} (MUTUALAID_KEY_FILE); the first app server would create its own.",
                f"Create one once with `mutualaid keys init --file {path}` and copy it to every host.",
            )
        )
    elif path.stat().st_mode & 0o007:
        found.append(
            _warn(
                8,
                f"The key ring {path} (MUTUALAID_KEY_FILE) is readable by every user of this machine.",
                f"chmod 600 {path} (or 640 with group mutualaid).",
            )
        )
    return found
