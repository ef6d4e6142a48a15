"""Notifications to members: what each kind says, and who hears it how (preferences, digests)."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualaid.channels import conf
from mutualaid.channels.models import Channel, DigestItem, Mode, NotificationPreference
from mutualaid.core.registry import notice_kinds

# kind -> (subject, text); placeholders come from the caller's context (names and titles, never contact details).
KINDS: dict[str, tuple[Any, Any]] = {
    "join_request_received": (
        gettext_lazy("Someone asked to join %(group)s"),
        gettext_lazy("%(name)s asked to join %(group)s. Review the request: %(url)s"),
    ),
    "join_request_approved": (
        gettext_lazy("Welcome to %(group)s"),
        gettext_lazy("Your request to join %(group)s was approved. %(url)s"),
    ),
    "claim": (
        gettext_lazy("Someone will help with your need"),
        gettext_lazy('%(name)s offered to help with "%(title)s". %(url)s'),
    ),
    "match": (
        gettext_lazy("A possible match in %(group)s"),
        gettext_lazy('"%(title)s" may match what you asked for or offered. %(url)s'),
    ),
    "claim_accepted": (
        gettext_lazy('You are paired up: "%(title)s"'),
        gettext_lazy(
            'Your claim on "%(title)s" in %(group)s was accepted. Arrange the details in the conversation: %(url)s'
        ),
    ),
    "claim_declined": (
        gettext_lazy('Not this time: "%(title)s"'),
        gettext_lazy('Your claim on "%(title)s" in %(group)s was declined. Thank you for offering. %(url)s'),
    ),
    "message": (
        gettext_lazy("New message from %(name)s"),
        gettext_lazy('%(name)s wrote to you about "%(title)s". Read it: %(url)s'),
    ),
    "reminder": (
        gettext_lazy("Reminder: %(title)s"),
        gettext_lazy("A reminder from %(group)s: %(title)s. %(url)s"),
    ),
    "approval": (
        gettext_lazy("Your vote is needed in %(group)s"),
        gettext_lazy('"%(title)s" waits for approval in %(group)s. %(url)s'),
    ),
}

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
    with translation.override(language):
        return (str(subject) % values).strip(), (str(text) % values).strip()


def notify(*, user: Any, kind: str, context: dict[str, Any]) -> None:
    """Tell a member something, as their preferences say: now, in the daily digest, or not at all.

    Messages are stored in the caller's transaction and queued once it commits.
    """
    from mutualaid.channels import services

    if not user.is_active:
        return
    preference = preference_for(user)
    subject, text = render(kind, context, user.language)
    if user.email and preference.email != Mode.NEVER:
        if preference.email == Mode.DIGEST:
            DigestItem.objects.create(user=user, channel=Channel.EMAIL, kind=kind, text=text)
        else:
            services.email_queue(user=user, kind=kind, subject=subject, body=text)
    if user.phone and preference.sms != Mode.NEVER:
        if preference.sms == Mode.DIGEST:
            DigestItem.objects.create(user=user, channel=Channel.SMS, kind=kind, text=text)
        else:
            services.sms_queue_for_member(user=user, kind=kind, body=text)


def digest_texts(user: Any, items: list[DigestItem]) -> tuple[str, str]:
    with translation.override(user.language):
        subject = _("Your daily summary")
        intro = _("Here is what happened since yesterday:")
    return subject, intro + "\n\n" + "\n".join(f"- {item.text}" for item in items)
