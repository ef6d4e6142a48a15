"""What core holds about a member, for their own download: the audit trail of reads of their details."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from mutualaid.core.export import Names, rows
from mutualaid.core.models import SensitiveRead


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    about = SensitiveRead.objects.filter(subject_type="members.user", subject_id=user.pk)
    by = SensitiveRead.objects.filter(Q(reader=user) & ~Q(subject_type="members.user", subject_id=user.pk))
    return {
        # Who read your contact details (by display name), when, where: THREATS.md property 15.
        "reads_of_your_details": rows(about.order_by("at"), names=names, exclude=("subject_id",)),
        # Reads you made of others' details: which record, never its contents.
        "reads_you_made": rows(by.order_by("at"), names=names),
    }
