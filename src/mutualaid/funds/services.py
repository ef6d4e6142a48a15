"""Writes about funds: the ledger, contributions, pledges, requests, approvals, payments, receipts.

Every service checks everything before it writes anything, inside one database transaction, so a
refused operation leaves no trace. Ledger rows are only ever inserted: a mistake is corrected with a
reversing transaction. Disbursements lock the fund's account rows (`select_for_update`) so that two
payments racing for the same money cannot both see the old balance (THREATS.md property 19).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.core import decision_gates, encryption
from mutualaid.core.categories import category_codes
from mutualaid.core.dates import in_range
from mutualaid.core.field_errors import FieldErrors
from mutualaid.funds import ledger, notices
from mutualaid.funds.ledger import transaction_reverse as transaction_reverse  # kept importable from here
from mutualaid.funds.models import (
    CURRENCIES,
    MAX_AMOUNT,
    Account,
    AccountKind,
    Approval,
    BailStatus,
    Entry,
    Fund,
    FundKind,
    IdempotencyKey,
    PaymentMethod,
    Pledge,
    PledgeInterval,
    Receipt,
    Request,
    RequestKind,
    RequestStatus,
    Transaction,
    TransactionKind,
    Visibility,
)
from mutualaid.funds.money import format_money
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Role, User

RECEIPT_MAX_BYTES = 5 * 1024 * 1024
RECEIPTS_PER_REQUEST = 10
TEXT_MAX = 2000

# Receipts are recognised by their first bytes, never by the name or the type the browser claims.
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def check_amount(amount: Any, currency: str, fund: Fund) -> int:
    """The amount as a positive int in the fund's currency, or a ValidationError saying what is wrong."""
    if currency != fund.currency:
        raise ValidationError(
            {
                "currency": _("This fund keeps its money in %(fund)s, not %(given)s.")
                % {"fund": fund.currency, "given": currency or "?"}
            }
        )
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationError({"amount": _("The amount must be a whole number of minor units (cents).")})
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if amount > MAX_AMOUNT:
        raise ValidationError(
            {
                "amount": _("That amount is too large for one record (at most %(max)s).")
                % {"max": format_money(MAX_AMOUNT, currency)}
            }
        )
    return amount


def _check_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("Keep this under %(max)d characters.") % {"max": TEXT_MAX}})
    return value


# Funds ---------------------------------------------------------------------------------------------


