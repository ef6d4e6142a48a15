from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpResponse, JsonResponse
from ninja import Header as NinjaHeader
from ninja import Router, Schema

from mutualaid.members import selectors
from mutualaid.members.http import AuthenticatedHttpRequest

router = Router(tags=["members"])


class MeOut(Schema):
    username: str
    display_name: str
    language: str
    email: str | None
    phone: str | None
    skills: list[str]
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
    skills: list[str] | None = None


@router.get("/me", response=MeOut, summary="The account behind the token")
def me(request: AuthenticatedHttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        language=user.language,
        email=user.email or None,
        phone=user.phone or None,
        skills=list(user.skills),
        date_joined=user.date_joined,
    )


@router.put("/me", response=MeOut, summary="Update your profile")
def me_update(request: AuthenticatedHttpRequest, payload: ProfileIn) -> MeOut:
    from mutualaid.members.services import profile_update

    profile_update(user=request.user, **payload.dict())
    return me(request)


@router.get("/me/groups", response=list[MembershipOut], summary="Groups you belong to")
def my_groups(request: AuthenticatedHttpRequest) -> list[MembershipOut]:
    return [
        MembershipOut(group=m.group.slug, name=m.group.name, role=m.role, joined_on=m.joined_on)
        for m in selectors.groups_of(request.user)
    ]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_on: date
    last_used_on: date | None
    revoked_at: datetime | None


@router.get("/me/tokens", response=list[TokenOut], summary="Your personal access tokens")
def my_tokens(request: AuthenticatedHttpRequest) -> list[TokenOut]:
    from mutualaid.members.models import AccessToken

    return [TokenOut.from_orm(t) for t in AccessToken.objects.filter(user=request.user)]


@router.get(
    "/me/export",
    response={200: dict[str, Any]},
    summary="Download everything the platform holds about you",
    description=(
        "Your account, memberships, posts with their history, claims, messages, funds, shifts, deliveries, "
        "notices, consents, tokens (names and dates) and the audit trail about you, as one JSON document. "
        "Send your password again in the X-Password header, and a code of your second factor in "
        "X-Second-Factor-Code when you set one up (a passkey cannot be typed: with a passkey only, download "
        "from the web page, which confirms it; a recovery code works here). Every attempt counts against a "
        "limit of 5 an hour; a download is audited and you get a notice about it. Nothing is stored."
    ),
)
def me_export(
    request: AuthenticatedHttpRequest,
    password: Annotated[str, NinjaHeader(alias="X-Password", max_length=200)] = "",
    code: Annotated[str, NinjaHeader(alias="X-Second-Factor-Code", max_length=64)] = "",
) -> HttpResponse:
    from mutualaid.members.services import data_export

    document = data_export(user=request.user, password=password, code=code)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
