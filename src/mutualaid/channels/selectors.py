"""Reads for channels, scoped to what the asker may see."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from mutualaid.channels import board
from mutualaid.channels.models import IntakeRequest
from mutualaid.core.models import SensitiveRead

INTAKE_PAGE_SIZE = 50


def intake_for_coordinator(*, group: Any, reader: Any) -> list[IntakeRequest]:
    """Open requests that arrived by SMS, for a coordinator of `group`. Reading their area and details
    is a read of someone's sensitive notes, so each one shown is audited."""
    requests = list(board.open_requests_for_group(group).select_related("contact")[:INTAKE_PAGE_SIZE])
    # One insert for the whole page (the same rows core.audit.record_read writes one at a time).
    SensitiveRead.objects.bulk_create([
        SensitiveRead(reader=reader, group_id=group.pk, subject_type=IntakeRequest._meta.label_lower,
                      subject_id=request.pk, fields="area,details")
        for request in requests
    ])
    return requests


def intake_request_in_group(*, group: Any, request_id: int) -> IntakeRequest:
    found = IntakeRequest.objects.select_related("group", "contact").filter(group=group, pk=request_id).first()
    if found is None:
        raise Http404
    return found