def _rule_errors(
    *,
    name: str,
    visibility: str,
    single_approval_limit: int,
    coordinator_approvals: int,
    member_approvals: int,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (name or "").strip() or len(name.strip()) > 100:
        errors["name"] = _("Name the fund (at most 100 characters).")
    if visibility not in Visibility.values:
        errors["visibility"] = _("Choose who can see the fund.")
    if not 0 <= single_approval_limit <= MAX_AMOUNT:
        errors["single_approval_limit"] = _("The limit must be between zero and the largest amount allowed.")
    if not 1 <= coordinator_approvals <= 20:
        errors["coordinator_approvals"] = _("Between 1 and 20 coordinators must approve larger requests.")
    if not 0 <= member_approvals <= 100:
        errors["member_approvals"] = _("Between 0 and 100 members (0: members do not approve).")
    return errors


@transaction.atomic
def fund_create(
    *,
    group: Group,
    name: str,
    kind: str = FundKind.EMERGENCY,
    purpose: str = "",
    currency: str = "USD",
    visibility: str = Visibility.MEMBERS,
    single_approval_limit: int = 0,
    coordinator_approvals: int = 2,
    member_approvals: int = 0,
    allow_overdraft: bool = False,
) -> Fund:
    """A new fund with its four accounts (balance, contributions, disbursements, pending), all at zero."""
    errors = _rule_errors(
        name=name,
        visibility=visibility,
        single_approval_limit=single_approval_limit,
        coordinator_approvals=coordinator_approvals,
        member_approvals=member_approvals,
    )
    if currency not in CURRENCIES:
        errors["currency"] = _("Choose a currency from the list.")
    if kind not in FundKind.values:
        errors["kind"] = _("Choose a kind of fund from the list.")
    if errors:
        raise ValidationError(errors)
    name = name.strip()
    fund = Fund(
        group=group,
        name=name,
        kind=kind,
        purpose=_check_text(purpose, "purpose"),
        currency=currency,
        visibility=visibility,
        single_approval_limit=single_approval_limit,
        coordinator_approvals=coordinator_approvals,
        member_approvals=member_approvals,
        allow_overdraft=allow_overdraft,
    )
    fund.full_clean()
    fund.save()
    Account.objects.bulk_create([Account(fund=fund, kind=k, currency=currency) for k in AccountKind])
    return fund


@transaction.atomic
def fund_update(
    *,
    fund: Fund,
    name: str,
    purpose: str,
    visibility: str,
    single_approval_limit: int,
    coordinator_approvals: int,
    member_approvals: int,
    allow_overdraft: bool,
    decided: bool = False,
) -> Fund:
    """Change a fund's name, purpose, visibility or approval rule. Kind and currency stay: the ledger
    is kept in that currency. Open requests that the new rule already approves become approved.

    A group may require a passed proposal to change the approval rule (core.decision_gates): then only
    the decisions app, applying a passed proposal (`decided=True`), changes those numbers."""
    rule = (single_approval_limit, coordinator_approvals, member_approvals)
    if rule != (fund.single_approval_limit, fund.coordinator_approvals, fund.member_approvals):
        decision_gates.ensure_allowed(fund.group, decision_gates.FUND_RULE, decided=decided)
    errors = _rule_errors(
        name=name,
        visibility=visibility,
        single_approval_limit=single_approval_limit,
        coordinator_approvals=coordinator_approvals,
        member_approvals=member_approvals,
    )
    if errors:
        raise ValidationError(errors)
    # NO KEY UPDATE: payments inserting ledger rows (a foreign-key share lock on the fund) do not wait.
    fund = Fund.objects.select_for_update(no_key=True).get(pk=fund.pk)
    fund.name, fund.purpose, fund.visibility = name.strip(), _check_text(purpose, "purpose"), visibility
    fund.single_approval_limit, fund.coordinator_approvals = single_approval_limit, coordinator_approvals
    fund.member_approvals, fund.allow_overdraft = member_approvals, allow_overdraft
    fund.full_clean()
    fund.save()
    for request in Request.objects.select_for_update(of=("self",)).filter(
        fund=fund, status=RequestStatus.OPEN
    ):
        request.fund = fund
        if rule_met(request):
            request.status = RequestStatus.APPROVED
            request.decided_at = timezone.now()
            request.save(update_fields=["status", "decided_at"])
            notices.request_decided(request, "fund_request_approved")
    return fund


def _check_method(method: str) -> str:
    if method not in PaymentMethod.values:
        raise ValidationError(
            {"method": _("Say how the money moved: cash, bank, payment app, cheque or other.")}
        )
    return method


def _check_day(day: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise ValidationError({"occurred_on": _("The day cannot be in the future.")})
    if day < today - datetime.timedelta(days=366 * 5):
        raise ValidationError({"occurred_on": _("The day is more than five years ago.")})
    return day


@transaction.atomic
def contribution_record(
    *,
    fund: Fund,
    amount: int,
    currency: str,
    method: str,
    recorded_by: User,
    reference: str = "",
    contributor: str = "",
    occurred_on: datetime.date | None = None,
    pledge: Pledge | None = None,
    found: FieldErrors | None = None,
) -> Transaction:
    """Money came into the fund (cash, bank, payment app). An empty contributor means anonymous.
    ``found``: what the caller already found wrong (an unknown pledge id), named with the rest."""
    found = found or FieldErrors()  # every wrong field named at once
    with found.check():
        check_amount(amount, currency, fund)
    with found.check():
        _check_method(method)
    with found.check():
        day = _check_day(occurred_on)
    if pledge is not None and pledge.fund_id != fund.pk:
        found.add(ValidationError({"pledge": _("That pledge belongs to another fund.")}))
    with found.check():
        reference = _check_text(reference, "reference")
    with found.check():
        contributor = _check_text(contributor, "contributor")
    found.raise_any()
    record = ledger.post(
        fund=fund,
        kind=TransactionKind.CONTRIBUTION,
        lines=[(AccountKind.BALANCE, amount), (AccountKind.CONTRIBUTIONS, -amount)],
        posted_by=recorded_by,
        method=method,
        reference=reference,
        contributor=contributor,
        occurred_on=day,
        pledge=pledge,
    )
    if pledge is not None:
        # Locked and re-read: two gifts recorded at once against one pledge move it twice, not once.
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        pledge.next_due = pledge_next_due(pledge.next_due, pledge.interval)
        pledge.save(update_fields=["next_due"])
    return record


# Pledges -------------------------------------------------------------------------------------------


def pledge_next_due(day: datetime.date, interval: str) -> datetime.date:
    if interval == PledgeInterval.WEEKLY:
        return day + datetime.timedelta(days=7)
    months = 3 if interval == PledgeInterval.QUARTERLY else 1
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    # The 31st becomes the last day of a shorter month.
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def pledge_create(
    *,
    fund: Fund,
    amount: int,
    currency: str,
    interval: str,
    next_due: datetime.date,
    created_by: User,
    contributor: str = "",
) -> Pledge:
    """A recurring promise to give. Tracked only: the fund page lists pledges that are due."""
    found = FieldErrors()  # every wrong field named at once
    with found.check():
        check_amount(amount, currency, fund)
    if interval not in PledgeInterval.values:
        found.add(ValidationError({"interval": _("Choose how often from the list.")}))
    if not in_range(next_due):
        found.add(ValidationError({"next_due": _("Give a day between the years 1900 and 2200.")}))
    with found.check():
        contributor = _check_text(contributor, "contributor")
    found.raise_any()
    return Pledge.objects.create(
        fund=fund,
        amount=amount,
        interval=interval,
        next_due=next_due,
        created_by=created_by,
        contributor=contributor,
    )


@transaction.atomic
def pledge_stop(*, pledge: Pledge) -> Pledge:
    pledge.active = False
    pledge.save(update_fields=["active"])
    return pledge


# Requests and approvals ----------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    fund: Fund,
    requested_by: User,
    amount: int,
    currency: str,
    purpose: str,
    kind: str = RequestKind.GRANT,
    category: str = "money",
    for_self: bool = True,
    payee: str = "",
) -> Request:
    """A member asks the fund for money. Purpose and payee are encrypted; receipts are added separately."""
    found = FieldErrors()  # every wrong field named at once
    with found.check():
        check_amount(amount, currency, fund)
    if kind not in RequestKind.values:
        found.add(ValidationError({"kind": _("Choose what the money is for from the list.")}))
    elif kind == RequestKind.BAIL and fund.kind != FundKind.BAIL:
        found.add(ValidationError({"kind": _("Only a bail fund posts bail.")}))
    if category not in category_codes():
        found.add(ValidationError({"category": _("Choose a category from the list.")}))
    with found.check():
        purpose = _check_text(purpose, "purpose")
        if not purpose:
            raise ValidationError({"purpose": _("Say briefly what the money is for.")})
    with found.check():
        payee = _check_text(payee, "payee")
    found.raise_any()
    request = Request(
        fund=fund,
        requested_by=requested_by,
        amount=amount,
        currency=currency,
        kind=kind,
        category=category,
        for_self=for_self,
        purpose=purpose,
        payee=payee,
    )
    request.save()
    notices.approval_needed(request)
    return request


def approval_counts(request: Request) -> tuple[int, int]:
    """(coordinator approvals, all approvals) so far."""
    votes = list(request.approvals.values_list("as_coordinator", flat=True))
    return sum(1 for v in votes if v), len(votes)


def rule_met(request: Request) -> bool:
    coordinators_needed, members_needed = request.fund.approvals_needed(request.amount)
    coordinators, everyone = approval_counts(request)
    return coordinators >= coordinators_needed or (members_needed > 0 and everyone >= members_needed)


@transaction.atomic
def request_approve(*, request: Request, voter: User) -> Request:
    """Record `voter`'s open approval. When the fund's rule is met the request becomes approved."""
    request = Request.objects.select_for_update(of=("self",)).get(pk=request.pk)
    # The fund is read after the request's lock is held, in its own statement, so a rule changed by a
    # coordinator while we waited is the rule applied (fund_update re-checks the requests it locks).
    request.fund = Fund.objects.get(pk=request.fund_id)
    membership = Membership.objects.filter(user=voter, group_id=request.fund.group_id).first()
    if membership is None:
        raise ValidationError(_("Only members of the group approve its requests."))
    if request.requested_by_id == voter.pk:
        raise ValidationError(_("Nobody approves their own request."))
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("This request is no longer waiting for approval."))
    is_coordinator = membership.role == Role.COORDINATOR
    if not is_coordinator and not request.fund.members_may_approve():
        raise ValidationError(_("Only coordinators approve requests from this fund."))
    if Approval.objects.filter(request=request, voter=voter).exists():
        raise ValidationError(_("You already approved this request."))
    Approval.objects.create(request=request, voter=voter, as_coordinator=is_coordinator)
    if rule_met(request):
        request.status = RequestStatus.APPROVED
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        notices.request_decided(request, "fund_request_approved")
    return request


