from __future__ import annotations

import csv
import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mutualaid.core.actions import flash_action, form_action
from mutualaid.core.audit import record_read
from mutualaid.funds import access, selectors, services
from mutualaid.funds.downloads import receipt_file
from mutualaid.funds.forms import (
    BailForm,
    ContributionForm,
    FundForm,
    PayForm,
    PledgeForm,
    ReceiptForm,
    RequestForm,
    ReverseForm,
    read_upload,
)
from mutualaid.funds.idempotency import IdempotencyConflict, run_once
from mutualaid.funds.models import (
    AccountKind,
    Fund,
    PaymentMethod,
    Pledge,
    Request,
    RequestKind,
    RequestStatus,
    Transaction,
)
from mutualaid.funds.money import format_amount, format_money
from mutualaid.funds.uploads import capped_uploads, upload_too_big
from mutualaid.groups.access import get_group_for_coordinator, get_group_for_member
from mutualaid.members.http import AuthenticatedHttpRequest
from mutualaid.members.models import Membership


def _form_page(
    request: HttpRequest,
    *,
    group: Any,
    title: str,
    form: Any,
    submit: str,
    intro: str = "",
    fund: Any = None,
) -> HttpResponse:
    """A form page; status 400 when the form has errors."""
    return render(
        request,
        "funds/form.html",
        {"group": group, "fund": fund, "title": title, "form": form, "intro": intro, "submit": submit},
        status=400 if form.errors else 200,
    )


def _fund_values(data: dict[str, Any]) -> dict[str, Any]:
    """What a new or changed fund takes from its form (the kind and currency aside: they stay)."""
    return {
        "name": data["name"],
        "purpose": data["purpose"],
        "visibility": data["visibility"],
        "single_approval_limit": data["single_approval_limit"] or 0,
        "coordinator_approvals": data["coordinator_approvals"],
        "member_approvals": data["member_approvals"],
        "allow_overdraft": data["allow_overdraft"],
    }


@login_required
def fund_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, membership = get_group_for_member(request.user, slug)
    funds = list(selectors.funds_visible(group, membership))
    balances = selectors.balances_for(funds)
    rows = [(fund, format_money(balances.get(fund.pk, 0), fund.currency)) for fund in funds]
    return render(request, "funds/list.html", {"group": group, "membership": membership, "rows": rows})


@login_required
def fund_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, _membership = get_group_for_coordinator(request.user, slug)
    form = FundForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        fund = services.fund_create(
            group=group, kind=data["kind"], currency=data["currency"], **_fund_values(data)
        )
        messages.success(request, _("The fund %(name)s was created.") % {"name": fund.name})
        return redirect("funds_fund", slug=group.slug, fund_id=fund.pk)

    return form_action(request, form, save) or _form_page(
        request, group=group, title=_("New fund"), form=form, submit=_("Start the fund")
    )


@login_required
def fund_edit(request: AuthenticatedHttpRequest, slug: str, fund_id: int) -> HttpResponse:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    initial = {
        "name": fund.name,
        "kind": fund.kind,
        "purpose": fund.purpose,
        "currency": fund.currency,
        "visibility": fund.visibility,
        "single_approval_limit": format_amount(fund.single_approval_limit, fund.currency, grouping=False),
        "coordinator_approvals": fund.coordinator_approvals,
        "member_approvals": fund.member_approvals,
        "allow_overdraft": fund.allow_overdraft,
    }
    form = FundForm(request.POST or None, initial=initial, fixed_currency=fund.currency)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.fund_update(fund=fund, **_fund_values(data))
        messages.success(request, _("Saved."))
        return redirect("funds_fund", slug=slug, fund_id=fund.pk)

    return form_action(request, form, save) or _form_page(
        request,
        group=fund.group,
        fund=fund,
        title=_("Change %(fund)s") % {"fund": fund.name},
        form=form,
        submit=_("Save"),
        intro=_("The kind and currency of a fund stay as they are: its ledger is kept in that currency."),
    )


