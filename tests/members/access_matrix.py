"""Access rows for accounts, profile, invitations (by link) and API tokens."""

from __future__ import annotations

from tests.access import Route, World
from tests.conftest import PASSWORD


def build(world: World) -> None:
    from mutualaid.members.services import access_token_create, invitation_create

    invitation, token = invitation_create(group=world.crown, created_by=world.users["ben"])
    world.objects["ben_invitation"] = invitation
    world.objects["ben_invitation_token"] = token
    world.objects["ben_token"], _raw = access_token_create(user=world.users["ben"], name="script")


ROUTES = [
    Route("invitation", "ok ok ok ok ok", kwargs=lambda w: {"token": w.ben_invitation_token}),
    Route(
        "invitation", "410 410 410 410 410", kwargs=lambda w: {"token": "not-a-real-token"}, variant="invalid"
    ),
    Route("invitation_open", "ok ok ok ok ok"),
    Route(
        "invitation_open",
        "ok ok ok ok ok",
        method="POST",
        variant="open",
        data=lambda w: {"token": w.ben_invitation_token},
    ),
    Route(
        "invitation_open",
        "410 410 410 410 410",
        method="POST",
        variant="invalid",
        data=lambda w: {"token": "not-a-real-token"},
    ),
    Route("profile", "login ok ok ok ok"),
    Route(
        "profile",
        "login ok ok ok ok",
        method="POST",
        variant="save",
        data=lambda w: {"display_name": "Someone", "language": "es", "email": "", "phone": ""},
    ),
    Route("tokens", "login ok ok ok ok"),
    Route("tokens", "login ok ok ok ok", method="POST", variant="create", data=lambda w: {"name": "cli"}),
    Route(
        "token_revoke", "login 404 404 ok 404", method="POST", kwargs=lambda w: {"token_id": w.ben_token.pk}
    ),
    Route("data_export", "login ok ok ok ok"),
    # The right password: members get their file; ada (second factor set up) gets the form back asking for a code.
    Route(
        "data_export",
        "login ok ok ok ok",
        method="POST",
        variant="download",
        data=lambda w: {"password": PASSWORD},
    ),
    Route("delete_account", "login ok ok ok ok"),
    Route("api:me", "401 ok ok ok ok", api=True),
    Route(
        "api:me_update",
        "401 ok ok ok ok",
        method="PUT",
        api=True,
        data=lambda w: {"display_name": "Someone", "language": "en"},
    ),
    Route("api:my_groups", "401 ok ok ok ok", api=True),
    Route("api:my_tokens", "401 ok ok ok ok", api=True),
    # Without the password again (X-Password), every member is refused with a field error.
    Route("api:me_export", "401 422 422 422 422", api=True),
]
