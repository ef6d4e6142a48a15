"""Two verifiers confirming at the same moment send the alert exactly once, and one verifier's double
submit counts once (PostgreSQL: real concurrency on the report's row lock)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.channels.models import OutboundMessage
from mutualaid.defense import services
from mutualaid.defense.models import Confirmation, Dispatch, Report
from tests.defense.conftest import web_report
from tests.races import outcomes, race, require_postgresql


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_send_once(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any
) -> None:
    require_postgresql()
    report = web_report(crown, None)
    results = race(
        [
            lambda: services.report_confirm(report=report, verifier=ada, seen="Seen by ada"),
            lambda: services.report_confirm(report=report, verifier=ida, seen="Seen by ida"),
        ]
    )
    assert outcomes(results, refused=(ValidationError,)) == ["won", "won"]
    assert Report.objects.get().state == "sent"
    assert Confirmation.objects.count() == 2
    assert Dispatch.objects.count() == 1
    assert OutboundMessage.objects.filter(kind="alert_raid").count() == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_verifier_twice_at_once_counts_once(
    crown: Any, ada: Any, verifiers: Any, responders: Any
) -> None:
    require_postgresql()
    report = web_report(crown, None)
    results = race(
        [lambda: services.report_confirm(report=report, verifier=ada, seen="Seen") for _ in range(3)]
    )
    assert outcomes(results, refused=(ValidationError,)) == ["refused", "refused", "won"]
    assert Report.objects.get().state == "confirming"
    assert not Dispatch.objects.exists()
    assert not OutboundMessage.objects.filter(kind="alert_raid").exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_unfounded_and_confirm_at_once_never_both(
    crown: Any, ada: Any, ida: Any, verifiers: Any, responders: Any
) -> None:
    require_postgresql()
    report = web_report(crown, None)
    services.report_confirm(report=report, verifier=ada, seen="Seen")
    results = race(
        [
            lambda: services.report_confirm(report=report, verifier=ida, seen="Seen too"),
            lambda: services.report_unfound(report=report, verifier=ada, note="gone"),
        ]
    )
    state = Report.objects.get().state
    assert outcomes(results, refused=(ValidationError,)) == ["refused", "won"]
    assert state in {"sent", "unfounded"}
    assert Dispatch.objects.count() == (1 if state == "sent" else 0)
