"""What the funds hold about a member, for their own download (core.export): their requests (with the
payments made on them and their receipts), pledges, approvals, and the entries they posted (amounts and
dates; the names of outside contributors are theirs, not the member's, and stay out)."""

from __future__ import annotations

from typing import Any

from mutualaid.core.export import Names, rows
from mutualaid.funds.models import Approval, IdempotencyKey, Pledge, Receipt, Request, Transaction


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    requests = Request.objects.filter(requested_by=user).order_by("created_at", "pk")
    return {
        "requests": rows(requests, names=names),
        "payments_on_your_requests": rows(
            Transaction.objects.filter(request__requested_by=user).order_by("posted_at", "pk"),
            names=names,
            exclude=("contributor",),
        ),
        "receipts": rows(Receipt.objects.filter(uploaded_by=user).order_by("uploaded_at", "pk"), names=names),
        "pledges": rows(Pledge.objects.filter(created_by=user).order_by("pk"), names=names),
        "approvals": rows(Approval.objects.filter(voter=user).order_by("at", "pk"), names=names),
        "entries_you_posted": rows(
            Transaction.objects.filter(posted_by=user).order_by("posted_at", "pk"),
            names=names,
            exclude=("contributor", "reference"),
        ),
        "api_retries": rows(
            IdempotencyKey.objects.filter(user=user).order_by("created_at", "pk"),
            names=names,
            fields=("operation", "status", "created_at"),
        ),
    }
