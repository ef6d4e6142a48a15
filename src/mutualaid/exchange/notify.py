"""Telling members about claims, messages and expiring needs, through the channels app when installed.

The only place the board reaches for channels: one function, called from the services, sending after
the transaction commits so nothing is announced that was rolled back. Only names, titles and links go
out, never contact details or message text.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.urls import reverse

from mutualaid.exchange.models import Post


def post_url(post: Post) -> str:
    return reverse("exchange_post", kwargs={"slug": post.group.slug, "post_id": post.pk})


def tell(*, user: Any, kind: str, post: Post, name: str = "", url: str = "") -> None:
    if user is None or not apps.is_installed("mutualaid.channels"):
        return
    context = {"group": post.group.name, "title": post.title, "name": name, "url": url or post_url(post)}

    def send() -> None:
        from mutualaid.channels import notify

        notify(user=user, kind=kind, context=context)

    transaction.on_commit(send)
