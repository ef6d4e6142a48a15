from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualaid.core.categories import Category
from mutualaid.core.forms import DateField, IsoDateInput
from mutualaid.funds.models import (
    CURRENCIES,
    FundKind,
    PaymentMethod,
    PledgeInterval,
    RequestKind,
    Visibility,
    request_defaults,
)
from mutualaid.funds.money import parse_money


class MoneyField(forms.CharField):
    """An amount typed as people write it ("25", "25.50", "25,50", "1.250,00"), cleaned to integer minor
    units by `parse_money` (one rule for every language; "1,250" is refused as ambiguous). A form shown
    again after an error shows what the person typed."""

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        self.currency = currency
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text in ("", None):
            return None
        return parse_money(text, self.currency)


class _FundBound(forms.Form):
    money_fields: tuple[str, ...] = ("amount",)

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.money_fields:
            field = self.fields[name]
            if isinstance(field, MoneyField):
                field.currency = currency
                field.help_text = _("In %(currency)s, for example 25 or 25.50.") % {"currency": currency}


class FundForm(_FundBound):
    money_fields = ("single_approval_limit",)

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=FundKind.choices)
    purpose = forms.CharField(
        label=_("Purpose"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in CURRENCIES], initial="USD")
    visibility = forms.ChoiceField(
        label=_("Who can see the transparency page"), choices=Visibility.choices, initial=Visibility.MEMBERS
    )
    single_approval_limit = MoneyField(label=_("One coordinator may approve requests up to"), required=False)
    coordinator_approvals = forms.IntegerField(
        label=_("Above that, coordinators who must approve"), min_value=1, max_value=20, initial=2
    )
    member_approvals = forms.IntegerField(
        label=_("…or members who must approve (0: only coordinators decide)"),
        min_value=0,
        max_value=100,
        initial=0,
    )
    allow_overdraft = forms.BooleanField(label=_("The fund may be overdrawn"), required=False)

    def __init__(self, *args: Any, fixed_currency: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_currency = fixed_currency
        if fixed_currency:
            # Editing: kind and currency are shown but cannot change.
            for name in ("kind", "currency"):
                self.fields[name].disabled = True
                self.fields[name].required = False
            money = self.fields["single_approval_limit"]
            assert isinstance(money, MoneyField)
            money.currency = fixed_currency

    def full_clean(self) -> None:
        # The approval limit is in the currency chosen on the same form.
        if self.is_bound and not self.fixed_currency:
            chosen = self.data.get("currency", "USD")
            field = self.fields["single_approval_limit"]
            assert isinstance(field, MoneyField)
            field.currency = chosen if chosen in CURRENCIES else "USD"
        super().full_clean()


class ContributionForm(_FundBound):
    # A one-time id per rendered form: a double click or a resent form records the money once.
    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    amount = MoneyField(label=_("Amount"))
    method = forms.ChoiceField(label=_("How it came in"), choices=PaymentMethod.choices)
    contributor = forms.CharField(
        label=_("From (leave empty for anonymous)"),
        max_length=200,
        required=False,
        help_text=_("Encrypted; never shown on the transparency page."),
    )
    reference = forms.CharField(label=_("Payment reference"), max_length=200, required=False)
    occurred_on = DateField(label=_("Day"), initial=timezone.localdate, widget=IsoDateInput())
    pledge = forms.TypedChoiceField(label=_("Fulfils a pledge"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, pledges: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pledge"].choices = [("", _("No pledge")), *(pledges or [])]  # type: ignore[attr-defined]


class PledgeForm(_FundBound):
    contributor = forms.CharField(label=_("From (leave empty for anonymous)"), max_length=200, required=False)
    amount = MoneyField(label=_("Amount each time"))
    interval = forms.ChoiceField(
        label=_("How often"), choices=PledgeInterval.choices, initial=PledgeInterval.MONTHLY
    )
    next_due = DateField(
        label=_("Next gift due on"),
        initial=timezone.localdate,
        widget=IsoDateInput(),
    )


class RequestForm(_FundBound):
    # As for contributions: a double click or a resent form asks for the money once.
    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    kind = forms.ChoiceField(label=_("What is it for"), choices=RequestKind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.MONEY)
    amount = MoneyField(label=_("Amount"))
    for_self = forms.TypedChoiceField(
        label=_("Who is the money for"),
        choices=[("1", _("Me")), ("0", _("Someone else"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    purpose = forms.CharField(
        label=_("What the money is for"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Encrypted; seen only by you and the people who approve."),
    )
    payee = forms.CharField(
        label=_("Who to pay and how (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example a landlord's payment details or the court. Encrypted."),
    )
    receipt = forms.FileField(label=_("Receipt (JPEG, PNG or PDF, at most 5 MB)"), required=False)

    def __init__(self, *args: Any, fund_kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fund_kind != FundKind.BAIL:
            self.fields["kind"].choices = [c for c in RequestKind.choices if c[0] != RequestKind.BAIL]  # type: ignore[attr-defined]
        # The defaults follow the fund: a bail fund is asked for bail, a rent fund for housing.
        self.fields["kind"].initial, self.fields["category"].initial = request_defaults(fund_kind)


class PayForm(forms.Form):
    method = forms.ChoiceField(label=_("How it was paid"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Payment reference"), max_length=200, required=False)
    occurred_on = DateField(label=_("Day"), initial=timezone.localdate, widget=IsoDateInput())


class BailForm(_FundBound):
    amount = MoneyField(label=_("Amount that came back"), required=False)
    forfeit_rest = forms.BooleanField(label=_("The court kept the rest (forfeited)"), required=False)
    method = forms.ChoiceField(
        label=_("How it came back"),
        choices=PaymentMethod.choices,
        initial=PaymentMethod.CHECK,
        required=False,
    )
    occurred_on = DateField(
        label=_("Day"),
        initial=timezone.localdate,
        required=False,
        widget=IsoDateInput(),
    )

    def clean_amount(self) -> int:
        return self.cleaned_data.get("amount") or 0


class ReceiptForm(forms.Form):
    receipt = forms.FileField(label=_("Receipt (JPEG, PNG or PDF, at most 5 MB)"))


def read_upload(upload: Any, limit: int) -> bytes:
    """The uploaded file's bytes, refusing to read more than `limit` + 1 bytes into memory."""
    if upload is None:
        return b""
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"receipt": _("A receipt can be at most 5 MB.")})
    data = upload.read(limit + 1)
    return bytes(data)


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it reversed?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: entered twice, wrong amount. Kept in the ledger, encrypted."),
    )
