"""The board through /api/v1: the same access helpers, services and selectors as the pages."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from mutualaid.core.api_types import MissingFields
from mutualaid.core.audit import record_read
from mutualaid.exchange import access, exporting, importing, selectors, services
from mutualaid.exchange.models import Claim, Post
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.http import AuthenticatedHttpRequest
from mutualaid.members.models import Membership

router = Router(tags=["exchange"])


class PostOut(Schema):
    id: int
    kind: str
    category: str
    title: str
    details: str
    quantity: int
    unit: str
    urgency: str
    status: str
    area: str
    lat: float | None
    lon: float | None
    languages: list[str]
    recurring: bool
    window_start: datetime | None
    window_end: datetime | None
    max_km: float | None
    visibility: str
    created_at: datetime
    expires_at: datetime | None
    posted_by: str
    for_neighbour: bool
    # Its area (from an import or a text message) could not be placed: it sits at the group's centre.
    area_unplaced: bool = False


def _out(post: Post, *, trusted: bool = False) -> PostOut:
    """``trusted``: a row just read from the database, whose columns already have these types: built
    without pydantic's validation (about a fifth of the board list's time, bench/RESULTS-throughput.md)."""
    return (PostOut.model_construct if trusted else PostOut)(
        id=post.pk,
        kind=post.kind,
        category=post.category,
        title=post.title or "",
        details=post.details or "",
        quantity=post.quantity,
        unit=post.unit or "",
        urgency=post.urgency,
        status=post.status,
        area=post.area,
        lat=post.lat,
        lon=post.lon,
        languages=post.languages,
        recurring=post.recurring,
        window_start=post.window_start,
        window_end=post.window_end,
        max_km=post.max_km,
        visibility=post.visibility,
        created_at=post.created_at,
        expires_at=post.expires_at,
        posted_by=post.author.display_name if post.author else "",
        for_neighbour=post.contact_id is not None,
        area_unplaced=post.area_unplaced,
    )


class BoardOut(Schema):
    page: int
    has_next: bool
    place: str | None
    results: list[PostOut]


class BoardQuery(Schema):
    kind: Literal["", "need", "offer"] = ""
    category: str = Field("", max_length=20)
    urgency: Literal["", "today", "week", "flexible"] = ""
    status: Literal["", "open", "claimed", "in_progress", "fulfilled", "withdrawn", "expired"] = ""
    language: str = Field("", max_length=10)
    area: str = Field("", max_length=100)
    q: str = Field("", max_length=200)
    mine: bool = False
    page: int = Field(1, ge=1, le=1000)
    unplaced: bool = Field(False, description="Coordinators: only posts whose area is not placed")


@router.get("/groups/{slug}/posts", response=BoardOut, summary="The board: needs and offers, filtered")
def exchange_board(request: AuthenticatedHttpRequest, slug: str, filters: Query[BoardQuery]) -> BoardOut:
    group, membership = get_group_for_member(request.user, slug)
    page = selectors.board(
        group=group,
        user=request.user,
        membership=membership,
        filters=selectors.BoardFilters(
            kind=filters.kind,
            category=filters.category,
            urgency=filters.urgency,
            status=filters.status,
            language=filters.language,
            area=filters.area,
            q=filters.q,
            mine=filters.mine,
            page=filters.page,
            unplaced=filters.unplaced,
        ),
    )
    return BoardOut.model_construct(
        page=page.page,
        has_next=page.has_next,
        place=page.place.label if page.place else None,
        results=[_out(p, trusted=True) for p in page.posts],
    )


class ContactIn(Schema):
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    note: str = Field("", max_length=2000)
    household_size: int | None = None


class PostFieldsIn(Schema):
    """What a post's editable fields accept, each with the value a new post takes when it is left out."""

    category: str = Field("", max_length=20)
    title: str = Field("", max_length=1000)
    details: str = Field("", max_length=20000)
    quantity: int = 1
    unit: str = Field("", max_length=100)
    urgency: Literal["today", "week", "flexible"] = "flexible"
    window_start: datetime | None = None
    window_end: datetime | None = None
    recurring: bool = False
    languages: list[str] = Field(default_factory=list, max_length=20)
    area: str = Field("", max_length=200)
    lat: float | None = None
    lon: float | None = None
    max_km: float | None = None
    address: str = Field("", max_length=1000)
    private_note: str = Field("", max_length=5000)
    visibility: Literal["group", "coordinators"] = "group"


