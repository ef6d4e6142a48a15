"""A receipt as a file to download, the same from the request page and the API."""

from __future__ import annotations

from django.http import HttpResponse

from mutualaid.core.audit import record_read
from mutualaid.funds import services
from mutualaid.funds.models import Receipt, Request
from mutualaid.members.models import User

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def receipt_file(*, reader: User, ask: Request, receipt: Receipt) -> HttpResponse | None:
    """The receipt decrypted as an attachment nobody caches, its read audited; None when it can no longer be
    decrypted (the caller answers 410 in its own words). The reader must already be allowed to see it."""
    data = services.receipt_open(receipt)
    if data is None:
        return None
    record_read(reader=reader, subject=ask, fields=["receipt"], group_id=ask.fund.group_id)
    response = HttpResponse(data, content_type=receipt.content_type)
    extension = EXTENSIONS[receipt.content_type]
    response["Content-Disposition"] = f'attachment; filename="receipt-{receipt.pk}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response
