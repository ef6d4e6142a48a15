"""Pooled funds: a double-entry ledger per fund, disbursement requests with collective approval.

Money never moves through mutualaid: the ledger records what the group did with its money, the
requests record who decided. Amounts are integer minor units (cents) of the fund's currency.

Sign convention: an entry's amount is positive for a debit and negative for a credit, so the entries of
a transaction always sum to zero. Balance (cash the group holds), pending (bail at the court, expected
back) and disbursements are debit accounts; contributions is a credit account.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.categories import Category
from mutualaid.core.classification import COARSE, ENCRYPTED, PUBLIC
from mutualaid.core.fields import EncryptedTextField

# Currencies a fund may keep, with the number of digits of their minor unit (ISO 4217).
CURRENCIES: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CAD": 2,
    "MXN": 2,
    "AUD": 2,
    "NZD": 2,
    "BRL": 2,
    "ARS": 2,
    "COP": 2,
    "PEN": 2,
    "CHF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "ZAR": 2,
    "INR": 2,
    "PHP": 2,
    "HTG": 2,
    "JPY": 0,
    "KRW": 0,
    "CLP": 0,
    "VND": 0,
}
# No single record may move more than this many minor units: a typo, not a bail amount.
MAX_AMOUNT = 100_000_000_00


class FundKind(models.TextChoices):
    BAIL = "bail", _("Bail fund")
    RENT = "rent", _("Rent relief")
    MEDICAL = "medical", _("Medical fund")
    EMERGENCY = "emergency", _("Emergency fund")
    OTHER = "other", _("Other fund")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can see the transparency page")
    MEMBERS = "members", _("Members of the group")
    COORDINATORS = "coordinators", _("Coordinators only")


class Fund(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="funds")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=FundKind.choices, default=FundKind.EMERGENCY)
    purpose = models.TextField(_("purpose"), max_length=2000, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    visibility = models.CharField(
        _("who can see it"), max_length=16, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    # Approval rule: up to `single_approval_limit` one coordinator approves; above it either
    # `coordinator_approvals` coordinators or (when set) `member_approvals` members must approve.
    single_approval_limit = models.BigIntegerField(
        _("one coordinator approves up to (minor units)"), default=0
    )
    coordinator_approvals = models.PositiveSmallIntegerField(_("coordinators needed above that"), default=2)
    member_approvals = models.PositiveSmallIntegerField(
        _("or members needed above that (0: not allowed)"), default=0
    )
    allow_overdraft = models.BooleanField(_("may be overdrawn"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    data_classification = dict.fromkeys(
        (
            "group",
            "name",
            "kind",
            "purpose",
            "currency",
            "visibility",
            "single_approval_limit",
            "coordinator_approvals",
            "member_approvals",
            "allow_overdraft",
            "created_at",
        ),
        (PUBLIC, "the fund's name, purpose and rules, chosen by the group (no member data)"),
    )

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def exponent(self) -> int:
        return CURRENCIES.get(self.currency, 2)

    def approvals_needed(self, amount: int) -> tuple[int, int]:
        """(coordinators, members) approvals that each suffice for a request of `amount`; 0 means 'not a way'."""
        if amount <= self.single_approval_limit:
            return 1, 0
        return self.coordinator_approvals, self.member_approvals

    def members_may_approve(self) -> bool:
        return self.member_approvals > 0 and self.visibility != Visibility.COORDINATORS


class AccountKind(models.TextChoices):
    BALANCE = "balance", _("Balance")
    CONTRIBUTIONS = "contributions", _("Contributions")
    DISBURSEMENTS = "disbursements", _("Disbursements")
    PENDING = "pending", _("Pending (bail out, expected back)")


# +1 for debit accounts, -1 for the credit account: `balance * SIGN` is the amount people think of.
ACCOUNT_SIGN = {
    AccountKind.BALANCE: 1,
    AccountKind.CONTRIBUTIONS: -1,
    AccountKind.DISBURSEMENTS: 1,
    AccountKind.PENDING: 1,
}


class Account(models.Model):
    """One of a fund's four accounts. `balance` caches the sum of its entries; the row is the lock."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="accounts")
    kind = models.CharField(max_length=16, choices=AccountKind.choices)
    currency = models.CharField(max_length=3)
    balance = models.BigIntegerField(default=0)

    data_classification = {
        "fund": (PUBLIC, "which fund the account belongs to"),
        "kind": (PUBLIC, "balance, contributions, disbursements or pending"),
        "currency": (PUBLIC, "currency of the account"),
        "balance": (PUBLIC, "the account's balance (the ledger total)"),
    }

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint("fund", "kind", name="one_account_per_kind")]

    def __str__(self) -> str:
        return f"{self.fund} · {self.get_kind_display()}"

    @property
    def natural_balance(self) -> int:
        return self.balance * ACCOUNT_SIGN[AccountKind(self.kind)]


class TransactionKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution")
    DISBURSEMENT = "disbursement", _("Disbursement")
    BAIL_POSTED = "bail_posted", _("Bail posted")
    BAIL_RETURNED = "bail_returned", _("Bail returned")
    BAIL_FORFEITED = "bail_forfeited", _("Bail forfeited")
    REVERSAL = "reversal", _("Correction (reversal)")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK = "bank", _("Bank transfer")
    APP = "app", _("Payment app")
    CHECK = "check", _("Cheque or money order")
    OTHER = "other", _("Other")


class Transaction(models.Model):
    """A posted ledger transaction. Never changed or deleted: a mistake is corrected by a reversal."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField()  # the money that moved, positive; the entries carry the signs
    method = models.CharField(max_length=8, choices=PaymentMethod.choices, blank=True)
    reference = EncryptedTextField(_("payment reference"))
    contributor = EncryptedTextField(_("contributor"))
    reason = EncryptedTextField(_("reason for the correction"))
    occurred_on = models.DateField(default=timezone.localdate)
    posted_at = models.DateTimeField(default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    request = models.ForeignKey(
        "funds.Request", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    pledge = models.ForeignKey(
        "funds.Pledge", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    data_classification = {
        "fund": (PUBLIC, "which fund"),
        "kind": (PUBLIC, "contribution, disbursement, bail posted/returned/forfeited or reversal"),
        "category": (PUBLIC, "kind of need a disbursement met"),
        "currency": (PUBLIC, "currency"),
        "amount": (PUBLIC, "how much money moved"),
        "method": (PUBLIC, "cash, bank, payment app…"),
        "occurred_on": (COARSE, "day the money moved"),
        "posted_at": (PUBLIC, "when it was recorded"),
        "posted_by": (PUBLIC, "which coordinator recorded it"),
        "reverses": (PUBLIC, "which transaction a correction reverses"),
        "request": (PUBLIC, "which request a disbursement paid (links money to a requester)"),
        "pledge": (PUBLIC, "which pledge a contribution fulfilled"),
    }

    class Meta:
        ordering: ClassVar = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Entry(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()  # debit > 0, credit < 0, never 0

    data_classification = {
        "transaction": (PUBLIC, "the transaction this entry belongs to"),
        "account": (PUBLIC, "the account it moves"),
        "amount": (PUBLIC, "signed amount in minor units"),
    }

    class Meta:
        constraints: ClassVar = [models.CheckConstraint(condition=~models.Q(amount=0), name="entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount}"


class PledgeInterval(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every three months")


class Pledge(models.Model):
    """Someone promised to give regularly; the fund page reminds coordinators when it is due."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="pledges")
    contributor = EncryptedTextField(_("contributor"))
    amount = models.BigIntegerField()
    interval = models.CharField(max_length=10, choices=PledgeInterval.choices, default=PledgeInterval.MONTHLY)
    next_due = models.DateField()
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    data_classification = {
        "fund": (PUBLIC, "which fund"),
        "amount": (PUBLIC, "pledged amount"),
        "interval": (PUBLIC, "how often"),
        "next_due": (COARSE, "day the next gift is due"),
        "active": (PUBLIC, "whether the pledge is still running"),
        "created_by": (PUBLIC, "which coordinator recorded it"),
    }

    class Meta:
        ordering: ClassVar = ["next_due"]

    def __str__(self) -> str:
        return f"pledge #{self.pk}"


class RequestKind(models.TextChoices):
    GRANT = "grant", _("Money for a need")
    BAIL = "bail", _("Bail (comes back to the fund)")
    REIMBURSEMENT = "reimbursement", _("Reimbursement of a purchase")


def request_defaults(fund_kind: str) -> tuple[str, str]:
    """What a request to a fund of this kind is usually for: (request kind, category)."""
    defaults: dict[str, tuple[str, str]] = {
        FundKind.BAIL: (RequestKind.BAIL, "legal"),
        FundKind.RENT: (RequestKind.GRANT, "housing"),
        FundKind.MEDICAL: (RequestKind.GRANT, "health"),
    }
    return defaults.get(fund_kind, (RequestKind.GRANT, "money"))


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for approval")
    APPROVED = "approved", _("Approved, not yet paid")
    PAID = "paid", _("Paid")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BailStatus(models.TextChoices):
    NONE = "", _("Not bail")
    OUT = "out", _("At the court")
    RETURNED = "returned", _("Returned to the fund")
    FORFEITED = "forfeited", _("Partly or wholly forfeited")


