"""THREATS.md property 7: non-coordinators see only coarse locations.

Posts are made with an exact address and a precise map point (tests/coarse.py). Every GET page and API
operation of the project is fetched as each non-coordinator role (and anonymously) by the access-matrix
walk (tests/test_access_matrix.py), whose world holds those posts: no response may contain the address,
the precise coordinates, or the contact details of a neighbour taken in by intake. This file checks what
that walk does not: the point is stored snapped, the post is hidden from other groups, and the member who
posted reads their own address back (the one exception the design makes besides coordinators).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.exchange.models import Post
from tests.coarse import ADDRESS, PLAIN_ROLES, PRECISE, assert_coarse, plant


def test_the_access_matrix_walk_plants_the_posts_and_checks_every_plain_role() -> None:
    import tests.test_access_matrix as walk
    from tests.access import ROLES

    assert set(PLAIN_ROLES) == set(ROLES) - {"ada"}
    assert vars(walk)["plant"] is plant and vars(walk)["assert_coarse"] is assert_coarse


def test_the_point_is_stored_snapped_and_other_groups_do_not_see_the_post(
    crown: Any, ben: Any, ada: Any, eve: Any, cy: Any, client_for: Any
) -> None:
    post = plant(crown, ben, ada)
    stored = Post.objects.get(pk=post.pk)
    assert stored.lat is not None and not PRECISE.search(f"{stored.lat} {stored.lon}"), "the point is snapped"
    path = reverse("exchange_post", kwargs={"slug": "crown", "post_id": post.pk})
    for user in (eve, cy):
        assert client_for(user).get(path).status_code == 404


def test_the_author_sees_their_own_address(crown: Any, ben: Any, ada: Any, client_for: Any) -> None:
    post = plant(crown, ben, ada)
    path = reverse("exchange_post", kwargs={"slug": "crown", "post_id": post.pk})
    body = client_for(ben).get(path).content.decode()
    assert ADDRESS in body, "the poster reads their own address back"
    assert client_for(ada).get(path).status_code == 200
