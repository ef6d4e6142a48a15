"""Photos people send (a hub's condition report, a lent item): JPEG or PNG only (told by their first
bytes, never by name or declared type), at most 5 MB, held in memory only, re-encoded as a small JPEG
with every metadata field left behind (EXIF with GPS, XMP, IPTC, comments, ICC profiles). Stored
sealed, as base64 text in an encrypted field (`to_text`). One cleaner for every app."""

from __future__ import annotations

import base64
import binascii
import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1024
MAX_PIXELS = 40_000_000  # a 5 MB file claiming more pixels is a decompression bomb
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class PhotoRefused(ValueError):
    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


def sniff(data: bytes) -> str | None:
    if data.startswith(JPEG_MAGIC):
        return "JPEG"
    if data.startswith(PNG_MAGIC):
        return "PNG"
    return None


def clean(data: bytes) -> bytes:
    """A JPEG of at most MAX_SIDE pixels a side, built from the pixels alone; PhotoRefused otherwise."""
    if len(data) > MAX_BYTES:
        raise PhotoRefused(_("The photo is larger than 5 MB."))
    kind = sniff(data)
    if kind is None:
        raise PhotoRefused(_("Send a photo as JPEG or PNG."))
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise PhotoRefused(_("The photo has too many pixels."))
            upright = ImageOps.exif_transpose(opened)  # turn it as the camera meant before EXIF goes
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            rgba = upright.convert("RGBA")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        if isinstance(exc, PhotoRefused):
            raise
        raise PhotoRefused(_("This file is not a photo we can read.")) from None
    # A new image gets only the pixels: no info dict, no EXIF, no ICC profile can come along.
    bare = Image.new("RGB", rgba.size, (255, 255, 255))
    bare.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def to_text(jpeg: bytes) -> str:
    return base64.b64encode(jpeg).decode("ascii")


def from_text(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def from_api(text: str) -> bytes:
    """A photo sent through the JSON API as base64: decoded in memory, refused past 5 MB before the
    decoding (a longer text cannot hold a photo we would take) or when it is not base64."""
    if len(text) > (MAX_BYTES + 2) // 3 * 4 + 4:
        raise PhotoRefused(_("The photo is larger than 5 MB."))
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise PhotoRefused(_("Send the photo as base64 text of a JPEG or PNG file.")) from None


def sealed(data: bytes | None) -> str:
    """The cleaned photo as text for an encrypted field ("" without a photo); PhotoRefused otherwise."""
    return to_text(clean(data)) if data else ""


class MemoryPhotoHandler(FileUploadHandler):
    """Keeps an uploaded photo in memory and never spools it to disk; stops reading past MAX_BYTES.

    Django's own handlers write uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file; a photo
    must never touch the disk unprocessed, so every view taking one uses only this handler.
    """

    def __init__(self, request: object = None) -> None:
        super().__init__(request)  # type: ignore[arg-type]
        self.too_big = False
        self.buffer = io.BytesIO()

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)  # type: ignore[arg-type]
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.buffer.tell() + len(raw_data) > MAX_BYTES:
            self.too_big = True
            self.buffer = io.BytesIO()
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:

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
