"""Funds in the JSON API. Writes that create money records honour an `Idempotency-Key` header."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from mutualaid.core.audit import record_read
from mutualaid.core.field_errors import FieldErrors
from mutualaid.funds import access, selectors, services
from mutualaid.funds.downloads import receipt_file
from mutualaid.funds.forms import read_upload
from mutualaid.funds.idempotency import BadIdempotencyKey, IdempotencyConflict, run_once
from mutualaid.funds.models import (
    AccountKind,
    Fund,
    Pledge,
    Receipt,
    Request,
    RequestKind,
    Transaction,
    request_defaults,
)
from mutualaid.funds.schemas import (
    BailIn,
    ContributionIn,
    FundChangeIn,
    FundDetailOut,
    FundIn,
    FundOut,
    LedgerTransactionOut,
    PayIn,
    PledgeIn,
    PledgeOut,
    PublicFundOut,
    ReceiptOut,
    RequestDetailOut,
    RequestIn,
    RequestOut,
    ReverseIn,
    TransactionOut,
    TransparencyOut,
    minor_units,
)
from mutualaid.funds.uploads import install_capped_upload, upload_too_big
from mutualaid.groups.access import (
    get_group_for_coordinator,
    get_group_for_member,
    get_listed_or_member_group,
)
from mutualaid.members.http import AuthenticatedHttpRequest, TokenAuth

router = Router(tags=["funds"])


def _anyone(request: HttpRequest) -> bool:
    return True


def _fund_out(fund: Fund, balances: dict[str, int], detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": fund.pk,
        "name": fund.name,
        "kind": fund.kind,
        "purpose": fund.purpose,
        "currency": fund.currency,
        "visibility": fund.visibility,
        "balance": balances.get(AccountKind.BALANCE, 0),
        "single_approval_limit": fund.single_approval_limit,
        "coordinator_approvals": fund.coordinator_approvals,
        "member_approvals": fund.member_approvals,
        "allow_overdraft": fund.allow_overdraft,
    }
    if detail:
        out |= {
            k: balances.get(k, 0)
            for k in (AccountKind.CONTRIBUTIONS, AccountKind.DISBURSEMENTS, AccountKind.PENDING)
        }
    return out


@router.get("/groups/{slug}/funds", response=list[FundOut], summary="Funds of a group you may see")
def funds_list(request: AuthenticatedHttpRequest, slug: str) -> list[dict[str, Any]]:
    group, membership = get_group_for_member(request.user, slug)
    funds = list(selectors.funds_visible(group, membership))
    balances = selectors.balances_for(funds)
    return [_fund_out(f, {AccountKind.BALANCE: balances.get(f.pk, 0)}) for f in funds]


@router.get(
    "/groups/{slug}/funds/{fund_id}", response=FundDetailOut, summary="A fund and its account balances"
)
def funds_detail(request: AuthenticatedHttpRequest, slug: str, fund_id: int) -> dict[str, Any]:
    fund, _membership = access.get_fund_for_member(request.user, slug, fund_id)
    return _fund_out(fund, selectors.fund_balances(fund), detail=True)


@router.post("/groups/{slug}/funds", response={201: FundDetailOut}, summary="Start a fund (coordinators)")
def funds_create(request: AuthenticatedHttpRequest, slug: str, payload: FundIn) -> Status[Any]:
    group, _membership = get_group_for_coordinator(request.user, slug)
    fund = services.fund_create(group=group, **payload.dict())
    return Status(201, _fund_out(fund, selectors.fund_balances(fund), detail=True))


@router.patch(
    "/groups/{slug}/funds/{fund_id}",
    response=FundDetailOut,
    summary="Change a fund's name, purpose, visibility or rule (coordinators)",
)
def funds_update(
    request: AuthenticatedHttpRequest, slug: str, fund_id: int, payload: FundChangeIn
) -> dict[str, Any]:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    changes = payload.dict(exclude_none=True)
    if "single_approval_limit" in changes:
        changes["single_approval_limit"] = minor_units(
            changes["single_approval_limit"], fund.currency, "single_approval_limit"
        )
    fields = (
        "name",
        "purpose",
        "visibility",
        "single_approval_limit",
        "coordinator_approvals",
        "member_approvals",
        "allow_overdraft",
    )
    fund = services.fund_update(fund=fund, **{f: changes.get(f, getattr(fund, f)) for f in fields})
    return _fund_out(fund, selectors.fund_balances(fund), detail=True)


@router.get(
    "/groups/{slug}/public-funds",
    response=list[PublicFundOut],
    auth=[TokenAuth(), _anyone],
    summary="A listed group's public funds, whose transparency pages anyone may read (no token needed)",
)
def funds_public_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    group = get_listed_or_member_group(request.user, slug)  # type: ignore[arg-type]
    funds = list(selectors.funds_public(group))
    balances = selectors.balances_for(funds)
    return [
        {
            "id": f.pk,
            "name": f.name,
            "kind": f.kind,
            "purpose": f.purpose,
            "currency": f.currency,
            "balance": balances.get(f.pk, 0),
        }
        for f in funds
    ]


@router.get(
    "/groups/{slug}/funds/{fund_id}/transparency",
    response=TransparencyOut,
    auth=[TokenAuth(), _anyone],
    summary="A fund's money in and out, without names (public funds: no token needed)",
)
def funds_transparency(request: HttpRequest, slug: str, fund_id: int) -> dict[str, Any]:
    fund = access.get_fund_for_transparency(request.user, slug, fund_id)  # type: ignore[arg-type]
    report = selectors.transparency(fund)
    return {
        "fund": fund.name,
        "currency": fund.currency,
        "balance": report.balance,
        "pending": report.pending,
        "total_in": report.total_in,
        "total_out": report.total_out,
        "months": [
            {"month": m.month, "money_in": m.money_in, "money_out": m.money_out} for m in report.months
        ],
        "categories": [
            {"label": r.label, "money_in": r.money_in, "money_out": r.money_out} for r in report.lines
        ],
        "transactions": [
            {"occurred_on": t.occurred_on, "label": t.label, "amount": t.amount} for t in report.transactions
        ],
    }


def _transaction_out(record: Transaction) -> dict[str, Any]:
    balance = selectors.fund_balances(record.fund).get(AccountKind.BALANCE, 0)
    return {
        "id": record.pk,
        "kind": record.kind,
        "amount": record.amount,
        "currency": record.currency,
        "occurred_on": record.occurred_on.isoformat(),
        "balance_after": balance,
    }


def _once(request: HttpRequest, operation: str, payload: Any, work: Any) -> Status[Any]:
    try:
        status, body = run_once(request, operation, payload, work)
        return Status(status, body)
    except IdempotencyConflict:
        raise HttpError(409, _("This Idempotency-Key was already used for a different request.")) from None
    except BadIdempotencyKey:
        raise HttpError(400, _("The Idempotency-Key header is at most 100 characters.")) from None


@router.post(
    "/groups/{slug}/funds/{fund_id}/contributions",
    response={201: TransactionOut},
    summary="Record a contribution (coordinators; honours Idempotency-Key)",
)
def funds_contribution_create(
    request: AuthenticatedHttpRequest, slug: str, fund_id: int, payload: ContributionIn
) -> Status[Any]:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)

    pledge = None
    found = FieldErrors()  # named with the other wrong fields, by the service
    if payload.pledge_id is not None:
        pledge = Pledge.objects.filter(fund=fund, pk=payload.pledge_id).first()
        if pledge is None:
            found.add(ValidationError({"pledge_id": _("That pledge belongs to another fund.")}))

    def work() -> tuple[int, Any]:
        record = services.contribution_record(
            fund=fund,
            amount=payload.amount,
            currency=payload.currency,
            method=payload.method,
            recorded_by=request.user,
            contributor=payload.contributor,
            reference=payload.reference,
            occurred_on=payload.occurred_on,
            pledge=pledge,
            found=found,
        )
        return 201, _transaction_out(record)

    return _once(request, f"contribution:{fund.pk}", payload.dict(), work)


def _request_out(ask: Request) -> dict[str, Any]:
    # Purpose and payee stay out of API answers: idempotent answers are stored, and they are sensitive.
    return {
        "id": ask.pk,
        "fund_id": ask.fund_id,
        "kind": ask.kind,
        "category": ask.category,
        "amount": ask.amount,
        "currency": ask.currency,
        "status": ask.status,
        "bail_status": ask.bail_status,
        "approvals": ask.approvals.count(),
        "created_at": ask.created_at.isoformat(),
    }


@router.get(
    "/groups/{slug}/funds/{fund_id}/requests",
    response=list[RequestOut],
    summary="Requests to a fund you may see",
)
def funds_requests(request: AuthenticatedHttpRequest, slug: str, fund_id: int) -> list[dict[str, Any]]:
    fund, membership = access.get_fund_for_member(request.user, slug, fund_id)
    return [_request_out(r) for r in selectors.requests_visible(fund, request.user, membership)[:200]]


@router.post(
    "/groups/{slug}/funds/{fund_id}/requests",
    response={201: RequestOut},
    summary="Ask a fund for money (honours Idempotency-Key)",
)
def funds_request_create(
    request: AuthenticatedHttpRequest, slug: str, fund_id: int, payload: RequestIn
) -> Status[Any]:
    fund, _membership = access.get_fund_for_member(request.user, slug, fund_id)

    default_kind, default_category = request_defaults(fund.kind)

    def work() -> tuple[int, Any]:
        ask = services.request_create(
            fund=fund,
            requested_by=request.user,
            amount=payload.amount,
            currency=payload.currency,
            purpose=payload.purpose,
            kind=payload.kind or default_kind,
            category=payload.category or default_category,
            for_self=payload.for_self,
            payee=payload.payee,
        )
        return 201, _request_out(ask)

    return _once(request, f"request:{fund.pk}", payload.dict(), work)


@router.post(
    "/groups/{slug}/fund-requests/{request_id}/approve",
    response=RequestOut,
    summary="Approve a request (open vote)",
)
def funds_request_approve(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> dict[str, Any]:
    ask, membership = access.get_request_for_viewer(request.user, slug, request_id)
    if membership.is_coordinator:
        get_group_for_coordinator(request.user, slug)
    return _request_out(services.request_approve(request=ask, voter=request.user))


@router.post(
    "/groups/{slug}/fund-requests/{request_id}/pay",
    response={201: TransactionOut},
    summary="Record how an approved request was paid (coordinators; honours Idempotency-Key)",
)
def funds_request_pay(
    request: AuthenticatedHttpRequest, slug: str, request_id: int, payload: PayIn
) -> Status[Any]:
    ask, _membership = access.get_request_for_coordinator(request.user, slug, request_id)

    def work() -> tuple[int, Any]:
        record = services.request_pay(
            request=ask,
            paid_by=request.user,
            method=payload.method,
            reference=payload.reference,
            occurred_on=payload.occurred_on,
        )
        return 201, _transaction_out(record)

    return _once(request, f"pay:{ask.pk}", payload.dict(), work)


@router.post(
    "/groups/{slug}/funds/{fund_id}/transactions/{transaction_id}/reverse",
    response={201: TransactionOut},
    summary="Correct a transaction by posting its reversal (coordinators; honours Idempotency-Key)",
)
def funds_transaction_reverse(
    request: AuthenticatedHttpRequest, slug: str, fund_id: int, transaction_id: int, payload: ReverseIn
) -> Status[Any]:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    record = Transaction.objects.filter(fund=fund, pk=transaction_id).first()
    if record is None:
        raise HttpError(404, "not found")

    def work() -> tuple[int, Any]:
        reversal = services.transaction_reverse(
            record=record, reversed_by=request.user, reason=payload.reason
        )
        return 201, _transaction_out(reversal)

    return _once(request, f"reverse:{record.pk}", payload.dict(), work)


# Everything a person can do on the fund pages can be done here too (API parity). -----------------


@router.get(
    "/groups/{slug}/funds/{fund_id}/ledger",
    response=list[LedgerTransactionOut],
    summary="The fund's ledger, newest first, with each transaction's entries (coordinators; no names or references)",
)
def funds_ledger(
    request: AuthenticatedHttpRequest, slug: str, fund_id: int, limit: int = 200, offset: int = 0
) -> list[dict[str, Any]]:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    if not 1 <= limit <= 1000 or not 0 <= offset <= 10**9:
        raise ValidationError({"limit": _("Ask for 1 to 1000 transactions from an offset of zero or more.")})
    records = (
        Transaction.objects.filter(fund=fund)
        .prefetch_related("entries__account", "reversed_by")
        .order_by("-occurred_on", "-pk")[offset : offset + limit]
    )
    out = []
    for record in records:
        try:
            reversed_by: int | None = record.reversed_by.pk
        except Transaction.DoesNotExist:
            reversed_by = None
        out.append(
            {
                "id": record.pk,
                "occurred_on": record.occurred_on,
                "posted_at": record.posted_at,
                "kind": record.kind,
                "category": record.category,
                "method": record.method,
                "amount": record.amount,
                "currency": record.currency,
                "reverses": record.reverses_id,
                "reversed_by": reversed_by,
                "request_id": record.request_id,
                "entries": [{"account": e.account.kind, "amount": e.amount} for e in record.entries.all()],
            }
        )
    return out


def _pledge_out(pledge: Pledge, currency: str, due_ids: set[int]) -> dict[str, Any]:
    return {
        "id": pledge.pk,
        "amount": pledge.amount,
        "currency": currency,
        "interval": pledge.interval,
        "next_due": pledge.next_due,
        "active": pledge.active,
        "due": pledge.pk in due_ids,
        "contributor": pledge.contributor,
    }


@router.get(
    "/groups/{slug}/funds/{fund_id}/pledges",
    response=list[PledgeOut],
    summary="The fund's pledges; `due` marks those due within a week or overdue (coordinators)",
)
def funds_pledges(request: AuthenticatedHttpRequest, slug: str, fund_id: int) -> list[dict[str, Any]]:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    due = set(selectors.pledges_due(fund).values_list("pk", flat=True))
    return [
        _pledge_out(p, fund.currency, due)
        for p in Pledge.objects.filter(fund=fund).order_by("-active", "next_due", "pk")
    ]


@router.post(
    "/groups/{slug}/funds/{fund_id}/pledges",
    response={201: PledgeOut},
    summary="Record a recurring pledge (coordinators)",
)
def funds_pledge_create(
    request: AuthenticatedHttpRequest, slug: str, fund_id: int, payload: PledgeIn
) -> Status[Any]:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    pledge = services.pledge_create(
        fund=fund,
        amount=payload.amount,
        currency=payload.currency,
        interval=payload.interval,
        next_due=payload.next_due,
        contributor=payload.contributor,
        created_by=request.user,
    )
    due = set(selectors.pledges_due(fund).values_list("pk", flat=True))
    return Status(201, _pledge_out(pledge, fund.currency, due))


@router.post(
    "/groups/{slug}/funds/{fund_id}/pledges/{pledge_id}/stop",
    response=PledgeOut,
    summary="Stop a pledge (coordinators)",
)
def funds_pledge_stop(
    request: AuthenticatedHttpRequest, slug: str, fund_id: int, pledge_id: int
) -> dict[str, Any]:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    pledge = Pledge.objects.filter(fund=fund, pk=pledge_id).first()
    if pledge is None:
        raise HttpError(404, "not found")
    return _pledge_out(services.pledge_stop(pledge=pledge), fund.currency, set())


def _receipt_out(receipt: Receipt) -> dict[str, Any]:
    return {
        "id": receipt.pk,
        "content_type": receipt.content_type,
        "size": receipt.size,
        "uploaded_at": receipt.uploaded_at,
    }


@router.get(
    "/groups/{slug}/fund-requests/{request_id}",
    response=RequestDetailOut,
    summary="One request with its purpose, payee, votes and receipts (the read is audited)",
)
def funds_request_detail(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> dict[str, Any]:
    ask, _membership = access.get_request_for_viewer(request.user, slug, request_id)
    record_read(reader=request.user, subject=ask, fields=["purpose", "payee"], group_id=ask.fund.group_id)
    coordinators, _everyone = services.approval_counts(ask)
    needed_coordinators, needed_members = ask.fund.approvals_needed(ask.amount)
    return _request_out(ask) | {
        "purpose": ask.purpose or "",
        "payee": ask.payee or "",
        "for_self": ask.for_self,
        "requested_by": ask.requested_by.display_name if ask.requested_by else None,
        "purged": ask.purged,
        "coordinator_approvals": coordinators,
        "needed_coordinators": needed_coordinators,
        "needed_members": needed_members,
        "votes": [
            {"voter": v.voter.display_name, "as_coordinator": v.as_coordinator, "at": v.at}
            for v in ask.approvals.select_related("voter")
        ],
        "receipts": [
            _receipt_out(r)
            for r in ask.receipts.only("pk", "content_type", "size", "uploaded_at").order_by("pk")
        ],
        "bail_outstanding": services.bail_outstanding(ask) if ask.kind == RequestKind.BAIL else None,
    }


@router.post(
    "/groups/{slug}/fund-requests/{request_id}/decline",
    response=RequestOut,
    summary="Decline a request (coordinators)",
)
def funds_request_decline(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> dict[str, Any]:
    ask, _membership = access.get_request_for_coordinator(request.user, slug, request_id)
    return _request_out(services.request_decline(request=ask, declined_by=request.user))


@router.post(
    "/groups/{slug}/fund-requests/{request_id}/withdraw",
    response=RequestOut,
    summary="Withdraw your own request",
)
def funds_request_withdraw(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> dict[str, Any]:
    ask = access.get_own_request(request.user, slug, request_id)
    return _request_out(services.request_withdraw(request=ask, user=request.user))


@router.post(
    "/groups/{slug}/fund-requests/{request_id}/bail",
    response={201: list[TransactionOut]},
    summary="Record bail coming back (all or part) and what the court kept (coordinators; honours Idempotency-Key)",
)
def funds_bail_settle(
    request: AuthenticatedHttpRequest, slug: str, request_id: int, payload: BailIn
) -> Status[Any]:
    ask, _membership = access.get_request_for_coordinator(request.user, slug, request_id)

    def work() -> tuple[int, Any]:
        records = services.bail_settle(
            request=ask,
            returned=minor_units(payload.returned, ask.fund.currency, "returned"),
            forfeit_rest=payload.forfeit_rest,
            method=payload.method,
            occurred_on=payload.occurred_on,
            recorded_by=request.user,
        )
        return 201, [_transaction_out(r) for r in records]

    return _once(request, f"bail:{ask.pk}", payload.dict(), work)


_RECEIPT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["receipt"],
                    "properties": {
                        "receipt": {
                            "type": "string",
                            "format": "binary",
                            "description": "JPEG, PNG or PDF, at most 5 MB",
                        }
                    },
                }
            }
        },
    }
}


@router.post(
    "/groups/{slug}/fund-requests/{request_id}/receipts",
    response={201: ReceiptOut},
    openapi_extra=_RECEIPT_BODY,
    summary="Attach a receipt (multipart field `receipt`: JPEG, PNG or PDF, at most 5 MB; stored sealed). "
    "The requester, or a coordinator",
)
def funds_receipt_add(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> Status[Any]:
    # The body is parsed here, after our handler is in place: an oversize file is dropped as it
    # streams in, never spooled to a temporary file (see funds.uploads).
    install_capped_upload(request)
    ask = access.get_request_for_receipt_upload(request.user, slug, request_id)
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise ValidationError(
            {"receipt": _("Send the receipt as multipart/form-data in the field named receipt.")}
        )
    upload = request.FILES.get("receipt")
    if upload_too_big(request, "receipt"):
        raise ValidationError({"receipt": _("A receipt can be at most 5 MB.")})
    if upload is None:
        raise ValidationError({"receipt": _("Choose a file to upload.")})
    receipt = services.receipt_add(
        request=ask,
        uploaded_by=request.user,
        data=read_upload(upload, services.RECEIPT_MAX_BYTES),
    )
    return Status(201, _receipt_out(receipt))


_RECEIPT_FILE = {
    "responses": {
        "200": {
            "description": "The receipt itself",
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in ("image/jpeg", "image/png", "application/pdf")
            },
        }
    }
}


@router.get(
    "/groups/{slug}/fund-requests/{request_id}/receipts/{receipt_id}",
    response={410: dict[str, Any]},
    openapi_extra=_RECEIPT_FILE,
    summary="Download a receipt (those who may see the request; the read is audited)",
)
def funds_receipt_download(
    request: AuthenticatedHttpRequest, slug: str, request_id: int, receipt_id: int
) -> Any:
    ask, receipt = access.get_receipt_for_viewer(request.user, slug, request_id, receipt_id)
    response = receipt_file(reader=request.user, ask=ask, receipt=receipt)
    if response is None:
        message = _("This receipt can no longer be decrypted.")
        return Status(410, {"detail": "gone", "errors": {"__all__": [message]}})
    return response
