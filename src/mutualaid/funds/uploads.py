"""Receipt uploads that never touch the disk.

Django's default upload handlers spool any request body larger than FILE_UPLOAD_MAX_MEMORY_SIZE into a
temporary file before a view can look at it: an oversize receipt (a photo of someone's bail papers)
would sit unencrypted in /tmp until the refusal. Receipt routes install `CappedMemoryUpload` instead:
files are kept in memory, and a file that grows past the limit is dropped chunk by chunk as it arrives
and marked too big, so the view refuses it with a clear message and nothing was written anywhere.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

# Receipts are at most 5 MB (services.RECEIPT_MAX_BYTES); kept here to avoid an import cycle.
RECEIPT_MAX_BYTES = 5 * 1024 * 1024
TOO_BIG_ATTR = "mutualaid_upload_too_big"


class CappedMemoryUpload(FileUploadHandler):
    """Keep each uploaded file in memory up to `limit` bytes; skip (and flag) any file larger than that."""

    def __init__(self, request: HttpRequest | None = None, limit: int = RECEIPT_MAX_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.buffer: io.BytesIO | None = None
        self.received = 0
        if request is not None:
            setattr(request, TOO_BIG_ATTR, set())

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            # Forget what we kept and let the parser discard the rest of this file unread.
            self.buffer = None
            if self.request is not None:
                getattr(self.request, TOO_BIG_ATTR).add(self.field_name)
            raise SkipFile
        assert self.buffer is not None
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer, field_name=self.field_name, name=self.file_name, content_type=self.content_type,
            size=file_size, charset=self.charset, content_type_extra=self.content_type_extra,
        )


def install_capped_upload(request: HttpRequest, limit: int = RECEIPT_MAX_BYTES) -> None:
    """Replace the request's upload handlers; call before anything reads request.POST or request.FILES."""
    request.upload_handlers = [CappedMemoryUpload(request, limit)]


def upload_too_big(request: HttpRequest, field: str) -> bool:
    return field in getattr(request, TOO_BIG_ATTR, set())


def capped_uploads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For web views that take a receipt. The CSRF middleware reads request.POST (and so parses the upload
    with the default handlers) before the view runs; so the view is exempted there and protected here,
    after our handler is in place, as Django's documentation on per-view upload handlers prescribes."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            install_capped_upload(request)
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)
