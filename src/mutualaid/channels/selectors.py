"""Reads for channels, scoped to what the asker may see."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from mutualaid.channels import board
from mutualaid.channels.models import IntakeRequest
from mutualaid.core.models import ReadVia, SensitiveRead
from mutualaid.exchange.models import Post

INTAKE_PAGE_SIZE = 50


def intake_for_coordinator(*, group: Any, reader: Any) -> list[IntakeRequest]:
    """Board posts that arrived by SMS and are still active, for a coordinator of `group`. Their private
    note holds what the texter wrote (details, an area the board could not place), so each one shown
    is an audited read of the post's sealed note."""
    requests = list(board.open_requests_for_group(group)[:INTAKE_PAGE_SIZE])
    # One insert for the whole page (the same rows core.audit.record_read writes one at a time).
    SensitiveRead.objects.bulk_create(
        [
            SensitiveRead(
                reader=reader,
                group_id=group.pk,
                subject_type=Post._meta.label_lower,
                subject_id=request.post_id,
                fields="private_note",
                via=ReadVia.INTAKE,
            )
            for request in requests
        ]
    )
    return requests


def intake_request_in_group(*, group: Any, request_id: int) -> IntakeRequest:
    found = (
        IntakeRequest.objects.select_related("group", "contact", "post")
        .filter(group=group, pk=request_id)
        .first()
    )
    if found is None:
        raise Http404
    return found