@transaction.atomic
def request_decline(*, request: Request, declined_by: User) -> Request:
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.status not in (RequestStatus.OPEN, RequestStatus.APPROVED):
        raise ValidationError(_("Only an open or approved request can be declined."))
    request.status = RequestStatus.DECLINED
    request.decided_at = request.closed_at = timezone.now()
    request.decided_by = declined_by
    request.save(update_fields=["status", "decided_at", "decided_by", "closed_at"])
    notices.request_decided(request, "fund_request_declined")
    return request


@transaction.atomic
def request_withdraw(*, request: Request, user: User) -> Request:
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.requested_by_id != user.pk:
        raise ValidationError(_("Only the person who asked can withdraw a request."))
    if request.status not in (RequestStatus.OPEN, RequestStatus.APPROVED):
        raise ValidationError(_("Only an open or approved request can be withdrawn."))
    request.status = RequestStatus.WITHDRAWN
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    return request


@transaction.atomic
def request_pay(
    *,
    request: Request,
    paid_by: User,
    method: str,
    reference: str = "",
    occurred_on: datetime.date | None = None,
) -> Transaction:
    """Record that an approved request was paid, and how. Bail goes to 'pending' until it comes back."""
    request = Request.objects.select_for_update(of=("self",)).select_related("fund").get(pk=request.pk)
    if request.status != RequestStatus.APPROVED:
        raise ValidationError(_("Only an approved request can be paid."))
    _check_method(method)
    day = _check_day(occurred_on)
    if request.kind == RequestKind.REIMBURSEMENT and not request.receipts.exists():
        raise ValidationError(_("A reimbursement is paid only once a receipt is attached."))
    fund = request.fund
    if request.kind == RequestKind.BAIL:
        kind, target = TransactionKind.BAIL_POSTED, AccountKind.PENDING
    else:
        kind, target = TransactionKind.DISBURSEMENT, AccountKind.DISBURSEMENTS
    record = ledger.post(
        fund=fund,
        kind=kind,
        lines=[(target, request.amount), (AccountKind.BALANCE, -request.amount)],
        posted_by=paid_by,
        category=request.category,
        method=method,
        reference=_check_text(reference, "reference"),
        occurred_on=day,
        request=request,
    )
    request.status = RequestStatus.PAID
    request.decided_by = paid_by
    request.bail_status = BailStatus.OUT if request.kind == RequestKind.BAIL else BailStatus.NONE
    # Bail stays open until it comes back: its details are needed to claim it from the court.
    request.closed_at = None if request.kind == RequestKind.BAIL else timezone.now()
    request.save(update_fields=["status", "decided_by", "bail_status", "closed_at"])
    notices.request_decided(request, "fund_request_paid")
    return record


