"""THREATS.md property 7: non-coordinators see only coarse locations.

Posts are made with an exact address and a precise map point. Then every GET page and API operation of
the project is fetched as each non-coordinator role (and anonymously): no response may contain the
address, the precise coordinates, or the contact details of a neighbour taken in by intake. The
member matched through an accepted claim is the one exception the design makes, and is checked apart.
"""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from mutualaid.exchange import services
from mutualaid.exchange.models import Post
from tests.access import api_token
from tests.test_access_matrix import ROUTES, build_world

ADDRESS = "1472 Canarystraat Apt 9"
LAT, LON = 40.671234, -73.944321  # a precise door; cells are ~0.7 km² and stored to 4 decimals
NEIGHBOUR_PHONE = "+13475559876"
PRECISE = re.compile(r"40\.67123|-73\.94432")


def _plant(world: Any) -> Post:
    fay_or_ben = world.users["ben"]
    post = services.post_create(
        group=world.crown,
        author=fay_or_ben,
        data=services.PostInput(
            kind="need",
            category="food",
            title="Groceries near the park",
            lat=LAT,
            lon=LON,
            address=ADDRESS,
            private_note="buzzer broken, call first",
        ),
    )
    services.post_create(
        group=world.crown,
        author=world.users["ada"],
        data=services.PostInput(
            kind="need",
            category="food",
            title="For a neighbour without a phone",
            address=ADDRESS,
            on_behalf=services.ContactInput(name="Doña Canaria", phone=NEIGHBOUR_PHONE),
        ),
    )
    return post


def _client(world: Any, role: str, api: bool) -> Client:
    if role == "anonymous":
        return Client()
    if api:
        return Client(headers={"Authorization": f"Bearer {api_token(world, role)}"})
    client = Client()
    client.force_login(world.users[role], backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_plain_members_never_see_exact_addresses_or_fine_coordinates(db: Any) -> None:
    world = build_world()
    post = _plant(world)
    stored = Post.objects.get(pk=post.pk)
    assert stored.lat is not None and not PRECISE.search(f"{stored.lat} {stored.lon}"), "the point is snapped"
    fetched = 0
    for role in ("anonymous", "eve", "cy", "ben"):
        for route in [r for r in ROUTES if r.method == "GET"]:
            response = _client(world, role, route.api).get(
                reverse(route.name, kwargs=route.kwargs(world)), route.data(world)
            )
            body = response.content.decode(errors="replace")
            where = f"{route.key} as {role}"
            if role == "ben" and route.name.startswith(("exchange_export", "api:exchange_export")):
                continue  # coordinators only; ben gets 403 anyway
            assert ADDRESS not in body, f"{where}: exact address shown"
            assert "Canarystraat" not in body, f"{where}: exact address shown"
            assert NEIGHBOUR_PHONE[2:] not in body and "Canaria" not in body, (
                f"{where}: a neighbour's contact shown"
            )
            assert not PRECISE.search(body), f"{where}: precise coordinates shown"
            fetched += 1
    post_pages = [reverse("exchange_post", kwargs={"slug": "crown", "post_id": post.pk})]
    for role in ("eve", "cy"):
        for path in post_pages:
            assert _client(world, role, False).get(path).status_code == 404
    assert fetched > 100


def test_the_author_sees_their_own_address(db: Any) -> None:
    world = build_world()
    post = _plant(world)
    body = (
        _client(world, "ben", False)
        .get(reverse("exchange_post", kwargs={"slug": "crown", "post_id": post.pk}))
        .content.decode()
    )
    assert ADDRESS in body, "the poster reads their own address back"
    coordinator = _client(world, "ada", False).get(
        reverse("exchange_post", kwargs={"slug": "crown", "post_id": post.pk})
    )
    assert coordinator.status_code == 200
