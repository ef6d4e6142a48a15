"""THREATS.md property 7 (non-coordinators see only coarse locations), applied to every GET response of the
access-matrix walk (tests/test_access_matrix.py: every page and API read as the anonymous visitor, eve, cy
and ben, on both databases) and to the pages of tests/exchange/test_threat_07_coarse_locations.py.

A post is planted with an exact address and a precise map point, and another for a neighbour taken in by
intake with their phone: no response a plain member or a visitor gets may contain the address, the precise
coordinates or the neighbour's contact details.
"""

from __future__ import annotations

import re
from typing import Any

ADDRESS = "1472 Canarystraat Apt 9"
LAT, LON = 40.671234, -73.944321  # a precise door; cells are ~0.7 km² and stored to 4 decimals
NEIGHBOUR_PHONE = "+13475559876"
PRECISE = re.compile(r"40\.67123|-73\.94432")
# The roles that must see coarse locations only (ada, the coordinator, sees what coordinators see).
PLAIN_ROLES = ("anonymous", "eve", "cy", "ben")


def plant(crown: Any, ben: Any, ada: Any) -> Any:
    """Ben's need with an exact address and point, and ada's for a neighbour without a phone of their own."""
    from mutualaid.exchange import services

    post = services.post_create(
        group=crown,
        author=ben,
        data=services.PostInput(
            kind="need",
            category="food",
            title="Groceries near the park",
            lat=LAT,
            lon=LON,
            address=ADDRESS,
            private_note="buzzer broken, call first",
        ),
    )
    services.post_create(
        group=crown,
        author=ada,
        data=services.PostInput(
            kind="need",
            category="food",
            title="For a neighbour without a phone",
            address=ADDRESS,
            on_behalf=services.ContactInput(name="Doña Canaria", phone=NEIGHBOUR_PHONE),
        ),
    )
    return post


def assert_coarse(response: Any, route: Any, role: str, where: str) -> None:
    if role not in PLAIN_ROLES or route.method != "GET":
        return
    if role == "ben" and route.name.startswith(("exchange_export", "api:exchange_export")):
        return  # coordinators only; ben gets 403 anyway
    body = response.content.decode(errors="replace")
    assert ADDRESS not in body, f"{where}: exact address shown"
    assert "Canarystraat" not in body, f"{where}: exact address shown"
    assert NEIGHBOUR_PHONE[2:] not in body and "Canaria" not in body, f"{where}: a neighbour's contact shown"
    assert not PRECISE.search(body), f"{where}: precise coordinates shown"