def bail_outstanding(request: Request) -> int:
    """How much of this request's bail is still at the court: its entries on the fund's pending account."""
    total = Entry.objects.filter(transaction__request=request, account__kind=AccountKind.PENDING).aggregate(
        total=Sum("amount")
    )["total"]
    return int(total or 0)


@transaction.atomic
def bail_settle(
    *,
    request: Request,
    returned: int,
    recorded_by: User,
    forfeit_rest: bool = False,
    method: str = PaymentMethod.CHECK,
    occurred_on: datetime.date | None = None,
) -> list[Transaction]:
    """Bail came back to the fund (all or part); what the court kept can be written off as forfeited."""
    request = Request.objects.select_for_update(of=("self",)).select_related("fund").get(pk=request.pk)
    if request.kind != RequestKind.BAIL or request.bail_status != BailStatus.OUT:
        raise ValidationError(_("Only bail that is at the court can come back."))
    fund = request.fund
    outstanding = bail_outstanding(request)
    if isinstance(returned, bool) or not isinstance(returned, int) or returned < 0:
        raise ValidationError({"amount": _("The amount must be zero or more.")})
    if returned > outstanding:
        raise ValidationError(
            {
                "amount": _("More than the bail posted cannot come back (%(out)s is at the court).")
                % {"out": format_money(outstanding, fund.currency)}
            }
        )
    if returned == 0 and not forfeit_rest:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    _check_method(method)
    day = _check_day(occurred_on)
    records = []
    if returned:
        records.append(
            ledger.post(
                fund=fund,
                kind=TransactionKind.BAIL_RETURNED,
                lines=[(AccountKind.BALANCE, returned), (AccountKind.PENDING, -returned)],
                posted_by=recorded_by,
                category=request.category,
                method=method,
                occurred_on=day,
                request=request,
            )
        )
    rest = outstanding - returned
    if forfeit_rest and rest:
        records.append(
            ledger.post(
                fund=fund,
                kind=TransactionKind.BAIL_FORFEITED,
                lines=[(AccountKind.DISBURSEMENTS, rest), (AccountKind.PENDING, -rest)],
                posted_by=recorded_by,
                category=request.category,
                occurred_on=day,
                request=request,
            )
        )
    if forfeit_rest and rest:
        request.bail_status = BailStatus.FORFEITED
    elif returned == outstanding:
        request.bail_status = BailStatus.RETURNED
    if request.bail_status != BailStatus.OUT:
        request.closed_at = timezone.now()
    request.save(update_fields=["bail_status", "closed_at"])
    return records


