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
    """Keep one file, from the field `field`, in memory up to `limit` bytes; skip (and flag) a larger one.

    Files in other fields, and any second file, are skipped unread: at most `limit` bytes of upload are
    ever held, whatever the client sends."""

    def __init__(
        self, request: HttpRequest | None = None, limit: int = RECEIPT_MAX_BYTES, field: str = "receipt"
    ) -> None:
        super().__init__(request)
        self.limit = limit
        self.field = field
        self.kept = False
        self.buffer: io.BytesIO | None = None
        self.received = 0
        if request is not None:
            setattr(request, TOO_BIG_ATTR, set())

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = None
        self.received = 0
        if self.field_name != self.field or self.kept:
            raise SkipFile
        self.buffer = io.BytesIO()

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
        self.kept = True
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def install_capped_upload(request: HttpRequest, limit: int = RECEIPT_MAX_BYTES) -> None:
    """Replace the request's upload handlers; call before anything reads request.POST or request.FILES."""
    request.upload_handlers = [CappedMemoryUpload(request, limit)]


def upload_too_big(request: HttpRequest, field: str) -> bool:
    return field in getattr(request, TOO_BIG_ATTR, set())


def capped_uploads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For web views that take a receipt; put it outermost, above login_required, so that every POST without
    a token is a CSRF refusal. The CSRF middleware reads request.POST (and so parses the upload with the
    default handlers) before the view runs; so the view is exempted there and protected here, after our
    handler is in place, as Django's documentation on per-view upload handlers prescribes."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            install_capped_upload(request)
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)
