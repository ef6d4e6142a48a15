"""A wrong channels variable stops every command at start, naming the variable, instead of failing jobs later."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def test_wrong_sending_timeout_stops_the_check_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_SENDING_TIMEOUT_SECONDS", "ten minutes")

    with pytest.raises(SystemCheckError, match="MUTUALAID_SENDING_TIMEOUT_SECONDS must be a whole number"):
        call_command("check")


def test_too_small_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_SMS_MAX_AGE_SECONDS", "1")

    with pytest.raises(SystemCheckError, match="MUTUALAID_SMS_MAX_AGE_SECONDS must be at least 10"):
        call_command("check")


def test_good_values_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_SENDING_TIMEOUT_SECONDS", "900")

    call_command("check")
