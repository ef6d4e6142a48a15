"""Text a member wrote in one script, shown on a page in another: an Arabic title on an English page (or an
English title on an Arabic page) keeps its own direction, so its words and punctuation are not reordered
(a tester's decision title read backwards)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.exchange.conftest import make_post


def test_a_posts_own_words_take_their_own_direction(client_for: Any, ben: Any, crown: Any) -> None:
    post = make_post(crown, ben, title="نحتاج إلى حفاضات", details="مقاس 4، من فضلك")
    html = client_for(ben).get(reverse("exchange_post", args=[crown.slug, post.pk])).content.decode()
    assert '<h1 dir="auto">نحتاج إلى حفاضات</h1>' in html
    assert '<p dir="auto">مقاس 4، من فضلك</p>' in html
    board = client_for(ben).get(reverse("exchange_board", args=[crown.slug])).content.decode()
    assert "<bdi>نحتاج إلى حفاضات</bdi>" in board
