"""Invitation links keep their token out of request paths: https://site/invite/#TOKEN. The fragment never
reaches a server or proxy; the token travels in POST bodies only (no-JS: the person pastes the link)."""

from __future__ import annotations

from typing import Any

from mutualaid.members import services
from mutualaid.members.models import Membership
from tests.conftest import PASSWORD


def signup(token: str, username: str = "nia") -> dict[str, str]:
    return {
        "token": token,
        "step": "join",
        "username": username,
        "password": PASSWORD,
        "display_name": "Nia",
        "language": "en",
    }


def test_created_links_carry_the_token_in_the_fragment(ben: Any, crown: Any, client_for: Any) -> None:
    response = client_for(ben).post("/g/crown/invitations/", {"days": "7", "note": ""})
    body = response.content.decode()
    assert "/invite/#" in body
    token = body.split("/invite/#", 1)[1].split('"', 1)[0].split("<", 1)[0]
    assert services.invitation_lookup(token).group == crown


def test_the_link_page_asks_for_the_link_and_loads_only_our_script(client_for: Any) -> None:
    response = client_for(None).get("/invite/")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="invitation-open"' in body and 'name="token"' in body
    assert "/static/members/invite.js" in body and "<script>" not in body


def test_pasting_the_whole_link_opens_the_invitation_and_signing_up_joins(
    ben: Any, crown: Any, client_for: Any
) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ben)
    client = client_for(None)
    opened = client.post("/invite/", {"token": f"  https://aid.example.org/invite/#{token} "})
    body = opened.content.decode()
    assert opened.status_code == 200 and "You are invited to join" in body
    assert f'value="{token}"' in body and 'action="/invite/"' in body
    # A mistake keeps the invitation; the token is still only in the form.
    wrong = client.post("/invite/", {**signup(token), "password": "short"})
    assert wrong.status_code == 200 and f'value="{token}"' in wrong.content.decode()
    joined = client.post("/invite/", signup(token), follow=True)
    assert joined.redirect_chain[-1][0] == "/g/crown/"
    assert Membership.objects.filter(user__username="nia", group=crown).exists()
    # Used: the same link now says so.
    again = client_for(None).post("/invite/", {"token": token})
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_logging_in_first_comes_back_to_the_same_invitation(
    ben: Any, cy: Any, crown: Any, client_for: Any
) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ben)
    client = client_for(None)
    page = client.post("/invite/", {"token": token}).content.decode()
    assert "/accounts/login/?next=/invite/" in page and token not in page.split("next=", 1)[1][:80]
    client.force_login(cy)
    back = client.get("/invite/")
    assert back.status_code == 200 and "Join as" in back.content.decode()
    # The session holds the token sealed with the key ring, never in the clear.
    assert token not in str(dict(client.session))
    joined = client.post("/invite/", {"token": token, "step": "join"}, follow=True)
    assert joined.redirect_chain[-1][0] == "/g/crown/"
    assert Membership.objects.filter(user=cy, group=crown).exists()
    assert client.get("/invite/").content.decode().count("You are invited") == 0


def test_old_links_with_the_token_in_the_path_still_work(ben: Any, crown: Any, client_for: Any) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ben)
    client = client_for(None)
    page = client.get(f"/invite/{token}/")
    assert page.status_code == 200 and 'action="/invite/"' in page.content.decode()
    joined = client.post("/invite/", signup(token), follow=True)
    assert joined.redirect_chain[-1][0] == "/g/crown/"


def test_an_empty_or_unknown_code_is_explained(client_for: Any) -> None:
    empty = client_for(None).post("/invite/", {"token": ""})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    unknown = client_for(None).post("/invite/", {"token": "https://aid.example.org/invite/#nope"})
    assert unknown.status_code == 410 and "not valid" in unknown.content.decode()
