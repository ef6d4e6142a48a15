"""Requests and the approval rule: who may approve, how many, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.funds import services
from mutualaid.funds.models import Approval, Request, Transaction
from mutualaid.members.models import Membership
from tests.conftest import make_user
from tests.funds.conftest import approved, fill


def _ask(fund: Any, asker: Any, amount: int, **extra: Any) -> Any:
    return services.request_create(
        fund=fund, requested_by=asker, amount=amount, currency=fund.currency, purpose="rent", **extra
    )


def test_small_request_needs_one_coordinator(bail_fund: Any, ada: Any, ben: Any) -> None:
    ask = _ask(bail_fund, ben, 50_00)
    ask = services.request_approve(request=ask, voter=ada)
    assert ask.status == "approved" and ask.decided_at is not None


def test_large_request_needs_two_coordinators(bail_fund: Any, ada: Any, ida: Any, ben: Any) -> None:
    ask = _ask(bail_fund, ben, 50_01)
    assert services.request_approve(request=ask, voter=ada).status == "open"
    assert services.request_approve(request=ask, voter=ida).status == "approved"
    assert list(Approval.objects.filter(request=ask).values_list("voter__username", "as_coordinator")) == [
        ("ada", True),
        ("ida", True),
    ]


def test_members_may_approve_when_the_fund_allows(crown: Any, ada: Any, ben: Any) -> None:
    fund = services.fund_create(
        group=crown, name="Medical", kind="medical", coordinator_approvals=2, member_approvals=3
    )
    others = []
    for name in ("gus", "hal", "ivy"):
        user = make_user(name)
        Membership.objects.create(user=user, group=crown)
        others.append(user)
    ask = _ask(fund, ben, 200_00)
    for voter in others[:2]:
        assert services.request_approve(request=ask, voter=voter).status == "open"
    assert services.request_approve(request=ask, voter=others[2]).status == "approved"


def test_members_do_not_approve_when_the_fund_does_not_allow(rent_fund: Any, ada: Any, ben: Any) -> None:
    other = make_user("gus")
    Membership.objects.create(user=other, group=rent_fund.group)
    ask = _ask(rent_fund, ben, 10_00)
    with pytest.raises(ValidationError) as caught:
        services.request_approve(request=ask, voter=other)
    assert caught.value.messages == ["Only coordinators approve requests from this fund."]
    assert not Approval.objects.exists()


def test_nobody_approves_their_own_request(bail_fund: Any, ada: Any) -> None:
    ask = _ask(bail_fund, ada, 10_00)
    with pytest.raises(ValidationError) as caught:
        services.request_approve(request=ask, voter=ada)
    assert caught.value.messages == ["Nobody approves their own request."]
    assert not Approval.objects.exists()
    assert Request.objects.get(pk=ask.pk).status == "open"


def test_approving_twice_is_refused(bail_fund: Any, ada: Any, ben: Any) -> None:
    ask = _ask(bail_fund, ben, 100_00)
    services.request_approve(request=ask, voter=ada)
    with pytest.raises(ValidationError) as caught:
        services.request_approve(request=ask, voter=ada)
    assert caught.value.messages == ["You already approved this request."]
    assert Approval.objects.count() == 1


def test_outsiders_cannot_approve(bail_fund: Any, ben: Any, dee: Any) -> None:
    ask = _ask(bail_fund, ben, 10_00)
    with pytest.raises(ValidationError) as caught:
        services.request_approve(request=ask, voter=dee)
    assert caught.value.messages == ["Only members of the group approve its requests."]


def test_approving_a_decided_request_is_refused(bail_fund: Any, ada: Any, ida: Any, ben: Any) -> None:
    ask = _ask(bail_fund, ben, 10_00)
    services.request_decline(request=ask, declined_by=ada)
    with pytest.raises(ValidationError) as caught:
        services.request_approve(request=ask, voter=ida)
    assert caught.value.messages == ["This request is no longer waiting for approval."]


def test_an_open_request_cannot_be_paid(bail_fund: Any, ada: Any, ben: Any) -> None:
    fill(bail_fund, 100_00, ada)
    ask = _ask(bail_fund, ben, 60_00)
    with pytest.raises(ValidationError) as caught:
        services.request_pay(request=ask, paid_by=ada, method="cash")
    assert caught.value.messages == ["Only an approved request can be paid."]
    assert Transaction.objects.filter(kind="disbursement").count() == 0


def test_paying_more_than_the_balance_is_refused_and_nothing_is_written(
    rent_fund: Any, ada: Any, ida: Any, ben: Any
) -> None:
    fill(rent_fund, 100_00, ada)
    ask = approved(rent_fund, amount=100_01, asker=ben, voters=[ada, ida])
    before = Transaction.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.request_pay(request=ask, paid_by=ada, method="cash")
    assert caught.value.message_dict == {
        "amount": ["The fund holds 100.00 USD; it cannot pay out 100.01 USD."]
    }
    assert Transaction.objects.count() == before
    assert Request.objects.get(pk=ask.pk).status == "approved"


def test_paying_twice_is_refused(rent_fund: Any, ada: Any, ida: Any, ben: Any) -> None:
    fill(rent_fund, 100_00, ada)
    ask = approved(rent_fund, amount=10_00, asker=ben, voters=[ada, ida])
    services.request_pay(request=ask, paid_by=ada, method="cash")
    with pytest.raises(ValidationError):
        services.request_pay(request=ask, paid_by=ida, method="cash")
    assert Transaction.objects.filter(kind="disbursement").count() == 1


def test_reimbursement_is_paid_only_with_a_receipt(rent_fund: Any, ada: Any, ida: Any, ben: Any) -> None:
    from tests.funds.conftest import PNG

    fill(rent_fund, 100_00, ada)
    ask = approved(rent_fund, amount=12_00, asker=ben, voters=[ada, ida], kind="reimbursement")
    with pytest.raises(ValidationError) as caught:
        services.request_pay(request=ask, paid_by=ada, method="cash")
    assert caught.value.messages == ["A reimbursement is paid only once a receipt is attached."]
    services.receipt_add(request=ask, uploaded_by=ben, data=PNG)
    assert services.request_pay(request=ask, paid_by=ada, method="cash").kind == "disbursement"


def test_withdraw_only_by_the_requester(rent_fund: Any, ada: Any, ben: Any) -> None:
    ask = _ask(rent_fund, ben, 10_00)
    with pytest.raises(ValidationError) as caught:
        services.request_withdraw(request=ask, user=ada)
    assert caught.value.messages == ["Only the person who asked can withdraw a request."]
    assert services.request_withdraw(request=ask, user=ben).status == "withdrawn"


def test_bail_requests_only_from_a_bail_fund(rent_fund: Any, ben: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _ask(rent_fund, ben, 10_00, kind="bail")
    assert caught.value.message_dict == {"kind": ["Only a bail fund posts bail."]}


def test_purpose_and_payee_are_encrypted_in_the_database(rent_fund: Any, ben: Any) -> None:
    from django.db import connection

    ask = services.request_create(
        fund=rent_fund,
        requested_by=ben,
        amount=10_00,
        currency="USD",
        purpose="Eviction notice CANARY-PURPOSE",
        payee="Landlord CANARY-PAYEE account 123",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT purpose, payee FROM funds_request WHERE id = %s", [ask.pk])
        purpose, payee = cursor.fetchone()
    assert "CANARY" not in purpose and "CANARY" not in payee
    assert Request.objects.get(pk=ask.pk).purpose == "Eviction notice CANARY-PURPOSE"
