"""Places are never silently dropped on the post form (issue 11): the group's areas and postal codes are
found whatever the case, accents and spacing; an area that cannot be placed is a field error with the
nearest known names."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mutualaid.exchange import services
from mutualaid.exchange.models import Post


@pytest.fixture
def areas(crown: Any) -> Any:
    from mutualaid.groups.models import Area
    from mutualaid.groups.services import area_add

    area_add(group=crown, name="Peñalolén Alto", lat=40.672, lon=-73.944, postal_code="E8 1DY")
    crown.postal_codes = [*crown.postal_codes, "SW1A 1AA"]
    crown.save(update_fields=["postal_codes"])
    return Area.objects.filter(group=crown)


@pytest.mark.parametrize("typed", ["penalolen  alto", "PEÑALOLÉN ALTO", "e81dy", "e8 1dy", "sw1a1aa"])
def test_the_groups_places_are_found_case_accent_and_space_insensitive(
    areas: Any, crown: Any, typed: str
) -> None:
    assert services.locate(crown, typed).cell, typed


def test_an_unplaceable_area_is_a_field_error_with_suggestions(
    client_for: Any, ben: Any, crown: Any, areas: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.area_check(group=crown, area="Penalolen Altto")
    assert "Did you mean: Peñalolén Alto?" in caught.value.message_dict["area"][0]
    response = client_for(ben).post(
        reverse("exchange_post_new", args=["crown"]),
        {
            "kind": "need",
            "category": "food",
            "title": "Rice",
            "quantity": 1,
            "urgency": "flexible",
            "visibility": "group",
            "area": "Penalolen Altto",
        },
    )
    html = response.content.decode()
    assert "We could not place “Penalolen Altto”." in html and "Peñalolén Alto" in html
    assert not Post.objects.exists()


def test_a_known_area_posts(client_for: Any, ben: Any, crown: Any, areas: Any) -> None:
    response = client_for(ben).post(
        reverse("exchange_post_new", args=["crown"]),
        {
            "kind": "need",
            "category": "food",
            "title": "Rice",
            "quantity": 1,
            "urgency": "flexible",
            "visibility": "group",
            "area": "penalolen alto",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.area == "Peñalolén Alto" and post.lat is not None
