"""Funds in the JSON API. Writes that create money records honour an `Idempotency-Key` header."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from mutualaid.funds import access, selectors, services
from mutualaid.funds.idempotency import BadIdempotencyKey, IdempotencyConflict, run_once
from mutualaid.funds.models import AccountKind, Fund, Request, RequestKind, Transaction
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.services import access_token_authenticate

router = Router(tags=["funds"])


class _Token(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = access_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


def _anyone(request: HttpRequest) -> bool:
    return True


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


def _fund_out(fund: Fund, balances: dict[str, int], detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": fund.pk, "name": fund.name, "kind": fund.kind, "purpose": fund.purpose, "currency": fund.currency,
        "visibility": fund.visibility, "balance": balances.get(AccountKind.BALANCE, 0),
        "single_approval_limit": fund.single_approval_limit, "coordinator_approvals": fund.coordinator_approvals,
        "member_approvals": fund.member_approvals, "allow_overdraft": fund.allow_overdraft,
    }
    if detail:
        out |= {k: balances.get(k, 0) for k in (AccountKind.CONTRIBUTIONS, AccountKind.DISBURSEMENTS, AccountKind.PENDING)}
    return out


@router.get("/groups/{slug}/funds", response=list[FundOut], summary="Funds of a group you may see")
def funds_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    group, membership = get_group_for_member(request.user, slug)  # type: ignore[arg-type]
    funds = list(selectors.funds_visible(group, membership))
    balances = selectors.balances_for(funds)
    return [_fund_out(f, {AccountKind.BALANCE: balances.get(f.pk, 0)}) for f in funds]


@router.get("/groups/{slug}/funds/{fund_id}", response=FundDetailOut, summary="A fund and its account balances")
def funds_detail(request: HttpRequest, slug: str, fund_id: int) -> dict[str, Any]:
    fund, _membership = access.get_fund_for_member(request.user, slug, fund_id)  # type: ignore[arg-type]
    return _fund_out(fund, selectors.fund_balances(fund), detail=True)


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


@router.get(
    "/groups/{slug}/funds/{fund_id}/transparency", response=TransparencyOut, auth=[_Token(), _anyone],
    summary="A fund's money in and out, without names (public funds: no token needed)",
)
def funds_transparency(request: HttpRequest, slug: str, fund_id: int) -> dict[str, Any]:
    fund = access.get_fund_for_transparency(request.user, slug, fund_id)  # type: ignore[arg-type]
    report = selectors.transparency(fund)
    return {
        "fund": fund.name, "currency": fund.currency, "balance": report.balance, "pending": report.pending,
        "total_in": report.total_in, "total_out": report.total_out,
        "months": [{"month": m.month, "money_in": m.money_in, "money_out": m.money_out} for m in report.months],
        "categories": [{"label": r.label, "money_in": r.money_in, "money_out": r.money_out} for r in report.lines],
        "transactions": [{"occurred_on": t.occurred_on, "label": t.label, "amount": t.amount} for t in report.transactions],
    }


class TransactionOut(Schema):
    id: int
    kind: str
    amount: int
    currency: str
    occurred_on: datetime.date
    balance_after: int


def _transaction_out(record: Transaction) -> dict[str, Any]:
    balance = selectors.fund_balances(record.fund).get(AccountKind.BALANCE, 0)
    return {
        "id": record.pk, "kind": record.kind, "amount": record.amount, "currency": record.currency,
        "occurred_on": record.occurred_on.isoformat(), "balance_after": balance,
    }


def _once(request: HttpRequest, operation: str, payload: Any, work: Any) -> Status[Any]:
    try:
        status, body = run_once(request, operation, payload, work)
        return Status(status, body)
    except IdempotencyConflict:
        raise HttpError(409, "this Idempotency-Key was already used for a different request") from None
    except BadIdempotencyKey:
        raise HttpError(400, "the Idempotency-Key header is at most 100 characters") from None


class ContributionIn(Schema):
    amount: int
    currency: str
    method: str
    contributor: str = ""
    reference: str = ""
    occurred_on: datetime.date | None = None


@router.post(
    "/groups/{slug}/funds/{fund_id}/contributions", response={201: TransactionOut},
    summary="Record a contribution (coordinators; honours Idempotency-Key)",
)
def funds_contribution_create(request: HttpRequest, slug: str, fund_id: int, payload: ContributionIn) -> Status[Any]:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)  # type: ignore[arg-type]

    def work() -> tuple[int, Any]:
        record = services.contribution_record(
            fund=fund, amount=payload.amount, currency=payload.currency, method=payload.method,
            recorded_by=request.user, contributor=payload.contributor, reference=payload.reference,  # type: ignore[arg-type]
            occurred_on=payload.occurred_on,
        )
        return 201, _transaction_out(record)

    return _once(request, f"contribution:{fund.pk}", payload.dict(), work)


class RequestIn(Schema):
    amount: int
    currency: str
    purpose: str
    kind: str = RequestKind.GRANT
    category: str = "money"
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


def _request_out(ask: Request) -> dict[str, Any]:
    # Purpose and payee stay out of API answers: idempotent answers are stored, and they are sensitive.
    return {
        "id": ask.pk, "fund_id": ask.fund_id, "kind": ask.kind, "category": ask.category, "amount": ask.amount,
        "currency": ask.currency, "status": ask.status, "bail_status": ask.bail_status,
        "approvals": ask.approvals.count(), "created_at": ask.created_at.isoformat(),
    }


@router.get("/groups/{slug}/funds/{fund_id}/requests", response=list[RequestOut], summary="Requests to a fund you may see")
def funds_requests(request: HttpRequest, slug: str, fund_id: int) -> list[dict[str, Any]]:
    fund, membership = access.get_fund_for_member(request.user, slug, fund_id)  # type: ignore[arg-type]
    return [_request_out(r) for r in selectors.requests_visible(fund, request.user, membership)[:200]]


@router.post(
    "/groups/{slug}/funds/{fund_id}/requests", response={201: RequestOut},
    summary="Ask a fund for money (honours Idempotency-Key)",
)
def funds_request_create(request: HttpRequest, slug: str, fund_id: int, payload: RequestIn) -> Status[Any]:
    fund, _membership = access.get_fund_for_member(request.user, slug, fund_id)  # type: ignore[arg-type]

    def work() -> tuple[int, Any]:
        ask = services.request_create(
            fund=fund, requested_by=request.user, amount=payload.amount, currency=payload.currency,  # type: ignore[arg-type]
            purpose=payload.purpose, kind=payload.kind, category=payload.category, for_self=payload.for_self,
            payee=payload.payee,
        )
        return 201, _request_out(ask)

    return _once(request, f"request:{fund.pk}", payload.dict(), work)


@router.post("/groups/{slug}/fund-requests/{request_id}/approve", response=RequestOut, summary="Approve a request (open vote)")
def funds_request_approve(request: HttpRequest, slug: str, request_id: int) -> dict[str, Any]:
    ask, membership = access.get_request_for_viewer(request.user, slug, request_id)  # type: ignore[arg-type]
    if membership.is_coordinator:
        get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    return _request_out(services.request_approve(request=ask, voter=request.user))  # type: ignore[arg-type]


class PayIn(Schema):
    method: str
    reference: str = ""
    occurred_on: datetime.date | None = None


@router.post(
    "/groups/{slug}/fund-requests/{request_id}/pay", response={201: TransactionOut},
    summary="Record how an approved request was paid (coordinators; honours Idempotency-Key)",
)
def funds_request_pay(request: HttpRequest, slug: str, request_id: int, payload: PayIn) -> Status[Any]:
    ask, _membership = access.get_request_for_coordinator(request.user, slug, request_id)  # type: ignore[arg-type]

    def work() -> tuple[int, Any]:
        record = services.request_pay(
            request=ask, paid_by=request.user, method=payload.method, reference=payload.reference,  # type: ignore[arg-type]
            occurred_on=payload.occurred_on,
        )
        return 201, _transaction_out(record)

    return _once(request, f"pay:{ask.pk}", payload.dict(), work)


@router.post(
    "/groups/{slug}/funds/{fund_id}/transactions/{transaction_id}/reverse", response={201: TransactionOut},
    summary="Correct a transaction by posting its reversal (coordinators; honours Idempotency-Key)",
)
def funds_transaction_reverse(request: HttpRequest, slug: str, fund_id: int, transaction_id: int) -> Status[Any]:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)  # type: ignore[arg-type]
    record = Transaction.objects.filter(fund=fund, pk=transaction_id).first()
    if record is None:
        raise HttpError(404, "not found")

    def work() -> tuple[int, Any]:
        return 201, _transaction_out(services.transaction_reverse(record=record, reversed_by=request.user))  # type: ignore[arg-type]

    return _once(request, f"reverse:{record.pk}", {}, work)
