"""Receipts through the web and the API: JPEG/PNG/PDF by their first bytes, at most 5 MB, sealed, reads
audited — and an oversize file is refused without ever being written to a temporary file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from mutualaid.core.models import SensitiveRead
from mutualaid.funds import services
from mutualaid.funds.models import Receipt, Request
from tests.funds.conftest import PDF, PNG

LIMIT = 5 * 1024 * 1024
JPEG_TOO_BIG = b"\xff\xd8\xff" + b"0" * LIMIT  # one byte over 5 MB with its magic


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records every temporary file Django's upload machinery creates (there must be none)."""
    from django.core.files import uploadedfile

    created: list[str] = []
    original = uploadedfile.TemporaryUploadedFile.__init__

    def record(self: Any, name: str, *args: Any, **kwargs: Any) -> None:
        created.append(name)
        original(self, name, *args, **kwargs)

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", record)
    yield created


def test_the_detector_sees_djangos_default_spooling(spooled: list[str]) -> None:
    # Without our handler, Django writes a body this large to a temporary file before any view runs.
    request = RequestFactory().post("/x/", {"receipt": SimpleUploadedFile("big.jpg", JPEG_TOO_BIG)})
    assert request.FILES["receipt"].size == len(JPEG_TOO_BIG)
    assert spooled == ["big.jpg"]


@pytest.fixture
def ask(ben: Any, rent_fund: Any) -> Request:
    return services.request_create(
        fund=rent_fund, requested_by=ben, amount=20_00, currency="USD", purpose="fridge", kind="reimbursement"
    )


def test_api_attaches_a_sealed_receipt(api_for: Any, ben: Any, ask: Request) -> None:
    response = api_for(ben).post(
        f"/api/v1/groups/crown/fund-requests/{ask.pk}/receipts", {"receipt": SimpleUploadedFile("r.pdf", PDF)}
    )
    assert response.status_code == 201
    receipt = Receipt.objects.get()
    assert response.json()["id"] == receipt.pk
    assert (response.json()["content_type"], response.json()["size"]) == ("application/pdf", len(PDF))
    assert PDF not in bytes(receipt.sealed) and services.receipt_open(receipt) == PDF


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\x00" * 20, "A receipt must be a JPEG, PNG or PDF file."),
        (b"", "The file is empty."),
        (JPEG_TOO_BIG, "A receipt can be at most 5 MB."),
    ],
)
def test_api_refuses_bad_receipts_without_writing(
    api_for: Any, ben: Any, ask: Request, spooled: list[str], data: bytes, message: str
) -> None:
    response = api_for(ben).post(
        f"/api/v1/groups/crown/fund-requests/{ask.pk}/receipts",
        {"receipt": SimpleUploadedFile("r.png", data)},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"receipt": [message]}
    assert not Receipt.objects.exists()
    assert spooled == []


def test_api_upload_needs_a_file(api_for: Any, ben: Any, ask: Request) -> None:
    url = f"/api/v1/groups/crown/fund-requests/{ask.pk}/receipts"
    missing = api_for(ben).post(url, {"note": "no file"})
    assert missing.status_code == 422 and missing.json()["errors"] == {
        "receipt": ["Choose a file to upload."]
    }
    json_body = api_for(ben).post(url, "{}", content_type="application/json")
    assert json_body.status_code == 422
    assert json_body.json()["errors"] == {
        "receipt": ["Send the receipt as multipart/form-data in the field named receipt."]
    }


def test_api_upload_is_for_the_requester_and_coordinators(
    api_for: Any, ada: Any, cy: Any, ask: Request, crown: Any
) -> None:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    dot = make_user("dot")
    Membership.objects.create(user=dot, group=crown, role="member")
    url = f"/api/v1/groups/crown/fund-requests/{ask.pk}/receipts"
    assert api_for(cy).post(url, {"receipt": SimpleUploadedFile("r.png", PNG)}).status_code == 404
    assert api_for(dot).post(url, {"receipt": SimpleUploadedFile("r.png", PNG)}).status_code == 404
    assert api_for(ada).post(url, {"receipt": SimpleUploadedFile("r.png", PNG)}).status_code == 201
    assert Receipt.objects.get().uploaded_by == ada