# Receipts ------------------------------------------------------------------------------------------


def receipt_type(data: bytes) -> str | None:
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


@transaction.atomic
def receipt_add(*, request: Request, uploaded_by: User, data: bytes) -> Receipt:
    """Seal a receipt (JPEG, PNG or PDF, at most 5 MB) with the key ring and attach it to the request."""
    if not data:
        raise ValidationError({"receipt": _("The file is empty.")})
    if len(data) > RECEIPT_MAX_BYTES:
        raise ValidationError({"receipt": _("A receipt can be at most 5 MB.")})
    content_type = receipt_type(data)
    if content_type is None:
        raise ValidationError({"receipt": _("A receipt must be a JPEG, PNG or PDF file.")})
    if request.receipts.count() >= RECEIPTS_PER_REQUEST:
        raise ValidationError({"receipt": _("A request can have at most 10 receipts.")})
    receipt = Receipt(request=request, uploaded_by=uploaded_by, content_type=content_type, size=len(data))
    receipt.sealed = encryption.encrypt_bytes(data, context=receipt.context())
    receipt.save()
    return receipt


@transaction.atomic
def requests_purge(*, now: datetime.datetime | None = None) -> int:
    """Forget who asked, who voted, why and whom to pay, for requests settled more than the retention
    period ago (THREATS.md property 4). Amounts, categories and the ledger stay, so the fund still adds
    up and the transparency page is unchanged. Idempotency keys older than a week go too (a client
    retries within minutes, not weeks).
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.MUTUALAID_RETENTION_DAYS)
    ids = list(Request.objects.filter(closed_at__lt=cutoff, purged=False).values_list("pk", flat=True))
    Receipt.objects.filter(request_id__in=ids).delete()
    Approval.objects.filter(request_id__in=ids).delete()
    Request.objects.filter(pk__in=ids).update(
        purpose="", payee="", requested_by=None, decided_by=None, purged=True
    )
    IdempotencyKey.objects.filter(created_at__lt=now - datetime.timedelta(days=7)).delete()
    return len(ids)


def receipt_open(receipt: Receipt) -> bytes | None:
    return encryption.decrypt_bytes(bytes(receipt.sealed), context=receipt.context())
