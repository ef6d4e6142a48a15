"""The narrow interface between SMS/e-mail intake and the board of needs and offers.

The exchange app (the board) was not on main while channels was built, so these functions keep
requests in `channels.IntakeRequest`, which coordinators see on the group's SMS intake page. Wiring
the board in means re-implementing these five functions against `mutualaid.exchange`; callers
(the conversation, check-ins, e-mail check-in links) do not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.channels.labels import SMS_LABELS
from mutualaid.channels.models import Contact, IntakeKind, IntakeRequest, Urgency
from mutualaid.core.categories import Category


@dataclass(frozen=True)
class StatusRow:
    code: str
    kind_label: str
    category_label: str
    status_label: str


@transaction.atomic
def create_from_sms(
    *, group: Any, contact: Contact, kind: str, category: str, area_text: str, urgency: str, details: str, language: str
) -> IntakeRequest:
    """Put a need or offer that arrived by SMS on the group's board."""
    if kind not in IntakeKind.values:
        raise ValidationError({"kind": _("Choose need or offer.")})
    if category not in Category.values:
        raise ValidationError({"category": _("Choose a category from the list.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose how urgent it is.")})
    request = IntakeRequest(
        group=group, contact=contact, kind=kind, category=category, area=area_text.strip()[:80],
        urgency=urgency, details=details.strip()[:500], language=language,
    )
    request.full_clean(exclude=["code"])
    for _attempt in range(5):
        # Codes are short so people can type them; on the rare collision draw another.
        if not IntakeRequest.objects.filter(code=request.code).exists():
            break
        from mutualaid.channels.models import new_code

        request.code = new_code()
    request.save()
    return request


def statuses_for_contact(contact: Contact) -> list[StatusRow]:
    """What someone texting in may learn about their own requests: code, kind, category, state."""
    requests = IntakeRequest.objects.filter(contact=contact, status=IntakeRequest.Status.OPEN).order_by("-created_at")[:5]
    return [
        StatusRow(
            code=r.code, kind_label=str(r.get_kind_display()), category_label=str(SMS_LABELS[Category(r.category)]),
            status_label=str(r.get_status_display()),
        )
        for r in requests
    ]


@transaction.atomic
def renew_or_close(*, request: IntakeRequest, renew: bool) -> IntakeRequest:
    """The requester answered a check-in: keep the need open for another period, or close it."""
    request = IntakeRequest.objects.select_for_update().get(pk=request.pk)
    now = timezone.now()
    if request.status != IntakeRequest.Status.OPEN:
        return request
    if renew:
        request.last_activity_at = now
    else:
        request.status = IntakeRequest.Status.CLOSED
        request.closed_at = now
    request.checkin_sent_at = None
    request.save(update_fields=["last_activity_at", "status", "closed_at", "checkin_sent_at"])
    return request


def needing_checkin(*, days: int) -> QuerySet[IntakeRequest]:
    """Open needs with no activity for `days` days and no check-in pending."""
    cutoff = timezone.now() - timedelta(days=days)
    return IntakeRequest.objects.filter(
        kind=IntakeKind.NEED, status=IntakeRequest.Status.OPEN, last_activity_at__lt=cutoff, checkin_sent_at__isnull=True,
    ).select_related("group", "contact", "user")


def open_requests_for_group(group: Any) -> QuerySet[IntakeRequest]:
    return IntakeRequest.objects.filter(group=group, status=IntakeRequest.Status.OPEN).order_by("-created_at")
