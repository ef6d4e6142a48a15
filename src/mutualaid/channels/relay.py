"""Two-way texting between members and a neighbour who texted in, through the group's number.

Once a need or offer that came by SMS is claimed (or assigned), its claim has a conversation on the web.
What members write there goes out to the neighbour as SMS from the group's number; what the neighbour
texts back lands in that conversation, sealed like every message. Neither side sees the other's number:
members see "the neighbour", the neighbour sees the group's number and the member's display name.

Where a neighbour's text goes (`route_inbound`), first match wins:
1. A keyword (STOP, START, HELP, MENU/MENÚ, NEED, OFFER, STATUS, NEWS, a language; YES/NO while a
   check-in question waits) goes to the keyword bot. MENU, NEED and OFFER also end the "current
   conversation", so the bot's next questions get their answers.
2. A text that starts with the code of one of their requests with an open conversation ("K7MPQ see you
   at 5") goes to that conversation; the code alone makes it the current one.
3. While the bot waits for an answer (a request half-written) and no conversation is current: the bot.
4. The current conversation: the one a member last wrote to them in, or the one they last chose.
5. Otherwise their most recently active open conversation.
6. No open conversation but an open request (nobody took it up yet, or the helper let it go): words
   that do not ask for new help are added to that request's sealed note ("what they wrote"), and they
   are told so.
7. Otherwise the bot (which answers a plain sentence once, helpfully).
When they have more than one open conversation, every relayed message says which request it is about
and how to answer about another one (start with its code), and a reply sent without a code is
acknowledged with the same hint. A reply is never dropped: with an open conversation it lands in one.

It runs inside the inbound webhook's transaction, after the (gateway, digest) row that drops a
gateway's retries, so a retried delivery adds no second message. Nothing here is logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.channels import alert_reports, conversation, slots
from mutualaid.channels.models import Contact, Gateway, IntakeRequest
from mutualaid.core.speaking import join_list, speaking
from mutualaid.exchange import services as exchange
from mutualaid.exchange.models import ACTIVE_STATUSES, Claim, Message

# A conversation stays open for the neighbour's thanks this long after the help was marked done.
DONE_DAYS = 14
# Longest SMS body queued as one message (Twilio takes 1,600 characters; the rest are split).
SMS_PART = 1500
# Single words that always go to the keyword bot, whatever conversation is open.
BOT_WORDS = (
    conversation.STOP
    | conversation.START
    | conversation.HELP
    | conversation.MENU
    | conversation.NEED
    | conversation.OFFER
    | conversation.STATUS
    | conversation.NEWS
    | set(conversation.LANGUAGE_WORDS)
    | alert_reports.KEYWORDS
)
# These hand the conversation back to the bot: its next question's answer must reach it.
RESETS = conversation.MENU | conversation.NEED | conversation.OFFER | alert_reports.KEYWORDS


@dataclass(frozen=True)
class Thread:
    """One open conversation of a neighbour: the request it is about and its claim."""

    request: IntakeRequest
    claim: Claim
    last: datetime


def open_threads(contact: Contact) -> list[Thread]:
    """The neighbour's conversations that take replies, most recently active first.

    A claim that is pending or accepted, or done within `DONE_DAYS` (for a "thank you").
    """
    since = timezone.now() - timedelta(days=DONE_DAYS)
    claims = (
        Claim.objects.filter(post__sms_intake__contact=contact)
        .filter(Q(state__in=Claim.LIVE) | Q(state=Claim.State.DONE, post__updated_at__gte=since))
        .select_related("post", "post__sms_intake", "post__group")
        .annotate(last_message=Max("messages__created_at"))
        .order_by("-pk")
    )
    threads: dict[int, Thread] = {}
    for claim in claims:
        request = claim.post.sms_intake
        last = max(t for t in (claim.created_at, claim.decided_at, claim.last_message) if t is not None)
        if request.pk not in threads:  # the newest claim of a post is its conversation
            threads[request.pk] = Thread(request=request, claim=claim, last=last)
    return sorted(threads.values(), key=lambda t: (t.last, t.claim.pk), reverse=True)


def _by_code(text: str, threads: list[Thread]) -> tuple[Thread | None, str]:
    match = re.match(r"\s*#?([A-Za-z0-9]{4,8})\b[\s:,.\-]*(.*)\Z", text, re.DOTALL)
    if match is None:
        return None, text
    code = match.group(1).upper()
    for thread in threads:
        if thread.request.code == code:
            return thread, match.group(2).strip()
    return None, text


def _focus(contact: Contact, request: IntakeRequest | None) -> None:
    contact.relay_to = request
    Contact.objects.filter(pk=contact.pk).update(relay_to=request)


def route_inbound(contact: Contact, text: str, *, media: int = 0) -> list[str] | None:
    """Put the neighbour's text into one of their conversations and return the answers to text back
    (often none); None when the keyword bot is to answer it instead (see the module's rules)."""
    if contact.opted_out:
        return None
    word = conversation.keyword(text)
    if word in RESETS and contact.relay_to_id is not None:
        _focus(contact, None)
    if word in BOT_WORDS:
        return None
    if contact.checkin_for_id and (word in conversation.YES or word in conversation.NO):
        return None
    if contact.step.endswith(f":{conversation.ON_WAY}"):
        answer = conversation.short_answer(text)  # "YES", or a short "Yes please" / "No thanks"
        if answer in conversation.YES or answer in conversation.NO:
            return None  # the answer to "may we text you when a driver sets out"
        # Anything else is not an answer to it: the question is dropped and the words go where they would.
        contact.step, contact.draft = "", ""
        Contact.objects.filter(pk=contact.pk).update(step="", draft="")
    if slots.wants(contact, text):
        return None  # distribution-day slots (SLOT, SLOT OFF, a number answering the bot's list)
    if media and not text.strip():
        return None  # the bot says pictures cannot be opened
    if not _text_of(text):
        return None
    threads = open_threads(contact)
    if not threads:
        return _add_to_open_request(contact, text)
    chosen, rest = _by_code(text, threads)
    if chosen is not None and not rest:
        _focus(contact, chosen.request)
        with speaking(contact.language):
            return [
                _("Your replies now go to the conversation about your request %(code)s.")
                % {"code": chosen.request.code}
            ]
    if chosen is None and contact.step and contact.relay_to_id is None:
        return None  # the bot is waiting for an answer to its question
    if chosen is not None:
        target, body = chosen, rest
    else:
        current = [t for t in threads if t.request.pk == contact.relay_to_id]
        target, body = (current or threads)[0], text
    exchange.message_from_neighbour(claim=target.claim, body=body)
    _focus(contact, target.request)
    if chosen is None and len(threads) > 1:
        with speaking(contact.language):
            others = join_list(t.request.code for t in threads if t is not target)
            return [
                _(
                    "Sent about your request %(code)s. To write about %(others)s instead, start your message with that code."
                )
                % {"code": target.request.code, "others": others}
            ]
    return []


def _text_of(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()


def _add_to_open_request(contact: Contact, text: str) -> list[str] | None:
    """No conversation yet (nobody took the request up, or the helper let it go): words that neither
    answer the bot nor ask for new help are kept with their latest open request, not lost in a menu."""
    if contact.step or conversation.asks_for_help(text):
        return None
    request = (
        IntakeRequest.objects.filter(contact=contact, post__status__in=ACTIVE_STATUSES)
        .select_related("post")
        .order_by("-created_at", "-pk")
        .first()
    )
    if request is None:
        return None
    exchange.post_note_from_neighbour(post=request.post, text=text)
    with speaking(contact.language):
        return [
            _(
                "Thank you. We added your message to your request %(code)s, for the neighbour who takes it up. Reply MENU for the menu."
            )
            % {"code": request.code}
        ]


def message_to_texter(message: Message) -> None:
    """A member wrote in the conversation of a claim on a post taken in by SMS: text it to the
    neighbour from the group's number (queued with the message's transaction; nothing if they said STOP)."""
    from mutualaid.channels import outbox

    if message.from_neighbour or message.author_id is None:
        return
    request = (
        IntakeRequest.objects.filter(post_id=message.claim.post_id, contact__isnull=False)
        .select_related("contact", "contact__gateway", "group")
        .first()
    )
    if request is None or request.contact is None or request.contact.opted_out:
        return
    contact = request.contact
    gateway = contact.gateway
    if gateway is None or not gateway.enabled:
        gateway = Gateway.objects.filter(group=request.group, enabled=True).order_by("pk").first()
    if gateway is None:
        return
    others = [t.request.code for t in open_threads(contact) if t.request.pk != request.pk]
    author = message.author
    with speaking(contact.language):
        head = _("%(name)s (%(group)s), about your request %(code)s:") % {
            "name": author.display_name if author else "",
            "group": request.group.name,
            "code": request.code,
        }
        tail = ""
        if others:
            tail = _(
                "Reply to answer. To write about %(others)s instead, start your message with that code. Text MENU for the menu."
            ) % {"others": join_list(others)}
        elif contact.relay_to_id != request.pk:
            tail = _("Reply to this message to answer. Text MENU for the menu.")
    text = f"{head} {message.body or ''}" + (f"\n{tail}" if tail else "")
    for part in split_sms(text):
        outbox.sms_queue(gateway=gateway, contact=contact, body=part, kind="relay")
    _focus(contact, request)


def split_sms(text: str, size: int = SMS_PART) -> list[str]:
    """Cut a long text into parts a gateway takes, at spaces where possible."""
    parts = []
    while len(text) > size:
        cut = text.rfind(" ", 0, size)
        cut = cut if cut > size // 2 else size
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts


def on_message_saved(sender: Any, instance: Message, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """post_save of exchange.Message (connected in ChannelsConfig.ready)."""
    if created and not raw:
        message_to_texter(instance)
