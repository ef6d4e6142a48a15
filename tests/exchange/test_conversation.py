"""The private conversation between the two sides of a claim; coordinators only when invited."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.urls import reverse

from mutualaid.core.models import SensitiveRead
from mutualaid.exchange import services
from mutualaid.exchange.models import Message
from tests.helpers import make_post


def _matched(crown: Any, ben: Any, fay: Any) -> tuple[Any, Any]:
    post = make_post(crown, ben)
    claim = services.claim_create(post=post, claimant=fay)
    services.claim_decide(claim=claim, actor=ben, accept=True)
    return post, claim


def test_both_sides_talk_and_messages_are_encrypted(client_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    post, claim = _matched(crown, ben, fay)
    url = reverse("exchange_conversation", args=[crown.slug, post.pk, claim.pk])
    assert client_for(fay).post(url, {"body": "I can come at 6, <b>ok</b>?"}).status_code == 302
    page = client_for(ben).get(url).content.decode()
    assert "I can come at 6, &lt;b&gt;ok&lt;/b&gt;?" in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM exchange_message")
        assert "come at 6" not in cursor.fetchone()[0]
    assert SensitiveRead.objects.filter(reader=ben, fields="messages").count() == 1


def test_coordinators_join_only_when_invited(
    client_for: Any, ada: Any, ben: Any, fay: Any, crown: Any
) -> None:
    post, claim = _matched(crown, ben, fay)
    url = reverse("exchange_conversation", args=[crown.slug, post.pk, claim.pk])
    services.message_send(claim=claim, author=fay, body="hello")
    assert client_for(ada).get(url).status_code == 404
    client_for(ben).post(reverse("exchange_conversation_invite", args=[crown.slug, post.pk, claim.pk]))
    assert client_for(ada).get(url).status_code == 200
    client_for(ada).post(url, {"body": "I can help coordinate"})
    assert Message.objects.filter(claim=claim, author=ada).count() == 1


def test_other_members_cannot_read_the_conversation(client_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    gus = make_user("gus")
    Membership.objects.create(user=gus, group=crown)
    post, claim = _matched(crown, ben, fay)
    assert (
        client_for(gus)
        .get(reverse("exchange_conversation", args=[crown.slug, post.pk, claim.pk]))
        .status_code
        == 404
    )


def test_empty_and_oversize_messages_are_refused(client_for: Any, ben: Any, fay: Any, crown: Any) -> None:
    post, claim = _matched(crown, ben, fay)
    url = reverse("exchange_conversation", args=[crown.slug, post.pk, claim.pk])
    response = client_for(fay).post(url, {"body": "x" * 2001})
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    assert not Message.objects.exists()
