"""Roles per group: coordinators approve, promote, demote and remove; a group always keeps a coordinator."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.members import services
from mutualaid.members.models import JoinRequest, Membership


def membership(user: Any, group: Any) -> Membership:
    return Membership.objects.get(user=user, group=group)


def test_last_coordinator_cannot_leave_or_step_down(ada: Any, crown: Any) -> None:
    message = "Crown Heights Mutual Aid would have no coordinator left."
    with pytest.raises(ValidationError, match=message):
        services.membership_leave(membership=membership(ada, crown))
    with pytest.raises(ValidationError, match=message):
        services.membership_set_role(membership=membership(ada, crown), role="member")
    assert membership(ada, crown).role == "coordinator"


def test_promote_then_step_down(ada: Any, ben: Any, crown: Any) -> None:
    services.membership_set_role(membership=membership(ben, crown), role="coordinator")
    services.membership_set_role(membership=membership(ada, crown), role="member")
    assert membership(ben, crown).role == "coordinator"
    assert membership(ada, crown).role == "member"


def test_coordinator_promotes_through_the_page(ada: Any, ben: Any, crown: Any, client_for: Any) -> None:
    target = membership(ben, crown)
    response = client_for(ada).post(
        f"/g/crown/members/{target.pk}/role/", {"role": "coordinator"}, follow=True
    )
    assert "Role changed for Ben." in response.content.decode()
    assert membership(ben, crown).role == "coordinator"


def test_member_cannot_manage_members(ben: Any, ada: Any, crown: Any, client_for: Any) -> None:
    response = client_for(ben).post(f"/g/crown/members/{membership(ada, crown).pk}/remove/")
    assert response.status_code == 403
    assert Membership.objects.filter(user=ada, group=crown).exists()


def test_coordinator_of_one_group_cannot_touch_another(
    dee: Any, ben: Any, crown: Any, client_for: Any
) -> None:
    response = client_for(dee).post(f"/g/crown/members/{membership(ben, crown).pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(user=ben, group=crown).exists()


def test_membership_of_another_group_is_not_found_through_this_group(
    ada: Any, cy: Any, bush: Any, client_for: Any
) -> None:
    response = client_for(ada).post(f"/g/crown/members/{membership(cy, bush).pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(user=cy, group=bush).exists()


def test_join_request_approved_by_coordinator(ada: Any, eve: Any, crown: Any, client_for: Any) -> None:
    request = services.join_request_create(group=crown, user=eve, message="I can drive on weekends")
    response = client_for(ada).post(
        f"/g/crown/requests/{request.pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert "Request approved." in response.content.decode()
    joined = membership(eve, crown)
    assert joined.vouched_by == ada and joined.role == "member"
    request.refresh_from_db()
    assert request.status == "approved" and request.message == "", "the reason is dropped once decided"


def test_join_request_declined_and_cannot_be_decided_twice(ada: Any, eve: Any, crown: Any) -> None:
    request = services.join_request_create(group=crown, user=eve)
    services.join_request_decide(join_request=request, decided_by=ada, approve=False)
    assert not Membership.objects.filter(user=eve, group=crown).exists()
    with pytest.raises(ValidationError, match="This request was already decided."):
        services.join_request_decide(join_request=request, decided_by=ada, approve=True)


def test_invitation_only_group_refuses_requests(eve: Any, bush: Any) -> None:
    with pytest.raises(ValidationError, match="Ayuda Mutua Bushwick joins by invitation only."):
        services.join_request_create(group=bush, user=eve)
    assert not JoinRequest.objects.exists()


def test_duplicate_pending_request_is_refused(eve: Any, crown: Any) -> None:
    services.join_request_create(group=crown, user=eve)
    with pytest.raises(ValidationError, match="is already waiting"):
        services.join_request_create(group=crown, user=eve)


def test_anonymous_request_to_join_creates_account_and_pending_request(crown: Any, client_for: Any) -> None:
    client = client_for(None)
    response = client.post(
        "/g/crown/join/",
        {
            "username": "omar",
            "password": "a-long-test-password-42",
            "display_name": "Omar",
            "language": "en",
            "email": "",
            "phone": "",
            "message": "neighbour on Lincoln Pl",
        },
    )
    assert response.status_code == 302
    request = JoinRequest.objects.get(user__username="omar")
    assert request.status == "pending" and request.message == "neighbour on Lincoln Pl"
    assert not Membership.objects.filter(user__username="omar").exists()


def test_member_may_belong_to_several_groups(ben: Any, crown: Any, bush: Any, dee: Any) -> None:
    _invitation, token = services.invitation_create(group=bush, created_by=dee)
    services.invitation_accept(token=token, user=ben)
    assert set(Membership.objects.filter(user=ben).values_list("group__slug", flat=True)) == {"crown", "bush"}


def test_coordinator_without_second_factor_is_sent_to_set_one_up(
    ben: Any, crown: Any, client_for: Any
) -> None:
    services.membership_set_role(membership=membership(ben, crown), role="coordinator")
    response = client_for(ben).get("/g/crown/members/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"


def test_unlisted_group_page_is_hidden_from_outsiders(bush: Any, cy: Any, client_for: Any) -> None:
    bush.listed = False
    bush.save()
    assert client_for(None).get("/g/bush/").status_code == 404
    assert client_for(cy).get("/g/bush/").status_code == 200
