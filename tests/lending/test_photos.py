"""Photos of lent items, through the page and the API: the one cleaner of core.photos (JPEG/PNG by
their bytes, at most 5 MB, resized, no metadata); only the coordinator or lender sets one."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mutualaid.core import photos
from mutualaid.lending.models import Item
from tests.hubs.conftest import image_bytes


def _no_metadata(stored: bytes) -> None:
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and max(image.size) <= photos.MAX_SIDE
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert b"Exif" not in stored and b"PhoneMaker" not in stored


def test_lender_sends_a_photo_with_gps_and_members_see_it_clean(
    client_for: Any, ladder: Any, fay: Any, ben: Any, cy: Any
) -> None:
    upload = reverse("lending_photo_upload", args=["crown", ladder.pk])
    sent = image_bytes(gps=True)
    refused = client_for(ben).post(upload, {"photo": SimpleUploadedFile("x.jpg", sent, "image/jpeg")})
    assert refused.status_code == 403 and not Item.objects.get(pk=ladder.pk).photo
    done = client_for(fay).post(upload, {"photo": SimpleUploadedFile("x.jpg", sent, "image/jpeg")})
    assert done.status_code == 302
    stored = photos.from_text(Item.objects.get(pk=ladder.pk).photo or "")
    _no_metadata(stored)
    url = reverse("lending_photo", args=["crown", ladder.pk])
    served = client_for(ben).get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg" and served.content == stored
    assert client_for(cy).get(url).status_code == 404
    page = client_for(ben).get(reverse("lending_item", args=["crown", ladder.pk])).content.decode()
    assert url in page
    assert client_for(fay).post(upload, {"remove": "on"}).status_code == 302
    assert not Item.objects.get(pk=ladder.pk).photo
    assert client_for(ben).get(url).status_code == 404


def test_svg_html_and_oversized_files_are_refused_and_the_old_photo_stays(
    client_for: Any, drill: Any, ada: Any
) -> None:
    upload = reverse("lending_photo_upload", args=["crown", drill.pk])
    good = SimpleUploadedFile("x.png", image_bytes("PNG"), "image/png")
    assert client_for(ada).post(upload, {"photo": good}).status_code == 302
    kept = Item.objects.get(pk=drill.pk).photo
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, content in (("x.svg", svg), ("x.jpg", b"<html><script>alert(1)</script></html>")):
        answer = client_for(ada).post(upload, {"photo": SimpleUploadedFile(name, content, "image/jpeg")})
        assert answer.status_code == 400 and "JPEG or PNG" in answer.content.decode()
    big = photos.JPEG_MAGIC + b"\x00" * (photos.MAX_BYTES + 10)
    answer = client_for(ada).post(upload, {"photo": SimpleUploadedFile("big.jpg", big, "image/jpeg")})
    assert answer.status_code == 400 and "larger than 5 MB" in answer.content.decode()
    assert Item.objects.get(pk=drill.pk).photo == kept


def test_item_photo_through_the_api(api_for: Any, ladder: Any, fay: Any, ben: Any) -> None:
    url = f"/api/v1/groups/crown/lending/{ladder.pk}/photo"
    body = {"photo": base64.b64encode(image_bytes(gps=True)).decode()}
    assert api_for(ben).put(url, body, content_type="application/json").status_code == 403
    answer = api_for(fay).put(url, body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["photo_url"] == reverse("lending_photo", args=["crown", ladder.pk])
    _no_metadata(photos.from_text(Item.objects.get(pk=ladder.pk).photo or ""))
    not_b64 = api_for(fay).put(url, {"photo": "<svg>"}, content_type="application/json")
    assert not_b64.status_code == 422 and "photo" in not_b64.json()["errors"]
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    refused = api_for(fay).put(url, {"photo": svg}, content_type="application/json")
    assert refused.status_code == 422
    removed = api_for(fay).put(url, {"photo": None}, content_type="application/json")
    assert removed.status_code == 200 and removed.json()["photo_url"] is None


def test_a_photo_without_the_csrf_token_is_refused(client_for: Any, ladder: Any, fay: Any) -> None:
    """The view is exempt only so its upload handler is set first; inside it checks the token."""
    upload = reverse("lending_photo_upload", args=["crown", ladder.pk])
    sent = SimpleUploadedFile("x.jpg", image_bytes(), "image/jpeg")
    assert client_for(fay, csrf=True).post(upload, {"photo": sent}).status_code == 403
    assert not Item.objects.get(pk=ladder.pk).photo
