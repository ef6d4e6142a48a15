"""Invitations: single use, expiring, revocable, recorded as vouching (THREATS.md property 9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutualaid.members import services
from mutualaid.members.models import Invitation, Membership, User
from tests.conftest import PASSWORD


def signup_data(username: str = "nia") -> dict[str, str]:
    return {
        "username": username,
        "password": PASSWORD,
        "display_name": "Nia",
        "language": "es",
        "email": "",
        "phone": "",
    }


def test_invitation_token_is_stored_hashed(ben: Any, crown: Any) -> None:
    invitation, token = services.invitation_create(group=crown, created_by=ben)
    assert token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_signup_with_invitation_records_who_vouched(ben: Any, crown: Any) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ben)
    user, membership = services.signup_with_invitation(token=token, **signup_data())
    assert membership.group == crown and membership.role == "member" and membership.vouched_by == ben
    assert user.language == "es"


def test_invitation_works_once(ben: Any, crown: Any, eve: Any) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ben)
    services.invitation_accept(token=token, user=eve)
    with pytest.raises(services.InvitationUnusable) as problem:
        services.signup_with_invitation(token=token, **signup_data("late"))
    assert problem.value.state == "used"
    assert not User.objects.filter(username="late").exists(), "a refused sign-up leaves no account behind"


def test_expired_invitation_is_refused(ben: Any, crown: Any, eve: Any) -> None:
    invitation, token = services.invitation_create(group=crown, created_by=ben, days=1)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.InvitationUnusable) as problem:
        services.invitation_accept(token=token, user=eve)
    assert problem.value.state == "expired"
    assert not Membership.objects.filter(user=eve).exists()


def test_revoked_invitation_is_refused_and_cannot_be_revoked_twice(ben: Any, crown: Any, eve: Any) -> None:
    invitation, token = services.invitation_create(group=crown, created_by=ben)
    services.invitation_revoke(invitation=invitation)
    with pytest.raises(services.InvitationUnusable) as problem:
        services.invitation_accept(token=token, user=eve)
    assert problem.value.state == "revoked"
    with pytest.raises(ValidationError, match="Only an unused, unexpired invitation can be revoked."):
        services.invitation_revoke(invitation=invitation)


def test_invitation_lifetime_is_bounded(ben: Any, crown: Any) -> None:
    with pytest.raises(ValidationError, match="An invitation can last from 1 to 30 days."):
        services.invitation_create(group=crown, created_by=ben, days=31)


def test_existing_member_cannot_use_an_invitation_to_their_own_group(ben: Any, crown: Any, ada: Any) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ada)
    with pytest.raises(ValidationError, match="You are already a member of Crown Heights Mutual Aid."):
        services.invitation_accept(token=token, user=ben)
    assert Invitation.objects.get(token_hash__isnull=False, created_by=ada).used_at is None


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("invalid", "This invitation link is not valid."),
        ("used", "This invitation has already been used."),
        ("expired", "This invitation has expired."),
        ("revoked", "This invitation was withdrawn."),
    ],
)
def test_unusable_invitations_get_a_friendly_page(
    state: str, message: str, ben: Any, crown: Any, eve: Any, client_for: Any
) -> None:
    invitation, token = services.invitation_create(group=crown, created_by=ben)
    if state == "invalid":
        token = "x" * 32
    elif state == "used":
        services.invitation_accept(token=token, user=eve)
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    else:
        services.invitation_revoke(invitation=invitation)
    response = client_for(None).get(f"/invite/{token}/")
    assert response.status_code == 410
    assert message in response.content.decode()


def test_signup_page_creates_member_and_logs_in(ben: Any, crown: Any, client_for: Any) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ben)
    client = client_for(None)
    response = client.post(f"/invite/{token}/", signup_data(), follow=True)
    assert response.redirect_chain[-1][0] == "/g/crown/"
    assert response.context["user"].username == "nia"


def test_signup_page_shows_field_errors_and_keeps_the_invitation(
    ben: Any, crown: Any, client_for: Any
) -> None:
    invitation, token = services.invitation_create(group=crown, created_by=ben)
    response = client_for(None).post(f"/invite/{token}/", {**signup_data("BEN"), "password": "short"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "That username is taken. Please choose another." in body
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_removing_a_member_flags_whom_they_invited(ada: Any, ben: Any, crown: Any) -> None:
    _invitation, token = services.invitation_create(group=crown, created_by=ben)
    _user, invited = services.signup_with_invitation(token=token, **signup_data())
    pending, _token = services.invitation_create(group=crown, created_by=ben)
    flagged = services.membership_remove(membership=Membership.objects.get(user=ben, group=crown))
    assert flagged == 1
    invited.refresh_from_db()
    assert invited.needs_review
    pending.refresh_from_db()
    assert pending.revoked_at is not None, "a removed member's open invitations stop working"