class PostIn(PostFieldsIn):
    kind: Literal["need", "offer"]
    category: str = Field(max_length=20)
    title: str = Field(max_length=1000)
    on_behalf: ContactIn | None = None


@router.post("/groups/{slug}/posts", response={201: PostOut}, summary="Post a need or an offer")
def exchange_post_create(request: AuthenticatedHttpRequest, slug: str, payload: PostIn) -> Status[PostOut]:
    group, _m = get_group_for_member(request.user, slug)
    data = payload.dict()
    contact = data.pop("on_behalf")
    try:
        # Like the form: an area the group cannot place is refused (422 naming `area`, beside any other
        # wrong field) so the poster can give another, never stored where matching cannot find it.
        post = services.post_create(
            group=group,
            author=request.user,
            data=services.PostInput(**data, on_behalf=services.ContactInput(**contact) if contact else None),
            ask_area=True,
        )
    except services.PostingFlood as exc:
        raise HttpError(429, str(exc.args[0])) from None
    return Status(201, _out(post))


# A PUT replaces the whole post, so it names every field (a client that sends only a few would clear the
# others): a body missing any is refused (400, each missing field named). PATCH changes only what it sends.
PUT_FIELDS = ("kind", *services.EDITABLE_FIELDS)


class PostReplaceIn(PostIn):
    model_config = {"json_schema_extra": {"required": list(PUT_FIELDS)}}

    kind: Literal["need", "offer"] = "need"  # required all the same: see PUT_FIELDS
    category: str = Field("", max_length=20)
    title: str = Field("", max_length=1000)


@router.put(
    "/groups/{slug}/posts/{post_id}",
    response=PostOut,
    summary="Replace a need or an offer: every field (poster or coordinator); PATCH changes some",
)
def exchange_post_update(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, payload: PostReplaceIn
) -> PostOut:
    _g, _m, post = access.get_post_for_member(request.user, slug, post_id)
    missing = [name for name in PUT_FIELDS if name not in payload.model_fields_set]
    if missing:
        raise MissingFields(missing)
    data = payload.dict()
    data.pop("on_behalf")
    # Fixing the place of a flagged post, or moving it: as on the form, a place that cannot be found is asked again.
    return _out(
        services.post_update(
            post=post, actor=request.user, data=services.PostInput(**data), ask_area=payload.area != post.area
        )
    )


class PostPatchIn(PostFieldsIn):
    """Only the fields sent change; `null` clears a field that may be empty (window, map point, max_km)."""


@router.patch(
    "/groups/{slug}/posts/{post_id}",
    response=PostOut,
    summary="Change some fields of a need or an offer; the others stay (poster or coordinator)",
)
def exchange_post_patch(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, payload: PostPatchIn
) -> PostOut:
    _g, _m, post = access.get_post_for_member(request.user, slug, post_id)
    changes = {name: getattr(payload, name) for name in payload.model_fields_set}
    if not changes:
        raise ValidationError(_("Send at least one field to change."))
    return _out(services.post_change(post=post, actor=request.user, changes=changes))


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None
    at: datetime


class ClaimOut(Schema):
    id: int
    claimant: str
    state: str
    created_at: datetime
    coordinators_invited: bool


def _claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut(
        id=claim.pk,
        claimant=claim.claimant.display_name,
        state=claim.state,
        created_at=claim.created_at,
        coordinators_invited=claim.coordinators_invited,
    )


