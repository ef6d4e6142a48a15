"""Put every request that arrived by SMS before the board existed on the board, as an exchange.Post.

Forward: each IntakeRequest gets a Post (same kind, category, urgency, created time; open stays open,
closed becomes withdrawn) held for the neighbour's board record, found by the phone blind index. The
area and details were sealed and the texter never chose to show them to the group, so both go to the
post's sealed private note; the post's coarse area stays empty until a coordinator places it.
Reverse: copy the post's fields back onto the request and delete the posts (and the board records
made for texters that hold nothing else).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from mutualaid.core.categories import Category

URGENCY_TO_POST = {"today": "today", "week": "week", "anytime": "flexible"}
URGENCY_FROM_POST = {"today": "today", "week": "week", "flexible": "anytime"}
AREA_LABEL = {"es": "Zona"}  # as channels.board writes it; a migration does not depend on translations


def _title(category: str) -> str:
    try:
        label = str(Category(category).label)
    except ValueError:
        label = category
    return f"{label} (SMS)"[:120]


def _note(request: Any) -> str:
    lines = [f"{AREA_LABEL.get(request.language, 'Area')}: {request.area}"] if request.area else []
    return "\n".join([*lines, *([request.details] if request.details else [])])


def _split_note(note: str) -> tuple[str, str]:
    first, _sep, rest = note.partition("\n")
    for label in ("Area", *AREA_LABEL.values()):
        if first.startswith(f"{label}: "):
            return first.removeprefix(f"{label}: "), rest
    return "", note


def to_posts(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    IntakeRequest = apps.get_model("channels", "IntakeRequest")
    ChannelContact = apps.get_model("channels", "Contact")
    Post = apps.get_model("exchange", "Post")
    PostEvent = apps.get_model("exchange", "PostEvent")
    BoardContact = apps.get_model("exchange", "Contact")
    expiry = timedelta(days=int(settings.MUTUALAID_NEED_EXPIRY_DAYS))
    for request in IntakeRequest.objects.filter(post__isnull=True).order_by("pk"):
        person = None
        if request.contact_id:
            texter = ChannelContact.objects.get(pk=request.contact_id)
            person = texter.person
            if person is None:
                person = (
                    BoardContact.objects.filter(group_id=request.group_id, phone_index=texter.phone_index)
                    .order_by("pk")
                    .first()
                )
            if person is None:
                person = BoardContact.objects.create(
                    group_id=request.group_id,
                    phone_index=texter.phone_index,
                    languages=[request.language],
                    source="sms",
                )
            if texter.person_id != person.pk:
                texter.person = person
                texter.save(update_fields=["person"])
        closed = request.status == "closed"
        post = Post.objects.create(
            group_id=request.group_id,
            kind=request.kind,
            author_id=request.user_id,
            contact=person,
            category=request.category,
            title=_title(request.category),
            details="",
            urgency=URGENCY_TO_POST.get(request.urgency, "flexible"),
            languages=[request.language],
            area="",
            private_note=_note(request),
            status="withdrawn" if closed else "open",
            created_at=request.created_at,
            updated_at=request.last_activity_at,
            closed_at=request.closed_at if closed else None,
            expires_at=request.last_activity_at + expiry if request.kind == "need" and not closed else None,
        )
        PostEvent.objects.create(
            post=post, action="post", from_status="", to_status="open", at=request.created_at
        )
        if closed:
            at = max(request.closed_at or request.last_activity_at, request.created_at)
            PostEvent.objects.create(
                post=post, action="withdraw", from_status="open", to_status="withdrawn", at=at
            )
        request.post = post
        request.save(update_fields=["post"])


def to_requests(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    IntakeRequest = apps.get_model("channels", "IntakeRequest")
    Post = apps.get_model("exchange", "Post")
    BoardContact = apps.get_model("exchange", "Contact")
    ChannelContact = apps.get_model("channels", "Contact")
    for request in IntakeRequest.objects.exclude(post__isnull=True).order_by("pk"):
        post = Post.objects.get(pk=request.post_id)
        active = post.status in ("open", "claimed", "in_progress")
        request.kind = post.kind
        request.category = post.category
        request.urgency = URGENCY_FROM_POST.get(post.urgency, "anytime")
        area, details = _split_note(post.private_note)
        request.area = area or post.area
        request.details = details or post.details
        request.status = "open" if active else "closed"
        request.closed_at = None if active else (post.closed_at or post.updated_at)
        request.last_activity_at = post.updated_at
        request.post = None
        request.save()
        post.delete()
    ChannelContact.objects.update(person=None)
    BoardContact.objects.filter(source="sms", posts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("channels", "0002_intake_request_on_board")]

    operations = [migrations.RunPython(to_posts, to_requests)]
