"""The double-entry ledger: contributions, payments, bail, reversals, balances."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.funds import selectors, services
from mutualaid.funds.models import Entry, Request, Transaction
from tests.funds.conftest import approved, assert_ledger_consistent, fill


def test_a_new_fund_has_four_accounts_at_zero(bail_fund: Any) -> None:
    assert selectors.fund_balances(bail_fund) == {
        "balance": 0,
        "contributions": 0,
        "disbursements": 0,
        "pending": 0,
    }


def test_contribution_moves_money_into_the_balance(bail_fund: Any, ada: Any) -> None:
    record = services.contribution_record(
        fund=bail_fund,
        amount=120_00,
        currency="USD",
        method="app",
        recorded_by=ada,
        reference="venmo 1234",
        contributor="",
    )
    assert record.kind == "contribution" and record.amount == 120_00
    assert sorted(record.entries.values_list("amount", flat=True)) == [-120_00, 120_00]
    assert selectors.fund_balances(bail_fund) == {
        "balance": 120_00,
        "contributions": 120_00,
        "disbursements": 0,
        "pending": 0,
    }
    assert Transaction.objects.get(pk=record.pk).reference == "venmo 1234"
    assert_ledger_consistent(bail_fund)


def test_payment_of_a_grant_moves_money_to_disbursements(rent_fund: Any, ada: Any, ben: Any) -> None:
    fill(rent_fund, 500_00, ada)
    ask = approved(rent_fund, amount=300_00, asker=ben, voters=[ada])  # one coordinator; limit 0 -> needs 2
    assert ask.status == "open"


def test_bail_goes_out_and_comes_back(bail_fund: Any, ada: Any, ida: Any, ben: Any) -> None:
    fill(bail_fund, 1000_00, ada)
    ask = approved(bail_fund, amount=750_00, asker=ben, voters=[ada, ida], kind="bail")
    assert ask.status == "approved"
    services.request_pay(request=ask, paid_by=ada, method="check")
    ask.refresh_from_db()
    assert ask.status == "paid" and ask.bail_status == "out"
    assert selectors.fund_balances(bail_fund) == {
        "balance": 250_00,
        "contributions": 1000_00,
        "disbursements": 0,
        "pending": 750_00,
    }
    services.bail_settle(request=ask, returned=700_00, forfeit_rest=True, recorded_by=ida)
    ask.refresh_from_db()
    assert ask.bail_status == "forfeited"
    assert selectors.fund_balances(bail_fund) == {
        "balance": 950_00,
        "contributions": 1000_00,
        "disbursements": 50_00,
        "pending": 0,
    }
    assert_ledger_consistent(bail_fund)


def test_bail_returned_in_full(bail_fund: Any, ada: Any, ida: Any, ben: Any) -> None:
    fill(bail_fund, 100_00, ada)
    ask = approved(bail_fund, amount=100_00, asker=ben, voters=[ada, ida], kind="bail")
    services.request_pay(request=ask, paid_by=ada, method="cash")
    services.bail_settle(request=ask, returned=100_00, recorded_by=ada)
    ask.refresh_from_db()
    assert ask.bail_status == "returned"
    assert selectors.fund_balances(bail_fund)["balance"] == 100_00
    with pytest.raises(ValidationError) as caught:
        services.bail_settle(request=ask, returned=1, recorded_by=ada)
    assert caught.value.messages == ["Only bail that is at the court can come back."]


def test_more_bail_than_posted_cannot_come_back(bail_fund: Any, ada: Any, ida: Any, ben: Any) -> None:
    fill(bail_fund, 100_00, ada)
    ask = approved(bail_fund, amount=80_00, asker=ben, voters=[ada, ida], kind="bail")
    services.request_pay(request=ask, paid_by=ada, method="cash")
    count = Transaction.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.bail_settle(request=ask, returned=81_00, recorded_by=ada)
    assert caught.value.message_dict == {
        "amount": ["More than the bail posted cannot come back (80.00 USD is at the court)."]
    }
    assert Transaction.objects.count() == count


def test_reversal_posts_the_mirror_image_and_keeps_the_original(rent_fund: Any, ada: Any) -> None:
    record = fill(rent_fund, 40_00, ada)
    reversal = services.transaction_reverse(record=record, reversed_by=ada, reason="entered twice")
    assert reversal.kind == "reversal" and reversal.reverses_id == record.pk
    assert Transaction.objects.filter(pk=record.pk).exists()
    assert selectors.fund_balances(rent_fund) == {
        "balance": 0,
        "contributions": 0,
        "disbursements": 0,
        "pending": 0,
    }
    with pytest.raises(ValidationError) as caught:
        services.transaction_reverse(record=record, reversed_by=ada, reason="entered twice")
    assert caught.value.messages == ["This transaction was already reversed."]
    with pytest.raises(ValidationError) as caught:
        services.transaction_reverse(record=reversal, reversed_by=ada, reason="entered twice")
    assert caught.value.messages == [
        "A correction cannot itself be reversed; record the right transaction instead."
    ]
    assert_ledger_consistent(rent_fund)


def test_reversing_a_contribution_that_was_spent_is_refused(
    rent_fund: Any, ada: Any, ida: Any, ben: Any
) -> None:
    record = fill(rent_fund, 100_00, ada)
    ask = approved(rent_fund, amount=90_00, asker=ben, voters=[ada, ida])
    services.request_pay(request=ask, paid_by=ada, method="bank")
    with pytest.raises(ValidationError) as caught:
        services.transaction_reverse(record=record, reversed_by=ada, reason="entered twice")
    assert caught.value.message_dict == {
        "amount": ["The fund holds 10.00 USD; it cannot pay out 100.00 USD."]
    }


def test_reversing_a_payment_reopens_it_for_payment(rent_fund: Any, ada: Any, ida: Any, ben: Any) -> None:
    fill(rent_fund, 100_00, ada)
    ask = approved(rent_fund, amount=90_00, asker=ben, voters=[ada, ida])
    paid = services.request_pay(request=ask, paid_by=ada, method="bank")
    services.transaction_reverse(record=paid, reversed_by=ida, reason="entered twice")
    ask.refresh_from_db()
    assert ask.status == "approved"
    assert selectors.fund_balances(rent_fund)["balance"] == 100_00


def test_ledger_rows_are_never_updated_by_services(rent_fund: Any, ada: Any) -> None:
    record = fill(rent_fund, 10_00, ada)
    entries = list(Entry.objects.filter(transaction=record).values_list("pk", "amount"))
    services.transaction_reverse(record=record, reversed_by=ada, reason="entered twice")
    assert list(Entry.objects.filter(transaction=record).values_list("pk", "amount")) == entries
    assert Transaction.objects.get(pk=record.pk).amount == 10_00


def test_overdraft_allowed_only_when_the_fund_says_so(crown: Any, ada: Any, ida: Any, ben: Any) -> None:
    fund = services.fund_create(group=crown, name="Emergency", allow_overdraft=True)
    ask = approved(fund, amount=30_00, asker=ben, voters=[ada, ida])
    services.request_pay(request=ask, paid_by=ada, method="cash")
    assert selectors.fund_balances(fund)["balance"] == -30_00
    assert_ledger_consistent(fund)


def test_pledges_are_reminded_and_advance_when_fulfilled(rent_fund: Any, ada: Any) -> None:
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    pledge = services.pledge_create(
        fund=rent_fund,
        amount=25_00,
        currency="USD",
        interval="monthly",
        next_due=today,
        created_by=ada,
        contributor="Neighbour",
    )
    later = services.pledge_create(
        fund=rent_fund,
        amount=25_00,
        currency="USD",
        interval="weekly",
        next_due=today + datetime.timedelta(days=30),
        created_by=ada,
    )
    assert list(selectors.pledges_due(rent_fund)) == [pledge]
    services.contribution_record(
        fund=rent_fund, amount=25_00, currency="USD", method="app", recorded_by=ada, pledge=pledge
    )
    pledge.refresh_from_db()
    assert pledge.next_due == services.pledge_next_due(today, "monthly")
    assert later not in selectors.pledges_due(rent_fund)
    assert services.pledge_next_due(datetime.date(2026, 1, 31), "monthly") == datetime.date(2026, 2, 28)
    assert services.pledge_next_due(datetime.date(2026, 11, 30), "quarterly") == datetime.date(2027, 2, 28)


def test_paid_request_links_to_its_transaction(rent_fund: Any, ada: Any, ida: Any, ben: Any) -> None:
    fill(rent_fund, 100_00, ada)
    ask = approved(rent_fund, amount=60_00, asker=ben, voters=[ada, ida])
    record = services.request_pay(request=ask, paid_by=ida, method="app", reference="zelle 99")
    assert record.request_id == ask.pk and record.kind == "disbursement"
    assert Request.objects.get(pk=ask.pk).status == "paid"
    assert selectors.fund_balances(rent_fund) == {
        "balance": 40_00,
        "contributions": 100_00,
        "disbursements": 60_00,
        "pending": 0,
    }