def approval_rule(fund: Fund) -> str:
    """The rule for larger requests as one translated sentence, its full stop included (a language's own
    punctuation: Chinese ends with "。", not a Latin stop added after the translation)."""
    coordinators = fund.coordinator_approvals
    if not fund.member_approvals:
        return ngettext(
            "Above that, %(count)d coordinator must approve.",
            "Above that, %(count)d coordinators must approve.",
            coordinators,
        ) % {"count": coordinators}
    members = ngettext("%(count)d member", "%(count)d members", fund.member_approvals) % {
        "count": fund.member_approvals
    }
    return ngettext(
        "Above that, %(count)d coordinator must approve, or %(members)s.",
        "Above that, %(count)d coordinators must approve, or %(members)s.",
        coordinators,
    ) % {"count": coordinators, "members": members}


@login_required
def fund_page(request: AuthenticatedHttpRequest, slug: str, fund_id: int) -> HttpResponse:
    fund, membership = access.get_fund_for_member(request.user, slug, fund_id)
    balances = selectors.fund_balances(fund)
    context: dict[str, Any] = {
        "group": fund.group,
        "fund": fund,
        "membership": membership,
        "balance": format_money(balances.get(AccountKind.BALANCE, 0), fund.currency),
        "accounts": [
            (label, format_money(balances.get(kind, 0), fund.currency)) for kind, label in AccountKind.choices
        ],
        "requests": selectors.requests_visible(fund, request.user, membership)[:100],
        "single_limit": format_money(fund.single_approval_limit, fund.currency),
        "approval_rule": approval_rule(fund),
    }
    if membership.is_coordinator:
        get_group_for_coordinator(request.user, slug)  # the ledger needs the second factor
        # Every running pledge, so any can be stopped; those due within a week are marked.
        context["pledges"] = selectors.pledges_active(fund)[:100]
        context["pledge_horizon"] = selectors.pledge_horizon()
        context["ledger"] = selectors.ledger(fund)
    return render(request, "funds/fund.html", context)


def transparency(request: HttpRequest, slug: str, fund_id: int) -> HttpResponse:
    fund = access.get_fund_for_transparency(request.user, slug, fund_id)  # type: ignore[arg-type]
    report = selectors.transparency(fund)
    chart = selectors.balance_chart(report.series, fund.currency)
    return render(
        request,
        "funds/transparency.html",
        {"group": fund.group, "fund": fund, "report": report, "chart": chart},
    )


@login_required
def export_csv(request: AuthenticatedHttpRequest, slug: str, fund_id: int) -> HttpResponse:
    """The ledger for a spreadsheet: coordinators only, and still without names or payment references."""
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fund-{fund.pk}-ledger.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "transaction",
            "day",
            "kind",
            "category",
            "method",
            "account",
            "amount_minor",
            "currency",
            "reverses",
        ]
    )
    entries = (
        Transaction.objects.filter(fund=fund)
        .prefetch_related("entries__account")
        .order_by("occurred_on", "pk")
    )
    for record in entries:
        for entry in record.entries.all():
            writer.writerow(
                [
                    record.pk,
                    record.occurred_on.isoformat(),
                    record.kind,
                    record.category,
                    record.method,
                    entry.account.kind,
                    entry.amount,
                    record.currency,
                    record.reverses_id or "",
                ]
            )
    return response


