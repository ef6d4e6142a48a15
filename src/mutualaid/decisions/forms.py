"""Forms for decisions. Services do the real checks; forms turn text into values and show field errors."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualaid.core.forms import DateTimeField
from mutualaid.decisions.models import Effect, Kind, Policy
from mutualaid.funds.money import parse_money


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def parse_times(text: str) -> list[datetime.datetime]:
    """Meeting times, one per line, as `YYYY-MM-DD HH:MM` in the site's time zone."""
    times = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            when = datetime.datetime.fromisoformat(line.replace(" ", "T", 1))
        except ValueError:
            raise forms.ValidationError(
                _("One time per line, like 2030-01-31 18:30 (%(line)s).") % {"line": line[:40]}
            ) from None
        times.append(timezone.make_aware(when) if timezone.is_naive(when) else when)
    return times


class ProposalForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("What is proposed, and why"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
    )
    kind = forms.ChoiceField(label=gettext_lazy("How we decide"), choices=Kind.choices, initial=Kind.CONSENT)
    closes_at = DateTimeField(label=gettext_lazy("Voting closes at"), widget=DateTimeInput())
    quorum_percent = forms.IntegerField(
        label=gettext_lazy("Quorum: share of members who must vote (%)"),
        min_value=0,
        max_value=100,
        initial=0,
    )
    threshold_percent = forms.IntegerField(
        # A percent sign, not a placeholder:
        # xgettext:no-python-format
        label=gettext_lazy("Passes with more than (% of yes or agree; votes and consensus)"),
        min_value=0,
        max_value=99,
        initial=50,
    )
    anonymous = forms.BooleanField(label=gettext_lazy("Anonymous votes"), required=False)
    reasons_required = forms.BooleanField(
        label=gettext_lazy("Objections and blocks need a reason"), required=False, initial=True
    )
    options = forms.CharField(
        label=gettext_lazy("Options for ranked choice (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    times = forms.CharField(
        label=gettext_lazy("Meeting times for a time poll (one per line, e.g. 2030-01-31 18:30)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    effect = forms.ChoiceField(
        label=gettext_lazy("When it passes (coordinators)"), choices=Effect.choices, required=False
    )
    fund = forms.TypedChoiceField(label=gettext_lazy("Fund"), coerce=int, required=False, empty_value=None)
    single_approval_limit = forms.CharField(
        label=gettext_lazy("One coordinator approves up to (amount)"), required=False
    )
    coordinator_approvals = forms.IntegerField(
        label=gettext_lazy("Coordinators needed above that"), required=False, min_value=1, max_value=20
    )
    member_approvals = forms.IntegerField(
        label=gettext_lazy("Or members needed above that (0: members do not approve)"),
        required=False,
        min_value=0,
        max_value=100,
    )
    membership = forms.TypedChoiceField(
        label=gettext_lazy("Member to remove"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        funds: list[tuple[int, str, str]],
        members: list[tuple[int, str]],
        coordinator: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.currencies = {pk: currency for pk, _name, currency in funds}
        cast(forms.ChoiceField, self.fields["fund"]).choices = [
            ("", "—"),
            *[(pk, name) for pk, name, _c in funds],
        ]
        cast(forms.ChoiceField, self.fields["membership"]).choices = [("", "—"), *members]
        if not coordinator:
            for name in (
                "effect",
                "fund",
                "single_approval_limit",
                "coordinator_approvals",
                "member_approvals",
                "membership",
            ):
                del self.fields[name]

    def clean_times(self) -> list[datetime.datetime]:
        return parse_times(self.cleaned_data.get("times") or "")

    def effect_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        effect = data.get("effect") or ""
        if effect == Effect.FUND_RULE:
            fund_id = data.get("fund")
            limit = 0
            if fund_id in self.currencies and data.get("single_approval_limit"):
                try:
                    limit = parse_money(data["single_approval_limit"], self.currencies[fund_id])
                except ValidationError as exc:
                    raise ValidationError({"single_approval_limit": exc.messages}) from None
            return {
                "fund_id": fund_id,
                "single_approval_limit": limit,
                "coordinator_approvals": data.get("coordinator_approvals"),
                "member_approvals": data.get("member_approvals") or 0,
            }
        if effect == Effect.REMOVE_MEMBER:
            return {"membership_id": data.get("membership")}
        return {}


class PolicyForm(forms.ModelForm[Policy]):
    class Meta:
        model = Policy
        fields = (
            "members_may_propose",
            "min_hours",
            "max_days",
            "min_quorum_percent",
            "allow_anonymous",
            "remind_hours",
            "require_for_fund_rules",
            "require_for_member_removal",
        )
