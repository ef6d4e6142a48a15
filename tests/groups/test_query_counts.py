"""List pages use a constant number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

from typing import Any

from mutualaid.members.models import JoinRequest, Membership
from mutualaid.members.services import invitation_create
from tests.conftest import make_user
from tests.helpers import count_queries


def queries(client: Any, path: str) -> int:
    with count_queries() as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def grow(crown: Any, ada: Any, n: int, start: int) -> None:
    for i in range(start, start + n):
        user = make_user(f"member{i}")
        Membership.objects.create(user=user, group=crown, vouched_by=ada)
        JoinRequest.objects.create(group=crown, user=make_user(f"asker{i}"))
        invitation_create(group=crown, created_by=user)


def test_members_and_invitations_pages_do_not_grow_with_rows(ada: Any, crown: Any, client_for: Any) -> None:
    client = client_for(ada)
    client.get("/")  # the first request of the day records last-seen; measure the steady state
    grow(crown, ada, 2, 0)
    small = {path: queries(client, path) for path in ("/g/crown/members/", "/g/crown/invitations/", "/")}
    grow(crown, ada, 15, 2)
    large = {path: queries(client, path) for path in ("/g/crown/members/", "/g/crown/invitations/", "/")}
    assert large == small


def test_directory_query_count_is_constant(crown: Any, client: Any) -> None:
    from mutualaid.groups.models import Group

    queries(client, "/directory/?q=11216")  # the first request fills per-process caches (forms, gazetteer)
    first = queries(client, "/directory/?q=11216")
    for i in range(20):
        Group.objects.create(
            name=f"Group {i}", slug=f"group-{i}", centre_lat=40.6 + i / 100, centre_lon=-73.9
        )
    assert queries(client, "/directory/?q=11216") == first
