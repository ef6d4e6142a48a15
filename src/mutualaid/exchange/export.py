"""What the board holds about a member, for their own download (core.export).

Their posts (sealed fields decrypted, with each post's history), the claims on their posts (who claimed
by display name only), their own claims, the messages they wrote, and what they entered for others
(neighbours' contact records, imports) by date only: those are other people's details, not theirs.
"""

from __future__ import annotations

from typing import Any

from mutualaid.core.export import Names, rows
from mutualaid.core.models import SensitiveRead
from mutualaid.exchange.models import Claim, Contact, ImportDraft, Message, Post, PostEvent


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    posts = list(Post.objects.filter(author=user).order_by("created_at", "pk"))
    post_ids = [post.pk for post in posts]
    history: dict[int, list[dict[str, Any]]] = {}
    for event in PostEvent.objects.filter(post_id__in=post_ids).order_by("at", "pk"):
        history.setdefault(event.post_id, []).extend(rows([event], names=names, exclude=("id", "post")))
    claims_on: dict[int, list[dict[str, Any]]] = {}
    for claim in Claim.objects.filter(post_id__in=post_ids).order_by("created_at", "pk"):
        claims_on.setdefault(claim.post_id, []).extend(rows([claim], names=names, exclude=("post",)))
    return {
        "posts": [
            {
                **rows([post], names=names, exclude=("search_key",))[0],
                "history": history.get(post.pk, []),
                "claims": claims_on.get(post.pk, []),
            }
            for post in posts
        ],
        "claims": rows(Claim.objects.filter(claimant=user).order_by("created_at", "pk"), names=names),
        "messages": rows(Message.objects.filter(author=user).order_by("created_at", "pk"), names=names),
        "actions_on_other_posts": rows(
            PostEvent.objects.filter(actor=user).exclude(post_id__in=post_ids).order_by("at", "pk"),
            names=names,
        ),
        "reads_of_your_posts": rows(
            SensitiveRead.objects.filter(subject_type="exchange.post", subject_id__in=post_ids).order_by(
                "at"
            ),
            names=names,
        ),
        "neighbour_records_you_entered": rows(
            Contact.objects.filter(created_by=user).order_by("pk"),
            names=names,
            fields=("id", "group", "created_on", "source"),
        ),
        "imports_you_started": rows(
            ImportDraft.objects.filter(created_by=user).order_by("pk"),
            names=names,
            fields=("id", "group", "kind", "created_at"),
        ),
    }
