"""The funds ledger: posting balanced transactions, the account balances they move, and reversals.

Ledger rows are only ever inserted: a mistake is corrected with a reversing transaction. Every posting
locks the fund's account rows (`select_for_update`, in primary-key order) so that two payments racing for
the same money cannot both see the old balance (THREATS.md property 19). The services in
`funds/services.py` check their input and call `post` inside their own transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.funds.models import (
    ACCOUNT_SIGN,
    Account,
    AccountKind,
    BailStatus,
    Entry,
    Fund,
    Pledge,
    Request,
    RequestStatus,
    Transaction,
    TransactionKind,
)
from mutualaid.funds.money import format_money
from mutualaid.members.models import User


def locked_accounts(fund: Fund) -> dict[str, Account]:
    # Lock order everywhere: the transaction being reversed, then the request row (with
    # `of=("self",)`, so the joined fund row is not locked too: a FOR UPDATE on the fund deadlocks with
    # the foreign-key checks of concurrent inserts), then all four account rows in primary-key order.
    # Every writer takes the same locks in the same order, so postings to one fund queue, never deadlock.
    accounts = Account.objects.select_for_update().filter(fund=fund).order_by("pk")
    return {a.kind: a for a in accounts}


def post(
    *,
    fund: Fund,
    kind: str,
    lines: Sequence[tuple[str, int]],
    posted_by: User | None,
    category: str = "",
    method: str = "",
    reference: str = "",
    contributor: str = "",
    occurred_on: datetime.date | None = None,
    reverses: Transaction | None = None,
    request: Request | None = None,
    pledge: Pledge | None = None,
    reason: str = "",
) -> Transaction:
    """Post one balanced transaction. Must run inside the caller's atomic block; checks before it writes."""
    if sum(amount for _kind, amount in lines) != 0 or any(amount == 0 for _kind, amount in lines):
        raise ValueError("unbalanced or empty ledger lines")  # a programming error, never user input
    accounts = locked_accounts(fund)
    # Read the fund's rules again now that its accounts are locked: a coordinator who just turned
    # overdrafts off must be obeyed by a payment that started a moment earlier.
    fund = Fund.objects.get(pk=fund.pk)
    moves: dict[str, int] = {}
    for account_kind, amount in lines:
        moves[account_kind] = moves.get(account_kind, 0) + amount
    for account_kind, delta in moves.items():
        account = accounts[account_kind]
        after = (account.balance + delta) * ACCOUNT_SIGN[AccountKind(account_kind)]
        if after >= 0 or (account_kind == AccountKind.BALANCE and fund.allow_overdraft):
            continue
        if account_kind == AccountKind.BALANCE:
            raise ValidationError(
                {
                    "amount": _("The fund holds %(balance)s; it cannot pay out %(amount)s.")
                    % {
                        "balance": format_money(account.balance, fund.currency),
                        "amount": format_money(-delta, fund.currency),
                    }
                }
            )
        raise ValidationError(
            _("This would leave the %(account)s account below zero.")
            % {"account": account.get_kind_display()}
        )
    amount = sum(a for _k, a in lines if a > 0)
    record = Transaction.objects.create(
        fund=fund,
        kind=kind,
        category=category,
        currency=fund.currency,
        amount=amount,
        method=method,
        reference=reference,
        contributor=contributor,
        occurred_on=occurred_on or timezone.localdate(),
        posted_by=posted_by,
        reverses=reverses,
        request=request,
        pledge=pledge,
        reason=reason,
    )
    Entry.objects.bulk_create([Entry(transaction=record, account=accounts[k], amount=a) for k, a in lines])
    for account_kind, delta in moves.items():
        account = accounts[account_kind]
        account.balance += delta
        account.save(update_fields=["balance"])
    return record


REASON_MAX = 500  # characters of a reversal's reason

_REVERSIBLE_KINDS = {TransactionKind.CONTRIBUTION, TransactionKind.DISBURSEMENT, TransactionKind.BAIL_POSTED}


@transaction.atomic
def transaction_reverse(*, record: Transaction, reversed_by: User, reason: str) -> Transaction:
    """Correct a mistake: post the mirror image of `record`. The original stays, marked as reversed;
    the reason (required) is kept, encrypted, on the correcting transaction."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this transaction is reversed.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    record = Transaction.objects.select_for_update().get(pk=record.pk)
    if record.kind == TransactionKind.REVERSAL:
        raise ValidationError(
            _("A correction cannot itself be reversed; record the right transaction instead.")
        )
    if Transaction.objects.filter(reverses=record).exists():
        raise ValidationError(_("This transaction was already reversed."))
    if record.kind not in _REVERSIBLE_KINDS:
        raise ValidationError(_("Bail that came back or was forfeited cannot be reversed."))
    request = None
    if record.request_id is not None:
        request = Request.objects.select_for_update().get(pk=record.request_id)
        if record.kind == TransactionKind.BAIL_POSTED and request.bail_status != BailStatus.OUT:
            raise ValidationError(_("Bail that came back or was forfeited cannot be reversed."))
    lines = [(e.account.kind, -e.amount) for e in record.entries.select_related("account").order_by("pk")]
    reversal = post(
        fund=record.fund,
        kind=TransactionKind.REVERSAL,
        lines=lines,
        posted_by=reversed_by,
        category=record.category,
        method=record.method,
        reverses=record,
        request=request,
        reason=reason,
    )
    if request is not None:
        # The payment is undone; the decision stands, so the request can be paid again correctly.
        request.status = RequestStatus.APPROVED
        request.bail_status = BailStatus.NONE
        request.closed_at = None
        request.save(update_fields=["status", "bail_status", "closed_at"])
    return reversal
