"""The demo has a housing offer; loading twice adds nothing."""

from __future__ import annotations

from typing import Any


def test_demo_housing(db: Any) -> None:
    from mutualaid.groups import demo as groups_demo
    from mutualaid.housing import demo
    from mutualaid.housing.models import Offer

    groups_demo.load()
    demo.load()
    demo.load()
    offer = Offer.objects.get()
    assert offer.host.username == "ben" and offer.address.startswith("245 Kingston")