@login_required
def contribution_new(request: AuthenticatedHttpRequest, slug: str, fund_id: int) -> HttpResponse:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    pledges = [
        (p.pk, f"{p.contributor or _('Anonymous')} · {format_money(p.amount, fund.currency)}")
        for p in Pledge.objects.filter(fund=fund, active=True)
    ]
    form = ContributionForm(request.POST or None, currency=fund.currency, pledges=pledges)

    def save(data: dict[str, Any]) -> HttpResponse:
        pledge = Pledge.objects.filter(fund=fund, pk=data["pledge"]).first() if data["pledge"] else None

        def work() -> tuple[int, Any]:
            record = services.contribution_record(
                fund=fund,
                amount=data["amount"],
                currency=fund.currency,
                method=data["method"],
                recorded_by=request.user,
                reference=data["reference"],
                contributor=data["contributor"],
                occurred_on=data["occurred_on"],
                pledge=pledge,
            )
            return 201, {"id": record.pk}

        payload = {k: v for k, v in data.items() if k != "submission"}
        key = f"form:{data['submission']}" if data["submission"] else ""
        try:
            run_once(request, f"contribution:{fund.pk}", payload, work, key=key)
        except IdempotencyConflict:
            raise ValidationError(
                _(
                    "This form was already sent with other values. Reload the page to record another contribution."
                )
            ) from None
        messages.success(request, _("Contribution recorded."))
        return redirect("funds_fund", slug=slug, fund_id=fund.pk)

    return form_action(request, form, save) or _form_page(
        request, group=fund.group, fund=fund, title=_("Record a contribution"), form=form, submit=_("Record")
    )


@login_required
def pledge_new(request: AuthenticatedHttpRequest, slug: str, fund_id: int) -> HttpResponse:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    form = PledgeForm(request.POST or None, currency=fund.currency)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.pledge_create(
            fund=fund,
            amount=data["amount"],
            currency=fund.currency,
            interval=data["interval"],
            next_due=data["next_due"],
            contributor=data["contributor"],
            created_by=request.user,
        )
        messages.success(request, _("Pledge recorded. The fund page reminds you when it is due."))
        return redirect("funds_fund", slug=slug, fund_id=fund.pk)

    return form_action(request, form, save) or _form_page(
        request, group=fund.group, fund=fund, title=_("Record a pledge"), form=form, submit=_("Record")
    )


@login_required
@require_POST
def pledge_stop(request: AuthenticatedHttpRequest, slug: str, fund_id: int, pledge_id: int) -> HttpResponse:
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    pledge = Pledge.objects.filter(fund=fund, pk=pledge_id).first()
    if pledge is None:
        raise Http404
    flash_action(request, lambda: services.pledge_stop(pledge=pledge), success=_("Pledge stopped."))
    return redirect("funds_fund", slug=slug, fund_id=fund.pk)


@login_required
def transaction_reverse(
    request: AuthenticatedHttpRequest, slug: str, fund_id: int, transaction_id: int
) -> HttpResponse:
    """Reversing asks first: a page that names the transaction and asks why (the reason stays in the ledger)."""
    fund, _membership = access.get_fund_for_coordinator(request.user, slug, fund_id)
    record = Transaction.objects.filter(fund=fund, pk=transaction_id).first()
    if record is None:
        raise Http404
    form = ReverseForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.transaction_reverse(record=record, reversed_by=request.user, reason=data["reason"])
        messages.success(request, _("A reversing transaction was posted."))
        return redirect("funds_fund", slug=slug, fund_id=fund.pk)

    return form_action(request, form, save) or render(
        request,
        "funds/form.html",
        {
            "group": fund.group,
            "fund": fund,
            "form": form,
            "title": _("Reverse transaction #%(id)d?") % {"id": record.pk},
            "intro": _(
                "%(kind)s of %(amount)s on %(day)s. A correcting transaction is posted; both stay in the "
                "ledger with your reason."
            )
            % {
                "kind": record.get_kind_display(),
                "amount": format_money(record.amount, fund.currency),
                "day": record.occurred_on.isoformat(),
            },
            "submit": _("Reverse it"),
        },
    )


