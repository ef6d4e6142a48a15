"""Every notice kind an app declares fits the columns that store it (SQLite does not enforce a
varchar's length, so a kind too long failed only on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.apps import apps

from mutualaid.core.registry import notice_kinds

pytestmark = pytest.mark.pure


def test_every_notice_kind_fits_its_columns() -> None:
    widths = {
        f"{model}.kind": apps.get_model("channels", model)._meta.get_field("kind").max_length
        for model in ("Notice", "OutboundMessage")
    }
    too_long = {
        kind: len(kind)
        for kind in notice_kinds()
        if any(len(kind) > width for width in widths.values() if width)
    }
    assert too_long == {}, widths
