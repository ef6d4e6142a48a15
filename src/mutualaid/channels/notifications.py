"""Notifications to members by e-mail and SMS: who hears it how (preferences, digests).

These are senders of the core notification port (core.notify), registered in ChannelsConfig.ready();
what each kind says is declared by the app that sends it (its `notice_kinds`, core.registry)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from mutualaid.channels import conf
from mutualaid.channels.models import Channel, DigestItem, Mode, Notice, NotificationPreference
from mutualaid.core.registry import notice_kinds
from mutualaid.core.speaking import speaking

NOTICE_PLACEHOLDERS = ("group", "name", "title")  # kept for the in-app notice; never contact details

UNSUBSCRIBE_SALT = "mutualaid.channels.unsubscribe"


def absolute(path: str) -> str:
    return conf.public_url() + path


def unsubscribe_token(user: Any) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: Any) -> str:
    return absolute(reverse("channels_unsubscribe", kwargs={"token": unsubscribe_token(user)}))


def preference_for(user: Any) -> NotificationPreference:
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def render(kind: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    kinds = notice_kinds()
    if kind not in kinds:
        raise ValueError(f"unknown notification kind {kind!r}")
    subject, text = kinds[kind]
    values = {"group": "", "name": "", "title": "", "url": "", **{k: str(v) for k, v in context.items()}}
    if values["url"].startswith("/"):
        values["url"] = absolute(values["url"])
    with speaking(language):
        return (str(subject) % values).strip(), (str(text) % values).strip()


def _by_preference(
    *,
    user: Any,
    kind: str,
    context: dict[str, Any],
    channel: str,
    mode: str,
    send: Callable[[str, str], object],
) -> None:
    """Now (``send(subject, text)``), in the daily digest, or never, as the member's `mode` for `channel` says."""
    if mode == Mode.NEVER:
        return
    subject, text = render(kind, context, user.language)
    if mode == Mode.DIGEST:
        DigestItem.objects.create(user=user, channel=channel, kind=kind, text=text)
    else:
        send(subject, text)


def email_sender(*, user: Any, kind: str, context: dict[str, Any]) -> None:
    """Send by e-mail now or in the daily digest, as the member's preferences say (stored now, sent on commit)."""
    from mutualaid.channels import outbox

    if not user.is_active or not user.email:
        return
    _by_preference(
        user=user,
        kind=kind,
        context=context,
        channel=Channel.EMAIL,
        mode=preference_for(user).email,
        send=lambda subject, text: outbox.email_queue(user=user, kind=kind, subject=subject, body=text),
    )


def sms_sender(*, user: Any, kind: str, context: dict[str, Any]) -> None:
    """Send by SMS now or in the daily digest, as the member's preferences say (stored now, sent on commit)."""
    from mutualaid.channels import outbox

    if not user.is_active or not user.phone:
        return
    _by_preference(
        user=user,
        kind=kind,
        context=context,
        channel=Channel.SMS,
        mode=preference_for(user).sms,
        send=lambda _subject, text: outbox.sms_queue_for_member(user=user, kind=kind, body=text),
    )


def notice_sender(*, user: Any, kind: str, context: dict[str, Any]) -> None:
    """Keep the notice in the member's inbox inside the app, whatever their e-mail and SMS preferences."""
    if not user.is_active:
        return
    words = {key: str(context[key]) for key in NOTICE_PLACEHOLDERS if key in context}
    url = str(context.get("url", ""))
    Notice.objects.create(
        user=user, kind=kind, context=json.dumps(words), url=url if url.startswith("/") else ""
    )


def notice_subject(notice: Notice) -> str:
    """What a notice says, in the active language (the page's), from its sealed placeholders."""
    subject, _text = notice_kinds().get(notice.kind, (notice.kind, ""))
    try:
        words = json.loads(notice.context or "{}")
    except ValueError:  # unreadable (keys destroyed): say only what kind of notice it was
        words = {}
    values = {"group": "", "name": "", "title": "", "url": "", **words}
    return (str(subject) % values).strip()


def texter_sender(*, user: Any, kind: str, context: dict[str, Any]) -> None:
    """A claim on a post taken in by text message was accepted: tell the neighbour who texted in."""
    from mutualaid.channels import services

    if kind == "claim_accepted" and context.get("post_id"):
        services.tell_texter_help_is_found(post_id=int(context["post_id"]))


def digest_texts(user: Any, items: list[DigestItem]) -> tuple[str, str]:
    with speaking(user.language):
        subject = _("Your daily summary")
        intro = _("Here is what happened since yesterday:")
    return subject, intro + "\n\n" + "\n".join(f"- {item.text}" for item in items)