@capped_uploads
@login_required
def request_new(request: AuthenticatedHttpRequest, slug: str, fund_id: int) -> HttpResponse:
    fund, _membership = access.get_fund_for_member(request.user, slug, fund_id)
    form = RequestForm(
        request.POST or None,
        request.FILES or None,
        currency=fund.currency,
        fund_kind=fund.kind,
    )
    valid = request.method == "POST" and form.is_valid()
    if request.method == "POST" and upload_too_big(request, "receipt"):
        form.add_error("receipt", _("A receipt can be at most 5 MB."))
        valid = False

    def save(data: dict[str, Any]) -> HttpResponse:
        receipt = read_upload(data["receipt"], services.RECEIPT_MAX_BYTES) if data.get("receipt") else b""

        def work() -> tuple[int, Any]:
            created = services.request_create(
                fund=fund,
                requested_by=request.user,
                amount=data["amount"],
                currency=fund.currency,
                kind=data["kind"],
                category=data["category"],
                for_self=data["for_self"],
                purpose=data["purpose"],
                payee=data["payee"],
            )
            if receipt:
                services.receipt_add(request=created, uploaded_by=request.user, data=receipt)
            return 201, {"id": created.pk}

        payload = {k: v for k, v in data.items() if k not in ("submission", "receipt")}
        payload["receipt"] = hashlib.sha256(receipt).hexdigest() if receipt else ""
        key = f"form:{data['submission']}" if data["submission"] else ""
        try:
            _status, body = run_once(request, f"request:{fund.pk}", payload, work, key=key)
        except IdempotencyConflict:
            raise ValidationError(
                _("This form was already sent with other values. Reload the page to ask again.")
            ) from None
        messages.success(request, _("Your request was sent. You can follow the approvals here."))
        return redirect("funds_request", slug=slug, request_id=body["id"])

    return form_action(request, form, save, valid=valid) or _form_page(
        request,
        group=fund.group,
        fund=fund,
        title=_("Ask %(fund)s for money") % {"fund": fund.name},
        form=form,
        submit=_("Send the request"),
        intro=_(
            "Approvals are open within the group: members see who approved. Nobody approves their own request."
        ),
    )


