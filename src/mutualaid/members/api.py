from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema

from mutualaid.members import selectors

router = Router(tags=["members"])


class MeOut(Schema):
    username: str
    display_name: str
    language: str
    email: str | None
    phone: str | None
    date_joined: date


class MembershipOut(Schema):
    group: str
    name: str
    role: str
    joined_on: date


class ProfileIn(Schema):
    display_name: str
    language: str
    email: str = ""
    phone: str = ""


@router.get("/me", response=MeOut, summary="The account behind the token")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        display_name=user.display_name,  # type: ignore[union-attr]
        language=user.language,  # type: ignore[union-attr]
        email=user.email or None,  # type: ignore[union-attr]
        phone=user.phone or None,  # type: ignore[union-attr]
        date_joined=user.date_joined,  # type: ignore[union-attr]
    )


@router.put("/me", response=MeOut, summary="Update your profile")
def me_update(request: HttpRequest, payload: ProfileIn) -> MeOut:
    from mutualaid.members.services import profile_update

    profile_update(user=request.user, **payload.dict())  # type: ignore[arg-type]
    return me(request)


@router.get("/me/groups", response=list[MembershipOut], summary="Groups you belong to")
def my_groups(request: HttpRequest) -> list[MembershipOut]:
    return [
        MembershipOut(group=m.group.slug, name=m.group.name, role=m.role, joined_on=m.joined_on)
        for m in selectors.groups_of(request.user)  # type: ignore[arg-type]
    ]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_on: date
    last_used_on: date | None
    revoked_at: datetime | None


@router.get("/me/tokens", response=list[TokenOut], summary="Your personal access tokens")
def my_tokens(request: HttpRequest) -> list[TokenOut]:
    from mutualaid.members.models import AccessToken

    return [TokenOut.from_orm(t) for t in AccessToken.objects.filter(user=request.user)]  # type: ignore[misc]
