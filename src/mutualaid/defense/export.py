"""What rapid response holds about a member, for their own download (core.export): their roles
(verifier, responder), what they confirmed and noted; for reports they took or claimed, when and in
what state only (a report's words are the reporter's)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from mutualaid.core.export import Names, rows
from mutualaid.defense.models import Confirmation, Event, Report, Responder, Verifier


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    return {
        "verifier": rows(Verifier.objects.filter(user=user).order_by("pk"), names=names),
        "responder": rows(Responder.objects.filter(user=user).order_by("pk"), names=names),
        "reports_you_handled": rows(
            Report.objects.filter(Q(taken_by=user) | Q(claimed_by=user)).order_by("pk"),
            names=names,
            fields=(
                "id",
                "group",
                "kind",
                "via",
                "state",
                "taken_by",
                "created_at",
                "claimed_by",
                "claimed_at",
            ),
        ),
        "confirmations": rows(Confirmation.objects.filter(verifier=user).order_by("pk"), names=names),
        "actions": rows(Event.objects.filter(actor=user).order_by("at", "pk"), names=names),
    }
