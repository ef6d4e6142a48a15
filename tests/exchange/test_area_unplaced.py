"""Places are never silently dropped (issue 11): where the poster cannot be asked again (an import row,
a text message) an area that cannot be placed puts the post at the group's centre with a visible "area
not placed" flag; coordinators filter the board by it (web and API) and fix the place by editing; the
API refuses an unplaceable area on creation with a 422 naming the field, as the form does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse

from mutualaid.core.geo import snap
from mutualaid.exchange import importing
from mutualaid.exchange.models import Post
from tests.helpers import make_post

FIXTURES = Path(__file__).parent / "fixtures"


def _centre(group: Any) -> tuple[str, float, float]:
    return snap(group.centre_lat, group.centre_lon)


def _import(crown: Any, ada: Any) -> None:
    plan = importing.plan_import(
        importing.read((FIXTURES / "airtable_requests_export.csv").read_bytes()), kind="need"
    )
    importing.import_commit(group=crown, actor=ada, plan=plan)


def test_imported_rows_with_unknown_areas_sit_at_the_centre_flagged(ada: Any, crown: Any) -> None:
    _import(crown, ada)  # its areas are "NE", "SW", "NW": no place the group or the gazetteer knows
    posts = list(Post.objects.all())
    assert posts and all(p.area_unplaced for p in posts)
    cell, lat, lon = _centre(crown)
    assert all((p.cell, p.lat, p.lon) == (cell, lat, lon) for p in posts)  # reachable by matching
    # What was typed for the area stays, sealed in the private note, never in the clear column.
    assert all(p.area == "" and p.private_note.startswith("Area: ") for p in posts)
    assert {p.private_note.split("\n")[0] for p in posts} >= {"Area: NE", "Area: SW", "Area: NW"}


def test_a_known_area_is_not_flagged(ben: Any, crown: Any) -> None:
    from mutualaid.exchange import services

    location, unplaced = services.place_or_centre(crown, "11216")
    assert location.cell and not unplaced
    assert services.place_or_centre(crown, "") == (services.Location("", "", None, None), False)


def test_sms_need_with_an_unknown_area_is_flagged_and_its_words_kept_sealed(crown: Any) -> None:
    from mutualaid.channels import board
    from mutualaid.channels.models import Contact

    contact = Contact.objects.create(group=crown, phone="+17185550123", phone_index="x")
    request = board.create_from_sms(
        group=crown,
        contact=contact,
        kind="need",
        category="food",
        area_text="behind the blue church",
        urgency="today",
        details="rice",
        language="en",
    )
    post = Post.objects.get(pk=request.post_id)
    assert post.area_unplaced and post.area == ""
    assert (post.cell, post.lat, post.lon) == _centre(crown)
    assert "behind the blue church" in post.private_note


def test_coordinators_filter_the_board_and_fix_the_place(
    client_for: Any, ada: Any, ben: Any, crown: Any
) -> None:
    _import(crown, ada)
    placed = make_post(crown, ben, title="Placed need")
    flagged = Post.objects.filter(area_unplaced=True).order_by("pk").first()
    assert flagged is not None
    flagged.visibility = "group"
    flagged.save(update_fields=["visibility"])
    board = reverse("exchange_board", args=["crown"])
    coordinator = client_for(ada)
    html = coordinator.get(board, {"unplaced": "on"}).content.decode()
    assert 'name="unplaced"' in html and "Area not placed" in html
    assert "Placed need" not in html and (flagged.title or "") in html
    # A member has no such filter; the flag alone does not hide anything from them.
    member_html = client_for(ben).get(board, {"unplaced": "on"}).content.decode()
    assert 'name="unplaced"' not in member_html and "Placed need" in member_html
    # The post's page says so and links to the fix.
    page = coordinator.get(reverse("exchange_post", args=["crown", flagged.pk])).content.decode()
    assert "Fix the place" in page
    # An edit that leaves the area blank keeps the flag and the place at the centre.
    form = {
        "category": flagged.category,
        "title": flagged.title,
        "quantity": 1,
        "urgency": flagged.urgency,
        "visibility": "group",
        "area": "",
    }
    edit = reverse("exchange_post_edit", args=["crown", flagged.pk])
    assert coordinator.post(edit, form).status_code == 302
    flagged.refresh_from_db()
    assert flagged.area_unplaced and flagged.lat is not None
    # Giving a place the group knows clears it.
    assert coordinator.post(edit, {**form, "area": "11216"}).status_code == 302
    flagged.refresh_from_db()
    assert not flagged.area_unplaced and flagged.area == "11216"
    assert placed.pk not in Post.objects.filter(area_unplaced=True).values_list("pk", flat=True)


def test_api_flag_filter_and_fix(api_for: Any, ada: Any, ben: Any, crown: Any) -> None:
    _import(crown, ada)
    make_post(crown, ben, title="Placed need")
    url = reverse("api:exchange_board", args=["crown"])
    rows = api_for(ada).get(url, {"unplaced": "true"}).json()["results"]
    assert rows and all(r["area_unplaced"] for r in rows)
    everything = api_for(ada).get(url).json()["results"]
    assert any(not r["area_unplaced"] for r in everything)
    # Members cannot narrow the board with it (the flag is shown, the filter is coordinators').
    assert any(
        r["title"] == "Placed need" for r in api_for(ben).get(url, {"unplaced": "true"}).json()["results"]
    )
    post = Post.objects.filter(area_unplaced=True).order_by("pk").first()
    assert post is not None
    body = {"area": "Zzyzx Flats"}
    update = reverse("api:exchange_post_patch", args=["crown", post.pk])
    refused = api_for(ada).patch(update, body, content_type="application/json")
    assert refused.status_code == 422 and "area" in refused.json()["errors"]
    fixed = api_for(ada).patch(update, {"area": "11225"}, content_type="application/json")
    assert fixed.status_code == 200 and fixed.json()["area_unplaced"] is False


def test_api_refuses_an_area_it_cannot_place_naming_the_field(api_for: Any, ben: Any, crown: Any) -> None:
    url = reverse("api:exchange_post_create", args=["crown"])
    body = {"kind": "need", "category": "food", "title": "Rice", "area": "Zzyzx Flats"}
    response = api_for(ben).post(url, body, content_type="application/json")
    assert response.status_code == 422
    [message] = response.json()["errors"]["area"]
    assert message.startswith("We could not place “Zzyzx Flats”.")
    assert not Post.objects.exists()
    created = api_for(ben).post(url, {**body, "area": "11216"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["area_unplaced"] is False


def test_the_place_the_group_is_named_after_is_its_centre(client_for: Any, ben: Any, crown: Any) -> None:
    """ "Crown Heights" in "Crown Heights Mutual Aid" was refused as an area (the tester's demo run): the
    group's own name, its address and the words its name begins with are the group's centre."""
    from mutualaid.exchange import services

    cell, lat, lon = _centre(crown)
    for typed in ("Crown Heights", "crown heights mutual aid", "CROWN", "crown "):
        location = services.locate(crown, typed)
        assert (location.cell, location.lat, location.lon) == (cell, lat, lon), typed
    assert not services.locate(crown, "Heights").cell  # the middle of the name is not the group
    assert not services.locate(crown, "Crown Heights Mutual Aid Annex").cell
    response = client_for(ben).post(
        reverse("exchange_post_new", args=["crown"]),
        {
            "kind": "need",
            "category": "food",
            "title": "Rice",
            "quantity": 1,
            "urgency": "flexible",
            "area": "Crown Heights",
            "visibility": "group",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    assert (post.area, post.cell, post.area_unplaced) == ("Crown Heights", cell, False)
