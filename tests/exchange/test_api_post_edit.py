"""The API's post edits: PUT replaces every field (and refuses a body that leaves some out), PATCH changes
only the fields sent; every wrong field of one request is named at once."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.urls import reverse

from mutualaid.exchange.models import Post, PostEvent, PostToken
from mutualaid.exchange.services import EDITABLE_FIELDS
from tests.helpers import make_post

JSON = "application/json"


def _full_post(crown: Any, ben: Any) -> Post:
    return make_post(
        crown,
        ben,
        title="Rice for a family",
        details="Two kilos, no nuts please",
        quantity=3,
        unit="bags",
        area="11225",
        address="742 Evergreen Terrace",
        private_note="Ring twice",
        languages=["en", "es"],
    )


def _url(post: Post) -> str:
    return reverse("api:exchange_post_patch", args=["crown", post.pk])


def test_a_put_missing_fields_is_refused_naming_each_and_changes_nothing(
    api_for: Any, ben: Any, crown: Any
) -> None:
    post = _full_post(crown, ben)
    response = api_for(ben).put(
        reverse("api:exchange_post_update", args=["crown", post.pk]),
        {"kind": "need", "category": "food", "title": "Rice, white"},
        content_type=JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "bad request"
    assert set(body["errors"]) == set(EDITABLE_FIELDS) - {"category", "title"}
    assert body["errors"]["area"] == ["This field is required: a PUT replaces every field."]
    post.refresh_from_db()
    assert (post.title, post.area, post.quantity, post.unit) == ("Rice for a family", "11225", 3, "bags")
    assert not PostEvent.objects.filter(post=post, action="edit").exists()


def test_a_put_with_every_field_replaces_the_post(api_for: Any, ben: Any, crown: Any) -> None:
    post = _full_post(crown, ben)
    detail = api_for(ben).get(reverse("api:exchange_post_detail", args=["crown", post.pk])).json()
    body = {name: detail.get(name) for name in ("kind", *EDITABLE_FIELDS)}
    body.update(title="Rice, white", private_note="", lat=None, lon=None)
    response = api_for(ben).put(
        reverse("api:exchange_post_update", args=["crown", post.pk]), body, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    post.refresh_from_db()
    assert (post.title, post.area, post.quantity, post.address) == (
        "Rice, white",
        "11225",
        3,
        "742 Evergreen Terrace",
    )


def test_patch_changes_only_what_is_sent(api_for: Any, ben: Any, crown: Any) -> None:
    post = _full_post(crown, ben)
    before = Post.objects.get(pk=post.pk)
    tokens_before = set(PostToken.objects.filter(post=post).values_list("token", flat=True))
    response = api_for(ben).patch(_url(post), {"title": "Lentils for a family"}, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Lentils for a family"
    post.refresh_from_db()
    assert post.title == "Lentils for a family"
    for name in ("details", "quantity", "unit", "area", "cell", "lat", "lon", "languages", "area_unplaced"):
        assert getattr(post, name) == getattr(before, name), name
    assert (post.address, post.private_note) == ("742 Evergreen Terrace", "Ring twice")
    # Sealed fields stay sealed; the search tokens follow the new title; the edit is in the history.
    with connection.cursor() as cursor:
        cursor.execute("SELECT address, title FROM exchange_post WHERE id = %s", [post.pk])
        address, title = cursor.fetchone()
    assert "Evergreen" not in address and "Lentils" not in title
    assert set(PostToken.objects.filter(post=post).values_list("token", flat=True)) != tokens_before
    board = api_for(ben).get(reverse("api:exchange_board", args=["crown"]), {"q": "lentils"}).json()
    assert [r["id"] for r in board["results"]] == [post.pk]
    assert PostEvent.objects.filter(post=post, action="edit", actor=ben).count() == 1


def test_patch_moves_the_place_and_clears_a_nullable_field(api_for: Any, ben: Any, crown: Any) -> None:
    post = _full_post(crown, ben)
    moved = api_for(ben).patch(_url(post), {"lat": 40.671, "lon": -73.944}, content_type=JSON)
    assert moved.status_code == 200, moved.json()
    assert moved.json()["area"].startswith("40.67, -73.9") and moved.json()["lat"] is not None
    named = api_for(ben).patch(_url(post), {"area": "11216", "window_end": None}, content_type=JSON)
    assert named.status_code == 200, named.json()
    post.refresh_from_db()
    assert post.area == "11216" and post.window_end is None and post.quantity == 3


def test_patch_validates_like_the_form_naming_every_wrong_field(api_for: Any, ben: Any, crown: Any) -> None:
    post = _full_post(crown, ben)
    response = api_for(ben).patch(
        _url(post), {"area": "Zzyzx Flats", "quantity": 0, "title": "  "}, content_type=JSON
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"area", "quantity", "title"}
    null = api_for(ben).patch(_url(post), {"title": None}, content_type=JSON)
    assert null.status_code == 422 and "title" in null.json()["errors"]
    empty = api_for(ben).patch(_url(post), {}, content_type=JSON)
    assert empty.status_code == 422 and empty.json()["errors"]["__all__"]
    post.refresh_from_db()
    assert (post.title, post.area, post.quantity) == ("Rice for a family", "11225", 3)


def test_patch_keeps_a_flagged_place_and_refuses_a_closed_post(api_for: Any, ben: Any, crown: Any) -> None:
    from mutualaid.exchange import services

    post = make_post(crown, ben, area="Somewhere far", unplaced=True)
    assert post.area_unplaced
    changed = api_for(ben).patch(_url(post), {"quantity": 2}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["area_unplaced"] is True
    services.post_act(post=post, actor=ben, action="withdraw")
    closed = api_for(ben).patch(_url(post), {"quantity": 4}, content_type=JSON)
    assert closed.status_code == 422
    post.refresh_from_db()
    assert post.quantity == 2


def test_only_the_poster_or_a_coordinator_patches(
    api_for: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    post = _full_post(crown, ben)
    assert api_for(fay).patch(_url(post), {"quantity": 9}, content_type=JSON).status_code == 403
    assert api_for(ada).patch(_url(post), {"quantity": 9}, content_type=JSON).status_code == 200
    post.refresh_from_db()
    assert post.quantity == 9 and post.address == "742 Evergreen Terrace"


def test_create_names_a_bad_area_and_a_bad_quantity_together(api_for: Any, ben: Any, crown: Any) -> None:
    response = api_for(ben).post(
        reverse("api:exchange_post_create", args=["crown"]),
        {"kind": "need", "category": "food", "title": "Rice", "area": "Zzyzx Flats", "quantity": 0},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"area", "quantity"}
    assert not Post.objects.exists()


def test_unknown_api_paths_and_methods_answer_in_the_error_shape(api_for: Any, ben: Any, crown: Any) -> None:
    client = api_for(ben)
    missing = client.get("/api/v1/nothing/here", headers={"Accept-Language": "es"})
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/json")
    assert missing.json() == {"detail": "not found", "errors": {"__all__": ["No se encontró."]}}
    assert missing["Content-Language"] == "es"
    post = make_post(crown, ben)
    wrong = client.delete(reverse("api:exchange_post_update", args=["crown", post.pk]))
    assert wrong.status_code == 405 and wrong["Content-Type"].startswith("application/json")
    assert wrong.json()["detail"] == "method not allowed" and wrong.json()["errors"]["__all__"]
    assert set(wrong["Allow"].replace(" ", "").split(",")) == {"GET", "PUT", "PATCH"}
    page = client.get("/no/such/page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