class PostDetailOut(PostOut):
    address: str | None
    history: list[EventOut]
    claims: list[ClaimOut]
    allowed_actions: list[str]


@router.get(
    "/groups/{slug}/posts/{post_id}", response=PostDetailOut, summary="One need or offer with its history"
)
def exchange_post_detail(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> PostDetailOut:
    group, _m, post = access.get_post_for_member(request.user, slug, post_id)
    user = request.user
    coordinator = services.acts_as_coordinator(user, group.pk)
    live = selectors.live_claim(post)
    poster = post.author_id == user.pk
    claimant = live is not None and live.claimant_id == user.pk
    show_address = access.may_see_exact_address(post, user, coordinator=coordinator, live=live)
    if show_address:
        record_read(reader=user, subject=post, fields=["address"], group_id=group.pk)
    claims = selectors.claims_of(post) if (poster or coordinator) else ([live] if claimant and live else [])
    from mutualaid.exchange import lifecycle

    return PostDetailOut(
        **_out(post).dict(),
        address=post.address if show_address else None,
        history=[
            EventOut(
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                actor=e.actor.display_name if e.actor else None,
                at=e.at,
            )
            for e in selectors.history_for(post, user, coordinator=coordinator)
        ],
        claims=[_claim_out(c) for c in claims],
        allowed_actions=lifecycle.allowed(post.status),
    )


class ContactOut(Schema):
    name: str
    phone: str
    email: str
    note: str
    household_size: int | None
    languages: list[str]
    source: str


def _contact_for(request: HttpRequest, slug: str, post_id: int) -> Post:
    group, _m, post = access.get_post_for_member(request.user, slug, post_id)  # type: ignore[arg-type]
    if post.contact is None:
        raise HttpError(404, "This post is not held for a neighbour.")
    if post.author_id != request.user.pk:
        services.require_coordinator(
            request.user,  # type: ignore[arg-type]
            group.pk,
            "Only the member who took the neighbour in or a coordinator can see their details.",
        )
    return post


def _contact_out(post: Post) -> ContactOut:
    contact = post.contact
    assert contact is not None  # checked by _contact_for
    return ContactOut(
        name=contact.name or "",
        phone=contact.phone or "",
        email=contact.email or "",
        note=contact.note or "",
        household_size=contact.household_size,
        languages=contact.languages,
        source=contact.source,
    )


@router.get(
    "/groups/{slug}/posts/{post_id}/contact",
    response=ContactOut,
    summary="The neighbour a post is held for (the member who took them in, or coordinators; read audited)",
)
def exchange_contact_detail(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> ContactOut:
    post = _contact_for(request, slug, post_id)
    record_read(reader=request.user, subject=post, fields=["contact"], group_id=post.group_id)
    return _contact_out(post)


@router.put(
    "/groups/{slug}/posts/{post_id}/contact",
    response=ContactOut,
    summary="Change the details of the neighbour a post is held for (recorded in the post's history)",
)
def exchange_contact_update(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, payload: ContactIn
) -> ContactOut:
    post = _contact_for(request, slug, post_id)
    post.contact = services.contact_update(
        post=post,
        actor=request.user,
        data=services.ContactInput(
            name=payload.name,
            phone=payload.phone,
            email=payload.email,
            note=payload.note,
            household_size=payload.household_size,
        ),
    )
    return _contact_out(post)


@router.post(
    "/groups/{slug}/posts/{post_id}/claims",
    response={201: ClaimOut},
    summary="Claim: I can help / I'd like this",
)
def exchange_claim_create(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> Status[ClaimOut]:
    _g, _m, post = access.get_post_for_member(request.user, slug, post_id)
    return Status(201, _claim_out(services.claim_create(post=post, claimant=request.user)))


class DecisionIn(Schema):
    decision: Literal["accept", "decline"]


@router.post(
    "/groups/{slug}/posts/{post_id}/claims/{claim_id}/decide",
    response=ClaimOut,
    summary="Accept or decline a claim",
)
def exchange_claim_decide(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, claim_id: int, payload: DecisionIn
) -> ClaimOut:
    _g, _m, _post, claim = access.get_claim_for_member(request.user, slug, post_id, claim_id)
    claim = services.claim_decide(claim=claim, actor=request.user, accept=payload.decision == "accept")
    return _claim_out(claim)


class AssignIn(Schema):
    member_id: int


@router.post(
    "/groups/{slug}/posts/{post_id}/assign",
    response={201: ClaimOut},
    summary="Assign a post to a member (coordinators)",
)
def exchange_post_assign(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, payload: AssignIn
) -> Status[ClaimOut]:
    group, _m = get_group_for_coordinator(request.user, slug)
    _g, _m2, post = access.get_post_for_member(request.user, slug, post_id)
    member = Membership.objects.filter(group=group, pk=payload.member_id).select_related("user").first()
    if member is None:
        raise ValidationError({"member_id": "Choose a member of the group."})
    return Status(201, _claim_out(services.post_assign(post=post, actor=request.user, claimant=member.user)))


class ActionIn(Schema):
    action: Literal["release", "fulfil", "withdraw", "renew"]


@router.post(
    "/groups/{slug}/posts/{post_id}/act", response=PostOut, summary="Release, fulfil, withdraw or renew"
)
def exchange_post_act(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, payload: ActionIn
) -> PostOut:
    _g, _m, post = access.get_post_for_member(request.user, slug, post_id)
    return _out(services.post_act(post=post, actor=request.user, action=payload.action))


class MessageOut(Schema):
    id: int
    author: str | None
    # Written by the neighbour the post is held for, by text message (author is then null).
    from_neighbour: bool = False
    body: str | None
    created_at: datetime


class MessageIn(Schema):
    body: str = Field(max_length=10000)


def _conversation(request: HttpRequest, slug: str, post_id: int, claim_id: int) -> tuple[Any, Claim]:
    group, _m, _post, claim = access.get_claim_for_member(request.user, slug, post_id, claim_id)  # type: ignore[arg-type]
    if not services.can_join_conversation(claim, request.user):  # type: ignore[arg-type]
        from django.http import Http404

        raise Http404
    return group, claim


@router.get(
    "/groups/{slug}/posts/{post_id}/claims/{claim_id}/messages",
    response=list[MessageOut],
    summary="The private conversation of a claim",
)
def exchange_messages(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, claim_id: int
) -> list[MessageOut]:
    group, claim = _conversation(request, slug, post_id, claim_id)
    found = selectors.messages_of(claim)
    if any(m.author_id != request.user.pk for m in found):
        record_read(reader=request.user, subject=claim, fields=["messages"], group_id=group.pk)
    return [
        MessageOut(
            id=m.pk,
            author=m.author.display_name if m.author else None,
            from_neighbour=m.from_neighbour,
            body=m.body,
            created_at=m.created_at,
        )
        for m in found
    ]


@router.post(
    "/groups/{slug}/posts/{post_id}/claims/{claim_id}/messages",
    response={201: MessageOut},
    summary="Send a message in a claim's conversation",
)
def exchange_message_send(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, claim_id: int, payload: MessageIn
) -> Status[MessageOut]:
    _group, claim = _conversation(request, slug, post_id, claim_id)
    message = services.message_send(claim=claim, author=request.user, body=payload.body)
    out = MessageOut(
        id=message.pk,
        author=request.user.display_name,
        body=message.body,
        created_at=message.created_at,
    )
    return Status(201, out)


@router.post(
    "/groups/{slug}/posts/{post_id}/claims/{claim_id}/invite",
    response=ClaimOut,
    summary="Invite the coordinators into a conversation",
)
def exchange_conversation_invite(
    request: AuthenticatedHttpRequest, slug: str, post_id: int, claim_id: int
) -> ClaimOut:
    _g, _m, _post, claim = access.get_claim_for_member(request.user, slug, post_id, claim_id)
    return _claim_out(services.conversation_invite_coordinators(claim=claim, actor=request.user))


class TriageOut(Schema):
    oldest_unmet: list[PostOut]
    stale_claims: list[PostOut]
    nobody_offers: list[PostOut]


@router.get("/groups/{slug}/triage", response=TriageOut, summary="Coordinator triage: what needs attention")
def exchange_triage(request: AuthenticatedHttpRequest, slug: str) -> TriageOut:
    group, _m = get_group_for_coordinator(request.user, slug)
    found = selectors.triage(group=group)
    return TriageOut(
        oldest_unmet=[_out(p) for p in found.oldest_unmet],
        stale_claims=[_out(p) for p in found.stale_claims],
        nobody_offers=[_out(p) for p in found.nobody_offers],
    )


class ExportQuery(Schema):
    personal: bool = False


@router.get(
    "/groups/{slug}/export",
    response=dict[str, Any],
    summary="Export the group's needs and offers (coordinators)",
)
def exchange_export(
    request: AuthenticatedHttpRequest, slug: str, query: Query[ExportQuery]
) -> dict[str, Any]:
    group, _m = get_group_for_coordinator(request.user, slug)
    exporting.audit_export(reader=request.user, group=group, personal=query.personal)
    return {"group": group.slug, "posts": list(exporting.rows(group, personal=query.personal))}


class ImportIn(Schema):
    filename: str = Field("upload.csv", max_length=200)
    content_base64: str = Field(max_length=14_000_000)
    kind: Literal["need", "offer", "auto"] = Field("auto", description="auto: read from the sheet's headers")
    mapping: list[str] | None = Field(None, max_length=200)
    visibility: Literal["coordinators", "group"] = "coordinators"
    dry_run: bool = True


class ImportRowOut(Schema):
    line: int
    skipped: bool
    kind: str
    categories: list[str]
    title: str
    titles: list[str]
    quantity: int
    unit: str
    urgency: str
    created_at: datetime | None
    problems: list[str]
    notes: list[str]


class ImportOut(Schema):
    kind: str
    headers: list[str]
    mapping: list[str]
    posts: int
    contacts: int
    problems: list[ImportRowOut]
    rows: list[ImportRowOut]
    committed: bool


@router.post(
    "/groups/{slug}/import",
    response=ImportOut,
    summary="Preview (dry_run) or import a CSV/XLSX sheet (coordinators)",
)
def exchange_import(request: AuthenticatedHttpRequest, slug: str, payload: ImportIn) -> ImportOut:
    group, _m = get_group_for_coordinator(request.user, slug)
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"content_base64": "The file must be base64-encoded."}) from None
    plan = importing.plan_import(
        importing.read(data),
        kind=payload.kind,
        mapping=payload.mapping,
        visibility=payload.visibility,
        filename=payload.filename,
        group=group,
    )
    rows = [
        ImportRowOut(
            line=r.line,
            skipped=r.skipped,
            kind=r.kind,
            categories=r.categories,
            title=" | ".join(r.titles),
            titles=r.titles,
            quantity=r.quantity,
            unit=r.unit,
            urgency=r.urgency,
            created_at=r.created_at,
            problems=r.problems,
            notes=r.notes,
        )
        for r in plan.rows
    ]
    committed = False
    if not payload.dry_run and not plan.problems:
        try:
            importing.import_commit(group=group, actor=request.user, plan=plan)
        except importing.ImportFlood as exc:
            raise HttpError(429, str(exc.args[0])) from None
        committed = True
    return ImportOut(
        kind=plan.kind,
        headers=plan.headers,
        mapping=plan.mapping,
        posts=plan.post_count,
        contacts=plan.contact_count,
        problems=[r for r in rows if r.problems],
        rows=rows[:500],
        committed=committed,
    )
