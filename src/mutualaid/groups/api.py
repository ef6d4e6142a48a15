from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from mutualaid.groups import access, selectors
from mutualaid.members import services as member_services
from mutualaid.members.http import AuthenticatedHttpRequest
from mutualaid.members.models import Invitation

router = Router(tags=["groups"])


class DirectoryGroupOut(Schema):
    slug: str
    name: str
    description: str
    categories: list[str]
    languages: list[str]
    contact: str
    how_to_join: str
    accepts_requests: bool
    distance_km: float | None
    matched: str


class DirectoryOut(Schema):
    place: str | None
    results: list[DirectoryGroupOut]


class DirectoryQuery(Schema):
    q: str = ""
    category: str = ""
    language: str = ""


@router.get("/directory", response=DirectoryOut, auth=None, summary="Find listed groups near a place")
def directory(request: HttpRequest, filters: Query[DirectoryQuery]) -> DirectoryOut:
    if len(filters.q) > 200 or len(filters.category) > 20 or len(filters.language) > 10:
        raise HttpError(422, _("The search is too long."))
    search = selectors.directory_search(query=filters.q, category=filters.category, language=filters.language)
    return DirectoryOut(
        place=search.place.label if search.place else None,
        results=[
            DirectoryGroupOut(
                slug=r.group.slug,
                name=r.group.name,
                description=r.group.description,
                categories=r.group.categories,
                languages=r.group.languages,
                contact=r.group.contact,
                how_to_join=r.group.how_to_join,
                accepts_requests=r.group.accepts_requests,
                distance_km=r.distance_km,
                matched=r.matched,
            )
            for r in search.results
        ],
    )


class MemberOut(Schema):
    id: int
    display_name: str
    role: str
    joined_on: date
    needs_review: bool


@router.get("/groups/{slug}/members", response=list[MemberOut], summary="Members of a group (coordinators)")
def group_members(request: AuthenticatedHttpRequest, slug: str) -> list[MemberOut]:
    group, _m = access.get_group_for_coordinator(request.user, slug)
    return [
        MemberOut(
            id=m.pk,
            display_name=m.user.display_name,
            role=m.role,
            joined_on=m.joined_on,
            needs_review=m.needs_review,
        )
        for m in selectors.members_of(group)
    ]


class InvitationIn(Schema):
    days: int = 7
    note: str = ""


class InvitationOut(Schema):
    id: int
    state: str
    created_at: datetime
    expires_at: datetime
    link: str | None = None


def _invitation_out(invitation: Invitation, link: str | None = None) -> InvitationOut:
    return InvitationOut(
        id=invitation.pk,
        state=str(invitation.state()),
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        link=link,
    )


@router.get("/groups/{slug}/invitations", response=list[InvitationOut], summary="Invitations you may see")
def invitations(request: AuthenticatedHttpRequest, slug: str) -> list[InvitationOut]:
    group, membership = access.get_group_for_member(request.user, slug)
    visible = Invitation.objects.filter(group=group)
    if not membership.is_coordinator:
        visible = visible.filter(created_by=request.user)
    return [_invitation_out(i) for i in visible[:200]]


@router.post(
    "/groups/{slug}/invitations", response={201: InvitationOut}, summary="Invite someone (link shown once)"
)
def invitation_create(
    request: AuthenticatedHttpRequest, slug: str, payload: InvitationIn
) -> Status[InvitationOut]:
    group, _m = access.get_group_for_member(request.user, slug)
    invitation, token = member_services.invitation_create(
        group=group,
        created_by=request.user,
        days=payload.days,
        note=payload.note,
    )
    return Status(201, _invitation_out(invitation, request.build_absolute_uri(f"/invite/#{token}")))


@router.post(
    "/groups/{slug}/invitations/{invitation_id}/revoke",
    response=InvitationOut,
    summary="Revoke an invitation",
)
def invitation_revoke(request: AuthenticatedHttpRequest, slug: str, invitation_id: int) -> InvitationOut:
    group, membership = access.get_group_for_member(request.user, slug)
    invitation = Invitation.objects.filter(group=group, pk=invitation_id).first()
    if invitation is None or (invitation.created_by_id != request.user.pk and not membership.is_coordinator):
        raise HttpError(404, "not found")
    return _invitation_out(member_services.invitation_revoke(invitation=invitation))
