"""The narrow interface between SMS/e-mail intake and the board of needs and offers (the exchange app).

A need or offer that arrives by SMS becomes an `exchange.Post` on the board of the group whose number
was texted, held for the neighbour's board record (`exchange.Contact`, found again by the blind index
of the normalised phone number). `channels.IntakeRequest` stays as the SMS side of that post: the short
code people quote, who to text back, their language, when they were last asked to check in.

One clock decides when a need ends: the board's `Post.expires_at` (exchange). A check-in is how a
texter hears that their need is about to expire (exchange's own reminder goes to members, and a texter
has no account): it is sent `MUTUALAID_CHECKIN_DAYS` days before the need expires. YES renews the post
and NO withdraws it, through exchange's services, so the post's history records it; no answer lets
exchange's daily expiry close it, and a late YES still renews it (expired → open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.channels.labels import SMS_LABELS
from mutualaid.channels.models import Contact, IntakeKind, IntakeRequest, Urgency, new_code
from mutualaid.core.categories import Category
from mutualaid.core.speaking import speaking
from mutualaid.exchange import lifecycle
from mutualaid.exchange import services as exchange
from mutualaid.exchange.models import ACTIVE_STATUSES, Kind, Post, Status, Visibility
from mutualaid.exchange.models import Urgency as PostUrgency

URGENCY_ON_BOARD = {
    Urgency.TODAY: PostUrgency.TODAY,
    Urgency.WEEK: PostUrgency.WEEK,
    Urgency.ANYTIME: PostUrgency.FLEXIBLE,
}
STATUS_PAGE = 5


@dataclass(frozen=True)
class StatusRow:
    code: str
    kind_label: str
    category_label: str
    status_label: str


def board_contact(contact: Contact) -> Any:
    """The texter's record on the board, linked once and found by the same phone blind index."""
    if contact.person_id is None:
        contact.person = exchange.contact_for_phone_index(
            group=contact.group, phone_index=contact.phone_index, language=contact.language
        )
        Contact.objects.filter(pk=contact.pk).update(person=contact.person)
    return contact.person


@transaction.atomic
def create_from_sms(
    *,
    group: Any,
    contact: Contact,
    kind: str,
    category: str,
    area_text: str,
    urgency: str,
    details: str,
    language: str,
) -> IntakeRequest:
    """Put a need or offer that arrived by SMS on the group's board."""
    if kind not in IntakeKind.values:
        raise ValidationError({"kind": _("Choose need or offer.")})
    if category not in Category.values:
        raise ValidationError({"category": _("Choose a category from the list.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose how urgent it is.")})
    area, details = area_text.strip()[:80], details.strip()[:500]
    note = details
    # Only a place the group or the gazetteer knows goes on the board in the clear (coarse); anything
    # else the texter typed for "area" could be a street address, so it stays in the sealed note.
    unplaced = bool(area) and not exchange.locate(group, area).cell
    if unplaced:
        # ...and the post sits at the group's centre, flagged "area not placed" for coordinators.
        note = (_("Area: %(area)s") % {"area": area}) + ("\n" + details if details else "")
        area = ""
    with speaking(language):
        title = _("%(category)s, by text message") % {"category": Category(category).label}
    post = exchange.post_create_for_contact(
        group=group,
        contact=board_contact(contact),
        data=exchange.PostInput(
            kind=kind,
            category=category,
            title=title,
            urgency=URGENCY_ON_BOARD[Urgency(urgency)],
            languages=[language],
            area=area,
            private_note=note,
            visibility=Visibility.GROUP,
            unplaced=unplaced,
        ),
    )
    return IntakeRequest.objects.create(
        group=group, post=post, contact=contact, language=language, code=_free_code()
    )


def _code(post: Post) -> str:
    try:
        return post.sms_intake.code
    except IntakeRequest.DoesNotExist:
        return f"#{post.pk}"  # held for the same neighbour, taken in on the board rather than by SMS


