"""List pages use a constant number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

from typing import Any

from mutualaid.members.models import JoinRequest, Membership
from mutualaid.members.services import invitation_create
from tests.conftest import make_user
from tests.helpers import assert_query_count


def get(client: Any, path: str, queries: int) -> None:
    with assert_query_count(queries):
        response = client.get(path)
    assert response.status_code == 200


# Session, user, the page's own queries, the header's count of unread notices.
PAGES = {"/g/crown/members/": 7, "/g/crown/invitations/": 5, "/": 5}


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
    for path, count in PAGES.items():
        get(client, path, count)
    grow(crown, ada, 15, 2)
    for path, count in PAGES.items():
        get(client, path, count)


def test_directory_query_count_is_constant(crown: Any, client: Any) -> None:
    from mutualaid.groups.models import Group

    client.get("/directory/?q=11216")  # the first request fills per-process caches (forms, gazetteer)
    # Groups, their areas, public funds, and linked installs' groups (the shared directory); a visitor
    # without a session costs no session query (core/csrf.py).
    get(client, "/directory/?q=11216", 4)
    for i in range(20):
        Group.objects.create(
            name=f"Group {i}", slug=f"group-{i}", centre_lat=40.6 + i / 100, centre_lon=-73.9
        )
    get(client, "/directory/?q=11216", 4)
