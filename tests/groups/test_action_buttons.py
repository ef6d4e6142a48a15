"""POST buttons on group pages: a refusal is a message on the page it returns to, never a server error."""

from __future__ import annotations

from typing import Any

from mutualaid.members import services
from mutualaid.members.models import Invitation, JoinRequest, Membership


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_last_coordinator_cannot_step_down_or_leave_through_the_buttons(
    ada: Any, crown: Any, client_for: Any
) -> None:
    own = Membership.objects.get(user=ada, group=crown)
    client = client_for(ada)
    response = client.post(f"/g/crown/members/{own.pk}/role/", {"role": "member"}, follow=True)
    refusal = (
        "Crown Heights Mutual Aid would have no coordinator left. Make someone else a coordinator first."
    )
    assert response.redirect_chain == [("/g/crown/members/", 302)]
    assert _messages(response) == [refusal]
    response = client.post("/g/crown/leave/", follow=True)
    assert response.redirect_chain == [("/g/crown/", 302)]
    assert _messages(response) == [refusal]
    assert Membership.objects.get(pk=own.pk).role == "coordinator"


def test_leaving_a_group(ada: Any, ben: Any, crown: Any, client_for: Any) -> None:
    response = client_for(ben).post("/g/crown/leave/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert _messages(response) == ["You left Crown Heights Mutual Aid."]
    assert not Membership.objects.filter(user=ben, group=crown).exists()


def test_removing_a_member_reports_whom_they_vouched_for(
    ada: Any, ben: Any, crown: Any, client_for: Any
) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ben)
    services.signup_with_invitation(
        token=token,
        username="vouched",
        password="a-long-test-password-42",
        display_name="Vouched",
        language="en",
    )
    target = Membership.objects.get(user=ben, group=crown)
    response = client_for(ada).post(f"/g/crown/members/{target.pk}/remove/", follow=True)
    assert _messages(response) == [
        "Ben was removed from the group.",
        "1 member(s) they vouched for are marked for review.",
    ]
    assert Membership.objects.get(user__username="vouched").needs_review


def test_a_request_decided_twice_is_refused_with_a_message(
    ada: Any, eve: Any, crown: Any, client_for: Any
) -> None:
    join = services.join_request_create(group=crown, user=eve)
    client = client_for(ada)
    first = client.post(f"/g/crown/requests/{join.pk}/decide/", {"decision": "decline"}, follow=True)
    assert _messages(first) == ["Request declined."]
    again = client.post(f"/g/crown/requests/{join.pk}/decide/", {"decision": "approve"}, follow=True)
    assert _messages(again) == ["This request was already decided."]
    assert JoinRequest.objects.get(pk=join.pk).status == JoinRequest.Status.DECLINED
    assert not Membership.objects.filter(user=eve, group=crown).exists()


def test_revoking_a_used_invitation_is_refused_with_a_message(
    ben: Any, crown: Any, eve: Any, client_for: Any
) -> None:
    invitation, token = services.invitation_create(group=crown, created_by=ben)
    services.invitation_accept(token=token, user=eve)
    response = client_for(ben).post(f"/g/crown/invitations/{invitation.pk}/revoke/", follow=True)
    assert response.redirect_chain == [("/g/crown/invitations/", 302)]
    assert _messages(response) == ["Only an unused, unexpired invitation can be revoked."]
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_accepting_an_invitation_to_a_group_you_are_in(
    ada: Any, ben: Any, crown: Any, client_for: Any
) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ada)
    response = client_for(ben).post(f"/invite/{token}/", follow=True)
    assert _messages(response) == ["You are already a member of Crown Heights Mutual Aid."]
    assert Invitation.objects.get(created_by=ada).used_at is None


def test_an_invitations_note_is_for_its_author_only(ada: Any, ben: Any, crown: Any, client_for: Any) -> None:
    """Coordinators see every invitation, but not the notes members wrote for themselves (kept encrypted):
    reading them would be an unaudited read of someone else's private words (THREATS.md property 15)."""
    services.invitation_create(group=crown, created_by=ben, note="for Maria on the 3rd floor")
    services.invitation_create(group=crown, created_by=ada, note="for the new driver")
    as_coordinator = client_for(ada).get("/g/crown/invitations/").content.decode()
    assert "for the new driver" in as_coordinator and "Maria" not in as_coordinator
    assert as_coordinator.count("<tr><td>") == 2  # ben's invitation is listed, without its note
    assert "for Maria on the 3rd floor" in client_for(ben).get("/g/crown/invitations/").content.decode()
