"""The shapes of the funds API: what its operations accept and return (the endpoints are in funds/api.py)."""

from __future__ import annotations

import datetime

from ninja import Schema

from mutualaid.core.api_types import DbId
from mutualaid.funds.models import (
    FundKind,
    PledgeInterval,
    Visibility,
)


class FundOut(Schema):
    id: int
    name: str
    kind: str
    purpose: str
    currency: str
    visibility: str
    balance: int
    single_approval_limit: int
    coordinator_approvals: int
    member_approvals: int
    allow_overdraft: bool


class FundDetailOut(FundOut):
    contributions: int
    disbursements: int
    pending: int


class FundIn(Schema):
    name: str
    kind: str = FundKind.EMERGENCY
    purpose: str = ""
    currency: str = "USD"
    visibility: str = Visibility.MEMBERS
    single_approval_limit: int = 0
    coordinator_approvals: int = 2
    member_approvals: int = 0
    allow_overdraft: bool = False


class FundChangeIn(Schema):
    """Only the fields sent change. Kind and currency stay: the ledger is kept in that currency."""

    name: str | None = None
    purpose: str | None = None
    visibility: str | None = None
    single_approval_limit: int | None = None
    coordinator_approvals: int | None = None
    member_approvals: int | None = None
    allow_overdraft: bool | None = None


class PublicFundOut(Schema):
    id: int
    name: str
    kind: str
    purpose: str
    currency: str
    balance: int


class MonthOut(Schema):
    month: datetime.date
    money_in: int
    money_out: int


class LineOut(Schema):
    label: str
    money_in: int
    money_out: int


class PublicTransactionOut(Schema):
    occurred_on: datetime.date
    label: str
    amount: int


class TransparencyOut(Schema):
    fund: str
    currency: str
    balance: int
    pending: int
    total_in: int
    total_out: int
    months: list[MonthOut]
    categories: list[LineOut]
    transactions: list[PublicTransactionOut]


class TransactionOut(Schema):
    id: int
    kind: str
    amount: int
    currency: str
    occurred_on: datetime.date
    balance_after: int


class ContributionIn(Schema):
    amount: int
    currency: str
    method: str
    contributor: str = ""
    reference: str = ""
    occurred_on: datetime.date | None = None
    pledge_id: DbId | None = None


class RequestIn(Schema):
    amount: int
    currency: str
    purpose: str
    kind: str = ""  # empty: what the fund's kind suggests (bail for a bail fund, housing for rent)
    category: str = ""
    for_self: bool = True
    payee: str = ""


class RequestOut(Schema):
    id: int
    fund_id: int
    kind: str
    category: str
    amount: int
    currency: str
    status: str
    bail_status: str
    approvals: int
    created_at: datetime.datetime


class PayIn(Schema):
    method: str
    reference: str = ""
    occurred_on: datetime.date | None = None


class EntryOut(Schema):
    account: str
    amount: int


class LedgerTransactionOut(Schema):
    id: int
    occurred_on: datetime.date
    posted_at: datetime.datetime
    kind: str
    category: str
    method: str
    amount: int
    currency: str
    reverses: int | None
    reversed_by: int | None
    request_id: int | None
    entries: list[EntryOut]


class PledgeIn(Schema):
    amount: int
    currency: str
    interval: str = PledgeInterval.MONTHLY
    next_due: datetime.date
    contributor: str = ""


class PledgeOut(Schema):
    id: int
    amount: int
    currency: str
    interval: str
    next_due: datetime.date
    active: bool
    due: bool
    contributor: str


class VoteOut(Schema):
    voter: str
    as_coordinator: bool
    at: datetime.datetime


class ReceiptOut(Schema):
    id: int
    content_type: str
    size: int
    uploaded_at: datetime.datetime


class RequestDetailOut(RequestOut):
    purpose: str
    payee: str
    for_self: bool
    requested_by: str | None
    purged: bool
    coordinator_approvals: int
    needed_coordinators: int
    needed_members: int
    votes: list[VoteOut]
    receipts: list[ReceiptOut]
    bail_outstanding: int | None


class BailIn(Schema):
    returned: int = 0
    forfeit_rest: bool = False
    method: str = "check"
    occurred_on: datetime.date | None = None


class ReverseIn(Schema):
    reason: str
