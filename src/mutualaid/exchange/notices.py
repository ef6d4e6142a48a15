"""What the board tells members: claims, answers to claims, messages (through core.notify).

Only names, titles and links go out, never contact details or message text.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from mutualaid.core.notify import notify
from mutualaid.exchange.models import Claim, Kind, Post
from mutualaid.members.models import Membership, Role

# kind -> (subject, text); placeholders come from the caller's context (names and titles, never contact details).
NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "claim": (
        gettext_lazy("Someone will help with your need"),
        gettext_lazy('%(name)s offered to help with "%(title)s". %(url)s'),
    ),
    # A claim on an offer is someone asking for what is offered, not offering help.
    "claim_request": (
        gettext_lazy("Someone would like your offer"),
        gettext_lazy('%(name)s would like "%(title)s". %(url)s'),
    ),
    "claim_accepted": (
        gettext_lazy('You are paired up: "%(title)s"'),
        gettext_lazy(
            'Your claim on "%(title)s" in %(group)s was accepted. Arrange the details in the conversation: %(url)s'
        ),
    ),
    "claim_declined": (
        gettext_lazy('Not this time: "%(title)s"'),
        gettext_lazy(
            'Your claim on "%(title)s" in %(group)s was declined. Thank you for reaching out. %(url)s'
        ),
    ),
    "message": (
        gettext_lazy("New message from %(name)s"),
        gettext_lazy('%(name)s wrote to you about "%(title)s". Read it: %(url)s'),
    ),
}


def post_url(post: Post) -> str:
    return reverse("exchange_post", kwargs={"slug": post.group.slug, "post_id": post.pk})


def conversation_url(claim: Claim) -> str:
    return reverse(
        "exchange_conversation",
        kwargs={"slug": claim.post.group.slug, "post_id": claim.post_id, "claim_id": claim.pk},
    )


def tell(*, user: Any, kind: str, post: Post, name: str = "", url: str = "") -> None:
    """Tell one member about `post` (nobody when `user` is None: a post without an author)."""
    context = {"group": post.group.name, "title": post.title, "name": name, "url": url or post_url(post)}
    notify(user=user, kind=kind, context=context)


def claim_made(claim: Claim) -> None:
    """A new claim: the poster answers it, or for a post nobody owns (taken in by text message or for a
    neighbour) its coordinators do, so they hear of it."""
    post = claim.post
    name = claim.claimant.display_name
    kind = "claim_request" if post.kind == Kind.OFFER else "claim"
    if post.author_id is not None:
        tell(user=post.author, kind=kind, post=post, name=name)
        return
    coordinators = Membership.objects.filter(group_id=post.group_id, role=Role.COORDINATOR)
    for membership in coordinators.select_related("user"):
        if membership.user_id != claim.claimant_id:
            tell(user=membership.user, kind=kind, post=post, name=name)


def claim_answered(claim: Claim) -> None:
    """A claim was accepted (or assigned) or declined: tell the claimant. The post's id goes along, so
    the channels app can text a neighbour who asked by text message that help is found."""
    post = claim.post
    if claim.state == Claim.State.ACCEPTED:
        notify(
            user=claim.claimant,
            kind="claim_accepted",
            context={
                "group": post.group.name,
                "title": post.title,
                "url": conversation_url(claim),
                "post_id": post.pk,
            },
        )
    elif claim.state == Claim.State.DECLINED:
        tell(user=claim.claimant, kind="claim_declined", post=post)
