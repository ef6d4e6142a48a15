from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone


def move_time_forward(monkeypatch: pytest.MonkeyPatch, days: float) -> datetime:
    """Every `timezone.now()` (and `localdate()`) from here on answers `days` later."""
    real_now = timezone.now
    later = real_now() + timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: later)
    return later
