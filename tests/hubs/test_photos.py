"""Photos of hubs: JPEG and PNG only by their first bytes, at most 5 MB, every metadata field gone."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mutualaid.core import photos
from mutualaid.hubs.models import Report
from tests.hubs.conftest import image_bytes


def test_a_jpeg_with_gps_exif_has_no_gps_after_upload(client_for: Any, fridge: Any) -> None:
    sent = image_bytes(gps=True)
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(0x8825), "the fixture carries GPS"
    response = client_for(None).post(
        reverse("hubs_report", args=["crown", fridge.pk]),
        {"condition": "good", "food_level": "2", "photo": SimpleUploadedFile("x.jpg", sent, "image/jpeg")},
    )
    assert response.status_code == 302, response.content[:500]
    report = Report.objects.get(hub=fridge)
    stored = photos.from_text(report.photo or "")
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert max(image.size) <= photos.MAX_SIDE
    assert not image.getexif()
    assert not image.getexif().get_ifd(0x8825)
    assert "exif" not in image.info and "icc_profile" not in image.info and "comment" not in image.info
    assert b"Exif" not in stored and b"PhoneMaker" not in stored and b"taken at home" not in stored
    served = client_for(None).get(reverse("hubs_photo", args=["crown", report.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served.content == stored


def test_a_png_is_taken_and_becomes_a_jpeg(fridge: Any) -> None:
    from mutualaid.hubs import services

    report = services.report_create(hub=fridge, condition="good", food_level=3, photo=image_bytes("PNG"))
    assert photos.from_text(report.photo or "").startswith(photos.JPEG_MAGIC)


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        (
            "fridge.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("fridge.jpg", b"<html><body><script>alert(1)</script></body></html>", "image/jpeg"),
        ("fridge.png", b"GIF89a" + b"\x00" * 64, "image/png"),
        ("fridge.jpg", b"\xff\xd8\xff" + b"not really a jpeg" * 10, "image/jpeg"),
    ],
)
def test_other_files_are_refused_by_their_bytes(
    client_for: Any, fridge: Any, name: str, content: bytes, declared: str
) -> None:
    response = client_for(None).post(
        reverse("hubs_report", args=["crown", fridge.pk]),
        {"condition": "good", "food_level": "2", "photo": SimpleUploadedFile(name, content, declared)},
    )
    assert response.status_code == 400
    assert b"JPEG or PNG" in response.content or b"not a photo we can read" in response.content
    assert not Report.objects.exists()


def test_an_oversized_file_is_refused_and_never_spooled(
    client_for: Any, fridge: Any, settings: Any, tmp_path: Any
) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    big = image_bytes() + b"\x00" * (photos.MAX_BYTES + 1)
    response = client_for(None).post(
        reverse("hubs_report", args=["crown", fridge.pk]),
        {"condition": "good", "food_level": "2", "photo": SimpleUploadedFile("big.jpg", big, "image/jpeg")},
    )
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not Report.objects.exists()
    assert list(tmp_path.iterdir()) == []  # nothing was written to disk


def test_the_service_refuses_an_oversized_photo_too(fridge: Any) -> None:
    from django.core.exceptions import ValidationError

    from mutualaid.hubs import services

    with pytest.raises(ValidationError) as caught:
        services.report_create(
            hub=fridge, condition="good", food_level=2, photo=b"\xff\xd8\xff" + b"\x00" * photos.MAX_BYTES
        )
    assert caught.value.message_dict == {"photo": ["The photo is larger than 5 MB."]}
    assert not Report.objects.exists()


def test_a_report_photo_through_the_api_is_cleaned_too(client_for: Any, fridge: Any) -> None:
    body = {
        "condition": "good",
        "food_level": 2,
        "photo": base64.b64encode(image_bytes(gps=True)).decode(),
    }
    answer = client_for(None).post(f"/api/v1/hubs/{fridge.pk}/reports", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["has_photo"] is True
    stored = photos.from_text(Report.objects.get(hub=fridge).photo or "")
    assert b"Exif" not in stored and not Image.open(io.BytesIO(stored)).getexif()
    bad = {**body, "photo": base64.b64encode(b"<html></html>").decode()}
    refused = client_for(None).post(f"/api/v1/hubs/{fridge.pk}/reports", bad, content_type="application/json")
    assert refused.status_code == 422 and Report.objects.filter(hub=fridge).count() == 1
