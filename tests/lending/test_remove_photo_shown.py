"""The item page offers "Remove the photo" only when the item has one (the walk-through: it was offered
on an item without a photo), and removing a photo still works through the page and the API."""

from __future__ import annotations

import base64
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mutualaid.lending.models import Item
from tests.hubs.conftest import image_bytes


def _page(client: Any, item: Item) -> str:
    return str(client.get(reverse("lending_item", args=["crown", item.pk])).content.decode())


def test_remove_is_offered_only_for_an_item_with_a_photo(client_for: Any, ladder: Any, fay: Any) -> None:
    lender = client_for(fay)
    upload = reverse("lending_photo_upload", args=["crown", ladder.pk])
    before = _page(lender, ladder)
    assert "Save the photo" in before and "Remove the photo" not in before
    sent = SimpleUploadedFile("x.jpg", image_bytes(), "image/jpeg")
    assert lender.post(upload, {"photo": sent}).status_code == 302
    assert "Remove the photo" in _page(lender, ladder)
    assert lender.post(upload, {"remove": "on"}).status_code == 302
    assert not Item.objects.get(pk=ladder.pk).photo
    after = _page(lender, ladder)
    assert "Remove the photo" not in after and "The photo is removed." in after


def test_removing_a_photo_already_gone_is_done_too(client_for: Any, ladder: Any, fay: Any) -> None:
    """A double tap on "Remove the photo", or a second manager after the first, finds nothing to remove:
    the answer is the same "removed" (the photo is gone either way), not an error asking for a photo."""
    upload = reverse("lending_photo_upload", args=["crown", ladder.pk])
    answer = client_for(fay).post(upload, {"remove": "on"}, follow=True)
    html = answer.content.decode()
    assert answer.redirect_chain and "The photo is removed." in html and "Remove the photo" not in html
    assert not Item.objects.get(pk=ladder.pk).photo


def test_saving_without_a_photo_asks_for_one(client_for: Any, ladder: Any, fay: Any) -> None:
    upload = reverse("lending_photo_upload", args=["crown", ladder.pk])
    answer = client_for(fay).post(upload, {})
    assert answer.status_code == 400 and "Choose a photo." in answer.content.decode()


def test_removing_through_the_api_clears_what_the_page_offers(
    client_for: Any, api_for: Any, ladder: Any, fay: Any
) -> None:
    url = f"/api/v1/groups/crown/lending/{ladder.pk}/photo"
    body = {"photo": base64.b64encode(image_bytes()).decode()}
    assert api_for(fay).put(url, body, content_type="application/json").status_code == 200
    assert "Remove the photo" in _page(client_for(fay), ladder)
    removed = api_for(fay).put(url, {"photo": None}, content_type="application/json")
    assert removed.status_code == 200 and removed.json()["photo_url"] is None
    assert "Remove the photo" not in _page(client_for(fay), ladder)