def statuses_for_contact(contact: Contact) -> list[StatusRow]:
    """What someone texting in may learn about their own open posts: code, kind, category, board status."""
    if contact.person_id is None:
        return []
    posts = (
        Post.objects.filter(
            group_id=contact.group_id, contact_id=contact.person_id, status__in=ACTIVE_STATUSES
        )
        .select_related("sms_intake")
        .order_by("-created_at")[:STATUS_PAGE]
    )
    return [
        StatusRow(
            code=_code(post),
            kind_label=str(post.get_kind_display()),
            category_label=str(SMS_LABELS[Category(post.category)]),
            status_label=str(post.get_status_display()),
        )
        for post in posts
    ]


@transaction.atomic
def renew_or_close(*, request: IntakeRequest, renew: bool, actor: Any = None) -> IntakeRequest:
    """The requester answered a check-in (or a coordinator closes for them): renew the board post for
    another period, or withdraw it. Through exchange's services, so the post's history records it."""
    # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of the joins to contact and user.
    request = (
        IntakeRequest.objects.select_for_update(of=("self",))
        .select_related("post", "contact", "user")
        .get(pk=request.pk)
    )
    post = request.post
    action = "renew" if renew else "withdraw"
    if action in lifecycle.allowed(post.status):
        try:
            if post.contact_id is not None and post.author_id is None:
                exchange.post_act_for_contact(post=post, contact=post.contact, action=action, actor=actor)  # type: ignore[arg-type]  # contact_id is set
            else:
                exchange.post_act(post=post, actor=actor or request.user, action=action)  # type: ignore[arg-type]
        except ValidationError:
            pass  # someone moved the post in the meantime; what it is now stands
    request.checkin_sent_at = None
    request.save(update_fields=["checkin_sent_at"])
    request.post.refresh_from_db()
    return request


def _quiet(now: Any, days: int, prefix: str = "") -> Q:
    """Open needs quiet for `days` days (no move, edit or renewal since), or expiring within `days`
    days, and not asked since their last activity."""
    p = prefix
    return Q(**{f"{p}kind": Kind.NEED, f"{p}status": Status.OPEN}) & (
        Q(**{f"{p}updated_at__lte": now - timedelta(days=days)})
        | Q(**{f"{p}expires_at__lte": now + timedelta(days=days)})
    )


def needing_checkin(*, days: int, now: Any = None) -> QuerySet[IntakeRequest]:
    """Open needs to ask "do you still need help?": quiet for `days` days or expiring within `days`
    days, and not asked since their last activity (a YES renews the post, which is activity)."""
    now = now or timezone.now()
    _checkin_rows_for_members(days=days, now=now)
    unasked = Q(checkin_sent_at__isnull=True) | Q(checkin_sent_at__lt=F("post__updated_at"))
    return IntakeRequest.objects.filter(_quiet(now, days, "post__"), unasked).select_related(
        "group", "contact", "user", "post"
    )


def _checkin_rows_for_members(*, days: int, now: Any) -> None:
    """A member's own need posted on the board has no SMS side; its check-in (by e-mail, with a link)
    needs the same record of when it was asked and a code, made when it first falls quiet."""
    posts = Post.objects.filter(
        _quiet(now, days), author__isnull=False, contact__isnull=True, sms_intake__isnull=True
    )
    for post in posts.select_related("author", "group")[:500]:
        author = post.author
        if author is None:  # filtered out above; says so to the type checker
            continue
        with transaction.atomic():
            if not IntakeRequest.objects.filter(post=post).exists():
                IntakeRequest.objects.create(
                    group=post.group, post=post, user=author, language=author.language, code=_free_code()
                )


def _free_code() -> str:
    code = new_code()
    for _attempt in range(5):
        # Codes are short so people can type them; on the rare collision draw another.
        if not IntakeRequest.objects.filter(code=code).exists():
            break
        code = new_code()
    return code


def open_requests_for_group(group: Any) -> QuerySet[IntakeRequest]:
    """The group's board posts that came by SMS and are still active (open, claimed or in progress)."""
    return (
        IntakeRequest.objects.filter(group=group, contact__isnull=False, post__status__in=ACTIVE_STATUSES)
        .select_related("post", "contact")
        .order_by("-created_at")
    )