@login_required
def request_page(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    ask, membership = access.get_request_for_viewer(request.user, slug, request_id)
    return _request_page(request, ask, membership)


def _request_page(
    request: AuthenticatedHttpRequest,
    ask: Request,
    membership: Membership,
    *,
    pay_form: PayForm | None = None,
) -> HttpResponse:
    """The request's page; a refused payment comes back on it with what the coordinator typed (status 400)."""
    fund = ask.fund
    record_read(reader=request.user, subject=ask, fields=["purpose", "payee"], group_id=fund.group_id)
    coordinators, everyone = services.approval_counts(ask)
    needed_coordinators, needed_members = fund.approvals_needed(ask.amount)
    is_requester = ask.requested_by_id == request.user.pk
    may_vote = (
        ask.status == RequestStatus.OPEN
        and not is_requester
        and (membership.is_coordinator or fund.members_may_approve())
        and not ask.approvals.filter(voter=request.user).exists()
    )
    return render(
        request,
        "funds/request.html",
        {
            "group": fund.group,
            "fund": fund,
            "ask": ask,
            "membership": membership,
            "is_requester": is_requester,
            "amount": format_money(ask.amount, fund.currency),
            "approvals": ask.approvals.select_related("voter"),
            "coordinators": coordinators,
            "everyone": everyone,
            "needed_coordinators": needed_coordinators,
            "needed_members": needed_members,
            "may_vote": may_vote,
            "receipts": ask.receipts.only("pk", "content_type", "size", "uploaded_at"),
            "pay_form": pay_form or PayForm(),
            "bail_form": BailForm(currency=fund.currency),
            "receipt_form": ReceiptForm(),
            "outstanding": format_money(services.bail_outstanding(ask), fund.currency)
            if ask.kind == RequestKind.BAIL
            else None,
            "transactions": ask.transactions.order_by("pk"),
        },
        status=400 if pay_form is not None else 200,
    )


def _back(slug: str, request_id: int) -> HttpResponse:
    return redirect("funds_request", slug=slug, request_id=request_id)


@login_required
@require_POST
def request_approve(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    ask, membership = access.get_request_for_viewer(request.user, slug, request_id)
    if membership.is_coordinator:
        get_group_for_coordinator(request.user, slug)
    if flash_action(request, lambda: services.request_approve(request=ask, voter=request.user)):
        ask.refresh_from_db(fields=["status"])
        if ask.status == RequestStatus.APPROVED:
            messages.success(
                request, _("Approved. The fund's rule is met: a coordinator can now record the payment.")
            )
        else:
            messages.success(request, _("Your approval was recorded."))
    return _back(slug, request_id)


@login_required
@require_POST
def request_decline(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    ask, _membership = access.get_request_for_coordinator(request.user, slug, request_id)
    flash_action(
        request,
        lambda: services.request_decline(request=ask, declined_by=request.user),
        success=_("The request was declined."),
    )
    return _back(slug, request_id)


@login_required
@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    ask = access.get_own_request(request.user, slug, request_id)
    flash_action(
        request,
        lambda: services.request_withdraw(request=ask, user=request.user),
        success=_("You withdrew the request."),
    )
    return _back(slug, request_id)


@login_required
@require_POST
def request_pay(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    ask, membership = access.get_request_for_coordinator(request.user, slug, request_id)
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the money was paid and on which day."))
        return _request_page(request, ask, membership, pay_form=form)
    data = form.cleaned_data
    paid = flash_action(
        request,
        lambda: services.request_pay(
            request=ask,
            paid_by=request.user,
            method=data["method"],
            reference=data["reference"],
            occurred_on=data["occurred_on"],
        ),
        success=_("The payment was recorded in the ledger."),
    )
    if not paid:  # refused (more than the balance, no longer approved…): keep what was typed
        ask.refresh_from_db()
        return _request_page(request, ask, membership, pay_form=form)
    return _back(slug, request_id)


@login_required
@require_POST
def bail_settle(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    ask, _membership = access.get_request_for_coordinator(request.user, slug, request_id)
    form = BailForm(request.POST, currency=ask.fund.currency)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(slug, request_id)
    data = form.cleaned_data
    flash_action(
        request,
        lambda: services.bail_settle(
            request=ask,
            returned=data["amount"],
            forfeit_rest=data["forfeit_rest"],
            recorded_by=request.user,
            method=data["method"] or PaymentMethod.CHECK,
            occurred_on=data["occurred_on"],
        ),
        success=_("Recorded what happened to the bail."),
    )
    return _back(slug, request_id)


@capped_uploads
@login_required
@require_POST
def receipt_add(request: AuthenticatedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    ask = access.get_request_for_receipt_upload(request.user, slug, request_id)
    form = ReceiptForm(request.POST, request.FILES)

    def attach() -> None:
        if upload_too_big(request, "receipt"):
            raise ValidationError({"receipt": _("A receipt can be at most 5 MB.")})
        if not form.is_valid():
            raise ValidationError({"receipt": _("Choose a file to upload.")})
        services.receipt_add(
            request=ask,
            uploaded_by=request.user,
            data=read_upload(form.cleaned_data["receipt"], services.RECEIPT_MAX_BYTES),
        )

    flash_action(request, attach, success=_("Receipt attached (stored encrypted)."))
    return _back(slug, request_id)


@login_required
def receipt_download(
    request: AuthenticatedHttpRequest, slug: str, request_id: int, receipt_id: int
) -> HttpResponse:
    ask, receipt = access.get_receipt_for_viewer(request.user, slug, request_id, receipt_id)
    response = receipt_file(reader=request.user, ask=ask, receipt=receipt)
    if response is None:
        return HttpResponse(
            _("This receipt can no longer be decrypted."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    return response
