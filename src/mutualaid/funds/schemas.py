"""The shapes of the funds API: what its operations accept and return (the endpoints are in funds/api.py)."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator

from mutualaid.core.api_types import DbId
from mutualaid.funds.models import (
    FundKind,
    PledgeInterval,
    Visibility,
)
from mutualaid.funds.money import parse_money

_AMOUNT_HOW = gettext_noop(
    'Send the amount as a whole number of cents (1250 for 12.50) or as a string such as "12.50".'
)


def amounts_in(data: Any, fields: tuple[str, ...], *, currency_in_payload: bool = True) -> Any:
    """An amount is an integer number of minor units (1250 for 12.50 USD), or a string written as people
    write it ("12.50", "12,50", "1.250,00"), read by the same rule as the forms (funds/money.py). A string
    of bare digits or a JSON float could mean either, so both are refused rather than guessed. Where the
    payload names no currency, the string stays a string here and the operation reads it in its fund's
    currency (`minor_units`): "1500" yen and "15.00" dollars are both right."""
    # django-ninja hands validators its DjangoGetter wrapper; the JSON body is the dict inside.
    if isinstance(data, DjangoGetter) and isinstance(data._obj, dict):
        data = data._obj
    if not isinstance(data, dict):
        return data
    for field in fields:
        amount = data.get(field)
        if isinstance(amount, float):
            raise ValueError(_(_AMOUNT_HOW))
        if isinstance(amount, str):
            if amount.strip().isdigit():
                raise ValueError(_(_AMOUNT_HOW))
            if not currency_in_payload:
                continue
            try:
                data = {**data, field: parse_money(amount, str(data.get("currency") or "USD"))}
            except ValidationError as exc:
                raise ValueError(" ".join(exc.messages)) from None
    return data


def minor_units(value: int | str, currency: str, field: str) -> int:
    """An amount a payload without a currency carried (see `amounts_in`), in the fund's currency. A bad
    string is refused like any other invalid field."""
    if isinstance(value, int):
        return value
    try:
        return parse_money(value, currency)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


class AmountIn(Schema):
    amount_fields: ClassVar[tuple[str, ...]] = ("amount",)
    currency_in_payload: ClassVar[bool] = True

    @model_validator(mode="before")
    @classmethod
    def _amounts(cls, data: Any) -> Any:
        return amounts_in(data, cls.amount_fields, currency_in_payload=cls.currency_in_payload)


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


class FundIn(AmountIn):
    amount_fields = ("single_approval_limit",)

    name: str
    kind: str = FundKind.EMERGENCY
    purpose: str = ""
    currency: str = "USD"
    visibility: str = Visibility.MEMBERS
    single_approval_limit: int = 0
    coordinator_approvals: int = 2
    member_approvals: int = 0
    allow_overdraft: bool = False


class FundChangeIn(AmountIn):
    """Only the fields sent change. Kind and currency stay: the ledger is kept in that currency."""

    amount_fields = ("single_approval_limit",)
    currency_in_payload = False

    name: str | None = None
    purpose: str | None = None
    visibility: str | None = None
    single_approval_limit: int | str | None = None
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


class ContributionIn(AmountIn):
    amount: int
    currency: str
    method: str
    contributor: str = ""
    reference: str = ""
    occurred_on: datetime.date | None = None
    pledge_id: DbId | None = None


class RequestIn(AmountIn):
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


class PledgeIn(AmountIn):
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


class BailIn(AmountIn):
    amount_fields = ("returned",)
    currency_in_payload = False

    returned: int | str = 0
    forfeit_rest: bool = False
    method: str = "check"
    occurred_on: datetime.date | None = None


class ReverseIn(Schema):
    reason: str
