from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def drill(crown: Any, ada: Any) -> Any:
    """The group's own drill, lent for a week."""
    from mutualaid.lending import services

    return services.item_create(
        group=crown,
        actor=ada,
        data=services.ItemInput(name="Cordless drill", description="18 V", loan_days=7),
    )


@pytest.fixture
def ladder(crown: Any, fay: Any) -> Any:
    """Fay's own ladder, lent through the group: she keeps ownership and records hand-overs."""
    from mutualaid.lending import services

    return services.item_create(group=crown, actor=fay, data=services.ItemInput(name="Ladder", own=True))
