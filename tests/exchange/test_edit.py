"""Editing a post: its poster, or a coordinator (who publishes imported posts by editing them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mutualaid.exchange import services
from mutualaid.exchange.models import Post, PostEvent
from tests.helpers import make_post


def _data(**extra: Any) -> services.PostInput:
    return services.PostInput(**{"kind": "need", "category": "food", "title": "Rice and beans", **extra})


def test_poster_edits_through_the_page(client_for: Any, ben: Any, crown: Any) -> None:
    post = make_post(crown, ben, address="12 Secret St")
    url = reverse("exchange_post_edit", args=[crown.slug, post.pk])
    page = client_for(ben).get(url).content.decode()
    assert 'value="Two bags of groceries"' in page and "12 Secret St" in page
    response = client_for(ben).post(
        url,
        {
            "category": "food",
            "title": "Three bags",
            "quantity": "3",
            "urgency": "week",
            "visibility": "group",
            "address": "12 Secret St",
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.quantity, post.urgency, post.kind) == ("Three bags", 3, "week", "need")
    assert PostEvent.objects.filter(post=post, action="edit", actor=ben).count() == 1


def test_coordinator_publishes_a_coordinators_only_post(ada: Any, ben: Any, crown: Any) -> None:
    post = make_post(crown, ben, visibility="coordinators")
    services.post_update(post=post, actor=ada, data=_data(visibility="group"))
    assert Post.objects.get(pk=post.pk).visibility == "group"


def test_other_members_cannot_edit(client_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    with pytest.raises(PermissionDenied):
        services.post_update(post=post, actor=fay, data=_data())
    assert client_for(fay).get(reverse("exchange_post_edit", args=[crown.slug, post.pk])).status_code == 403


def test_closed_posts_cannot_be_edited(ben: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    services.post_act(post=post, actor=ben, action="withdraw")
    with pytest.raises(ValidationError) as exc:
        services.post_update(post=post, actor=ben, data=_data())
    assert exc.value.messages == ["A fulfilled or withdrawn post cannot be edited."]


def test_edits_are_validated_like_new_posts(ben: Any, crown: Any) -> None:
    post = make_post(crown, ben)
    with pytest.raises(ValidationError) as exc:
        services.post_update(post=post, actor=ben, data=_data(quantity=0))
    assert exc.value.message_dict["quantity"] == ["The quantity must be a whole number from 1 to 1000."]
    assert Post.objects.get(pk=post.pk).title == "Two bags of groceries"
