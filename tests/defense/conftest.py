"""Fixtures for alerts: verifiers of `crown` (ada and ida, coordinators with a second factor) and of
`bush` (dee), responders with a phone or an e-mail in and out of the area, an SMS gateway of `crown`.

Places: ZIP 11216 and 11225 are the crown group's postal codes (Crown Heights, about 2 km apart);
10001 is midtown Manhattan, about 10 km away."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_user

GENERIC_SECRET = "generic-shared-secret-42"
NEAR = "11216"
ALSO_NEAR = "11225"
FAR = "10001"


def with_contact(user: Any, *, phone: str = "", email: str = "") -> Any:
    from mutualaid.core.encryption import blind_index

    user.phone = phone
    user.phone_index = blind_index(phone, purpose="phone") if phone else ""
    user.email = email
    user.email_index = blind_index(email.lower(), purpose="email") if email else ""
    user.save()
    return user


def member(username: str, group: Any, **contact: str) -> Any:
    from mutualaid.members.models import Membership

    user = with_contact(make_user(username), **contact)
    Membership.objects.create(user=user, group=group)
    return user


@pytest.fixture
def verifiers(ada: Any, ida: Any, crown: Any) -> list[Any]:
    from mutualaid.defense import services

    return [
        services.verifier_grant(group=crown, user=ada, actor=ada),
        services.verifier_grant(group=crown, user=ida, actor=ada),
    ]


@pytest.fixture
def bush_verifier(dee: Any, bush: Any) -> Any:
    from mutualaid.defense import services

    return services.verifier_grant(group=bush, user=dee, actor=dee)


@pytest.fixture
def gateway(crown: Any) -> Any:
    from mutualaid.channels import services

    return services.gateway_save(
        group=crown,
        kind="generic",
        enabled=True,
        secret=GENERIC_SECRET,
        api_url="http://127.0.0.1:9/out",
        rate_per_minute=60,
    )


@pytest.fixture
def responders(crown: Any, ben: Any, fay: Any, gateway: Any) -> dict[str, Any]:
    """ben by SMS near, fay by e-mail near, gil by SMS far away, hal near but not opted in."""
    from mutualaid.defense import services

    with_contact(ben, phone="+17185550101")
    with_contact(fay, email="fay@example.org")
    gil = member("gil", crown, phone="+12125550102")
    hal = member("hal", crown, phone="+17185550103")
    services.responder_save(group=crown, user=ben, area=NEAR, radius_km=2, by_sms=True, by_email=False)
    services.responder_save(group=crown, user=fay, area=ALSO_NEAR, radius_km=3, by_sms=False, by_email=True)
    services.responder_save(group=crown, user=gil, area=FAR, radius_km=1, by_sms=True, by_email=False)
    return {"ben": ben, "fay": fay, "gil": gil, "hal": hal}


def web_report(group: Any, reporter: Any, **extra: Any) -> Any:
    from mutualaid.defense import services

    values = {
        "kind": "raid",
        "what": "Two unmarked vans, agents at a door",
        "area": NEAR,
        "where": "Nostrand and Fulton",
        "when_seen": "10 minutes ago",
        **extra,
    }
    return services.report_create(group=group, reporter=reporter, **values)