def test_api_download_is_audited(api_for: Any, ada: Any, ben: Any, cy: Any, ask: Request) -> None:
    receipt = services.receipt_add(request=ask, uploaded_by=ben, data=PNG)
    url = f"/api/v1/groups/crown/fund-requests/{ask.pk}/receipts/{receipt.pk}"
    own = api_for(ben).get(url)
    assert own.status_code == 200 and own.content == PNG and own["Content-Type"] == "image/png"
    assert own["Cache-Control"] == "private, no-store"
    assert own["Content-Disposition"] == f'attachment; filename="receipt-{receipt.pk}.png"'
    assert not SensitiveRead.objects.exists()
    assert api_for(ada).get(url).content == PNG
    assert SensitiveRead.objects.get().fields == "receipt"
    assert api_for(cy).get(url).status_code == 404
    assert api_for(ben).get(f"/api/v1/groups/crown/fund-requests/{ask.pk}/receipts/999999").status_code == 404


def test_api_download_after_panic_is_gone(api_for: Any, ben: Any, ask: Request) -> None:
    receipt = services.receipt_add(request=ask, uploaded_by=ben, data=PNG)
    Receipt.objects.filter(pk=receipt.pk).update(sealed=b"not a sealed receipt")
    response = api_for(ben).get(f"/api/v1/groups/crown/fund-requests/{ask.pk}/receipts/{receipt.pk}")
    assert response.status_code == 410
    assert response.json() == {
        "detail": "gone",
        "errors": {"__all__": ["This receipt can no longer be decrypted."]},
    }


def test_web_download_after_panic_is_gone(client_for: Any, ada: Any, ben: Any, ask: Request) -> None:
    receipt = services.receipt_add(request=ask, uploaded_by=ben, data=PNG)
    Receipt.objects.filter(pk=receipt.pk).update(sealed=b"not a sealed receipt")
    response = client_for(ada).get(reverse("funds_receipt", args=["crown", ask.pk, receipt.pk]))
    assert response.status_code == 410
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "This receipt can no longer be decrypted."
    assert not SensitiveRead.objects.exists()  # nothing was read


def test_web_refuses_an_oversize_receipt_without_writing(
    client_for: Any, ben: Any, ask: Request, spooled: list[str]
) -> None:
    url = reverse("funds_receipt_add", args=["crown", ask.pk])
    response = client_for(ben).post(
        url, {"receipt": SimpleUploadedFile("big.jpg", JPEG_TOO_BIG)}, follow=True
    )
    assert "A receipt can be at most 5 MB." in response.content.decode()
    assert not Receipt.objects.exists()
    assert spooled == []
    ok = client_for(ben).post(url, {"receipt": SimpleUploadedFile("r.png", PNG)}, follow=True)
    assert "Receipt attached (stored encrypted)." in ok.content.decode()
    assert Receipt.objects.count() == 1


def test_web_request_with_an_oversize_receipt_is_not_sent(
    client_for: Any, ben: Any, rent_fund: Any, spooled: list[str]
) -> None:
    response = client_for(ben).post(
        reverse("funds_request_new", args=["crown", rent_fund.pk]),
        {
            "kind": "reimbursement",
            "category": "food",
            "amount": "42.10",
            "for_self": "1",
            "purpose": "Groceries",
            "receipt": SimpleUploadedFile("big.jpg", JPEG_TOO_BIG),
        },
    )
    assert response.status_code == 400
    assert "A receipt can be at most 5 MB." in response.content.decode()
    assert not Request.objects.exists() and not Receipt.objects.exists()
    assert spooled == []


def test_web_receipt_upload_still_checks_csrf(client_for: Any, ben: Any, ask: Request) -> None:
    url = reverse("funds_receipt_add", args=["crown", ask.pk])
    response = client_for(ben, csrf=True).post(url, {"receipt": SimpleUploadedFile("r.png", PNG)})
    assert response.status_code == 403
    assert not Receipt.objects.exists()
    new = client_for(ben, csrf=True).post(
        reverse("funds_request_new", args=["crown", ask.fund_id]), {"purpose": "x"}
    )
    assert new.status_code == 403


def test_only_one_receipt_file_is_ever_held(api_for: Any, ben: Any, ask: Request, spooled: list[str]) -> None:
    # Extra files, in other fields or a second one in the receipt field, are skipped unread.
    response = api_for(ben).post(
        f"/api/v1/groups/crown/fund-requests/{ask.pk}/receipts",
        {
            "receipt": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.pdf", PDF)],
            "other": SimpleUploadedFile("big.jpg", JPEG_TOO_BIG),
        },
    )
    assert response.status_code == 201
    assert [r.content_type for r in Receipt.objects.all()] == ["image/png"]
    assert spooled == []