class Request(models.Model):
    """A member asks a fund for money, for themself or someone else. Purpose and payee are encrypted."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices, default=RequestKind.GRANT)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.MONEY
    )
    amount = models.BigIntegerField(_("amount"))
    currency = models.CharField(max_length=3)
    for_self = models.BooleanField(_("for myself"), default=True)
    purpose = EncryptedTextField(_("purpose"))
    payee = EncryptedTextField(_("who to pay and how"))
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    bail_status = models.CharField(max_length=12, choices=BailStatus.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the request was settled (paid and, for bail, back or forfeited; declined; withdrawn). Who
    # asked, who voted, the purpose, payee and receipts are purged MUTUALAID_RETENTION_DAYS later;
    # amounts, categories and the ledger stay.
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    purged = models.BooleanField(default=False)

    data_classification = {
        "fund": (PUBLIC, "which fund was asked"),
        "requested_by": (PUBLIC, "who asked a fund for money (cleared after the retention period)"),
        "kind": (PUBLIC, "grant, bail or reimbursement"),
        "category": (PUBLIC, "kind of need"),
        "amount": (PUBLIC, "amount asked"),
        "currency": (PUBLIC, "currency"),
        "for_self": (PUBLIC, "whether the money is for the asker or someone else"),
        "status": (PUBLIC, "open, approved, paid, declined or withdrawn"),
        "bail_status": (PUBLIC, "whether bail came back"),
        "created_at": (PUBLIC, "when it was asked"),
        "decided_at": (PUBLIC, "when it was approved or declined"),
        "decided_by": (PUBLIC, "who declined it or paid it (cleared after the retention period)"),
        "closed_at": (PUBLIC, "when the request was settled"),
        "purged": (PUBLIC, "whether its purpose, payee and receipts were purged"),
    }

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def owner_id(self) -> int | None:
        # The requester owns the sensitive fields (for the read audit).
        return self.requested_by_id


class Approval(models.Model):
    """One member's open vote for a request. Nobody approves their own request; one vote each."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="approvals")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    as_coordinator = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "request": (PUBLIC, "which request"),
        "voter": (
            PUBLIC,
            "who approved it (votes are open within the group; deleted after the retention period)",
        ),
        "as_coordinator": (PUBLIC, "whether the voter was a coordinator"),
        "at": (PUBLIC, "when"),
    }

    class Meta:
        ordering: ClassVar = ["at"]
        constraints: ClassVar = [models.UniqueConstraint("request", "voter", name="one_approval_per_voter")]

    def __str__(self) -> str:
        return f"approval of #{self.request_id}"


class Receipt(models.Model):
    """A receipt photo or PDF, sealed with the key ring; only the requester and approvers may open it."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="receipts")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sealed = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    data_classification = {
        "request": (PUBLIC, "which request the receipt belongs to"),
        "uploaded_by": (PUBLIC, "who uploaded it"),
        "content_type": (PUBLIC, "JPEG, PNG or PDF"),
        "size": (PUBLIC, "file size"),
        "sealed": (ENCRYPTED, "the receipt itself, sealed with the key ring"),
        "uploaded_at": (PUBLIC, "when"),
    }

    def __str__(self) -> str:
        return f"receipt #{self.pk}"

    @property
    def owner_id(self) -> int | None:
        return self.request.requested_by_id

    def context(self) -> str:
        return f"funds_receipt.sealed.{self.request_id}"


class IdempotencyKey(models.Model):
    """An API write done once: a retry with the same key and payload gets the first answer back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    operation = models.CharField(max_length=60)
    payload_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    data_classification = {
        "user": (PUBLIC, "who sent the API write"),
        "key": (PUBLIC, "the client's idempotency key"),
        "operation": (PUBLIC, "which API operation"),
        "payload_hash": ("secret", "hash of the request body"),
        "status": (PUBLIC, "HTTP status of the first answer"),
        "body": (PUBLIC, "the first answer (ids and amounts, never purposes or payees)"),
        "created_at": (PUBLIC, "when"),
    }

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint("user", "key", name="one_idempotency_key_per_user")]

    def __str__(self) -> str:
        return self.operation
