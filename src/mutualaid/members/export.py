"""What the members app holds about a member, for their own download (core.export)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator

from mutualaid.core.export import Names, jsonable, rows
from mutualaid.members.models import AccessToken, Invitation, JoinRequest, Membership


def personal_data(user: Any) -> dict[str, Any]:
    names = Names(user)
    memberships = Membership.objects.filter(user=user).select_related("group").order_by("joined_on", "pk")
    kinds = sorted(set(Authenticator.objects.filter(user=user).values_list("type", flat=True)))
    return {
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email or "",
            "phone": user.phone or "",
            "language": user.language,
            "skills": jsonable(user.skills),
            "created": jsonable(user.date_joined),
            "last_seen": jsonable(user.last_seen),
            "is_active": user.is_active,
        },
        "memberships": [
            {
                "group": membership.group.name,
                "group_slug": membership.group.slug,
                **rows([membership], names=names, exclude=("id", "user"))[0],
            }
            for membership in memberships
        ],
        "join_requests": rows(JoinRequest.objects.filter(user=user).order_by("pk"), names=names),
        # Invitations you made: their note and what happened to them (who used one, by display name).
        "invitations_created": rows(Invitation.objects.filter(created_by=user).order_by("pk"), names=names),
        "invitation_used": rows(
            Invitation.objects.filter(used_by=user),
            names=names,
            fields=("group", "role", "used_at", "used_by"),
        ),
        # Names and dates only: a token's secret is never kept, and its hash is not written out.
        "api_tokens": rows(AccessToken.objects.filter(user=user).order_by("pk"), names=names),
        # Whether a second factor is set up and of which kinds, never its seeds or codes.
        "second_factor": {"enrolled": bool(kinds), "kinds": kinds},
    }
