"""Access rows for funds: pages, transparency (public and members-only), receipts and the API."""

from __future__ import annotations

from typing import Any

from tests.access import Route, World, crown_slug

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def build(world: World) -> None:
    from mutualaid.funds import services

    ada, ben = world.users["ada"], world.users["ben"]
    public = services.fund_create(
        group=world.crown, name="Bail", kind="bail", visibility="public", single_approval_limit=100_00
    )
    members = services.fund_create(
        group=world.crown, name="Rent", kind="rent", visibility="members", single_approval_limit=100_00
    )
    contribution = services.contribution_record(
        fund=members, amount=500_00, currency="USD", method="cash", recorded_by=ada
    )
    services.contribution_record(fund=public, amount=500_00, currency="USD", method="cash", recorded_by=ada)
    ben_request = services.request_create(
        fund=members, requested_by=ben, amount=20_00, currency="USD", purpose="rent"
    )
    receipt = services.receipt_add(request=ben_request, uploaded_by=ben, data=PNG)
    approved = services.request_create(
        fund=members, requested_by=ben, amount=30_00, currency="USD", purpose="food"
    )
    services.request_approve(request=approved, voter=ada)
    bail = services.request_create(
        fund=public, requested_by=ben, amount=50_00, currency="USD", purpose="bail", kind="bail"
    )
    services.request_approve(request=bail, voter=ada)
    services.request_pay(request=bail, paid_by=ada, method="check")
    ada_request = services.request_create(
        fund=members, requested_by=ada, amount=10_00, currency="USD", purpose="supplies"
    )
    pledge = services.pledge_create(
        fund=members,
        amount=10_00,
        currency="USD",
        interval="monthly",
        next_due=contribution.occurred_on,
        created_by=ada,
    )
    world.objects.update(
        {
            "fund_public": public,
            "fund_members": members,
            "contribution": contribution,
            "ben_request": ben_request,
            "receipt": receipt,
            "approved_request": approved,
            "bail_request": bail,
            "ada_request": ada_request,
            "pledge": pledge,
        }
    )


def fund(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "fund_id": w.fund_members.pk}


def public_fund(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "fund_id": w.fund_public.pk}


def ben_request(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "request_id": w.ben_request.pk}


def approved_request(w: World) -> dict[str, Any]:
    return {"slug": w.crown.slug, "request_id": w.approved_request.pk}


def today(w: World) -> str:
    return str(w.contribution.occurred_on)


COORDINATOR = "login 404 404 403 ok"
MEMBER = "login 404 404 ok ok"
API_COORDINATOR = "401 404 404 403 ok"
API_MEMBER = "401 404 404 ok ok"

ROUTES = [
    Route("funds_list", MEMBER, kwargs=crown_slug),
    Route("funds_fund_new", COORDINATOR, kwargs=crown_slug),
    Route(
        "funds_fund_new",
        COORDINATOR,
        method="POST",
        variant="create",
        kwargs=crown_slug,
        data=lambda w: {
            "name": "Medical",
            "kind": "medical",
            "currency": "USD",
            "visibility": "members",
            "single_approval_limit": "50",
            "coordinator_approvals": "2",
            "member_approvals": "0",
        },
    ),
    Route("funds_fund", MEMBER, kwargs=fund),
    Route("funds_fund_edit", COORDINATOR, kwargs=fund),
    Route(
        "funds_fund_edit",
        COORDINATOR,
        method="POST",
        variant="save",
        kwargs=fund,
        data=lambda w: {
            "name": "Rent",
            "visibility": "members",
            "single_approval_limit": "80",
            "coordinator_approvals": "2",
            "member_approvals": "0",
        },
    ),
    Route("funds_transparency", "ok ok ok ok ok", kwargs=public_fund, variant="public"),
    Route("funds_transparency", "404 404 404 ok ok", kwargs=fund),
    Route("funds_export", COORDINATOR, kwargs=fund),
    Route("funds_contribution_new", COORDINATOR, kwargs=fund),
    Route(
        "funds_contribution_new",
        COORDINATOR,
        method="POST",
        variant="record",
        kwargs=fund,
        data=lambda w: {"amount": "12", "method": "cash", "occurred_on": today(w)},
    ),
    Route("funds_pledge_new", COORDINATOR, kwargs=fund),
    Route(
        "funds_pledge_new",
        COORDINATOR,
        method="POST",
        variant="record",
        kwargs=fund,
        data=lambda w: {"amount": "12", "interval": "monthly", "next_due": today(w)},
    ),
    Route(
        "funds_pledge_stop",
        COORDINATOR,
        method="POST",
        kwargs=lambda w: {**fund(w), "pledge_id": w.pledge.pk},
    ),
    Route("funds_reverse", COORDINATOR, kwargs=lambda w: {**fund(w), "transaction_id": w.contribution.pk}),
    Route(
        "funds_reverse",
        COORDINATOR,
        method="POST",
        kwargs=lambda w: {**fund(w), "transaction_id": w.contribution.pk},
        data=lambda w: {"reason": "entered twice"},
    ),
    Route("funds_request_new", MEMBER, kwargs=fund),
    Route(
        "funds_request_new",
        MEMBER,
        method="POST",
        variant="ask",
        kwargs=fund,
        data=lambda w: {
            "kind": "grant",
            "category": "food",
            "amount": "15",
            "for_self": "1",
            "purpose": "groceries",
        },
    ),
    Route("funds_request", MEMBER, kwargs=ben_request),
    # A coordinator's request on a fund where only coordinators approve: other members do not see it.
    Route(
        "funds_request",
        "login 404 404 404 ok",
        variant="others",
        kwargs=lambda w: {"slug": w.crown.slug, "request_id": w.ada_request.pk},
    ),
    Route("funds_request_approve", MEMBER, method="POST", kwargs=ben_request),
    Route("funds_request_decline", COORDINATOR, method="POST", kwargs=ben_request),
    Route("funds_request_withdraw", "login 404 404 ok 404", method="POST", kwargs=ben_request),
    Route(
        "funds_request_pay",
        COORDINATOR,
        method="POST",
        kwargs=approved_request,
        data=lambda w: {"method": "cash", "occurred_on": today(w)},
    ),
    Route(
        "funds_bail_settle",
        COORDINATOR,
        method="POST",
        kwargs=lambda w: {"slug": w.crown.slug, "request_id": w.bail_request.pk},
        data=lambda w: {"amount": "50"},
    ),
    Route("funds_receipt_add", MEMBER, method="POST", kwargs=ben_request),
    Route("funds_receipt", MEMBER, kwargs=lambda w: {**ben_request(w), "receipt_id": w.receipt.pk}),
    Route("api:funds_list", API_MEMBER, api=True, kwargs=crown_slug),
    Route("api:funds_detail", API_MEMBER, api=True, kwargs=fund),
    Route("api:funds_transparency", "ok ok ok ok ok", api=True, kwargs=public_fund, variant="public"),
    Route("api:funds_transparency", "404 404 404 ok ok", api=True, kwargs=fund),
    Route(
        "api:funds_contribution_create",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=fund,
        data=lambda w: {"amount": 1200, "currency": "USD", "method": "cash"},
    ),
    Route("api:funds_requests", API_MEMBER, api=True, kwargs=fund),
    Route(
        "api:funds_request_create",
        API_MEMBER,
        method="POST",
        api=True,
        kwargs=fund,
        data=lambda w: {"amount": 1500, "currency": "USD", "purpose": "groceries"},
    ),
    # ben asked: his own approval is refused (422), a coordinator's counts.
    Route("api:funds_request_approve", "401 404 404 422 ok", method="POST", api=True, kwargs=ben_request),
    Route(
        "api:funds_request_pay",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=approved_request,
        data=lambda w: {"method": "bank"},
    ),
    Route(
        "api:funds_transaction_reverse",
        API_COORDINATOR,
        method="POST",
        api=True,
        data=lambda w: {"reason": "entered twice"},
        kwargs=lambda w: {**fund(w), "transaction_id": w.contribution.pk},
    ),
    # API parity: everything the pages do.
    Route(
        "api:funds_create",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=crown_slug,
        data=lambda w: {"name": "Medical", "kind": "medical"},
    ),
    Route(
        "api:funds_update",
        API_COORDINATOR,
        method="PATCH",
        api=True,
        kwargs=fund,
        data=lambda w: {"name": "Rent relief"},
    ),
    Route("api:funds_public_list", "ok ok ok ok ok", api=True, kwargs=crown_slug),
    Route("api:funds_ledger", API_COORDINATOR, api=True, kwargs=fund),
    Route("api:funds_pledges", API_COORDINATOR, api=True, kwargs=fund),
    Route(
        "api:funds_pledge_create",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=fund,
        data=lambda w: {"amount": 1000, "currency": "USD", "next_due": today(w)},
    ),
    Route(
        "api:funds_pledge_stop",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=lambda w: {**fund(w), "pledge_id": w.pledge.pk},
    ),
    Route("api:funds_request_detail", API_MEMBER, api=True, kwargs=ben_request),
    Route(
        "api:funds_request_detail",
        "401 404 404 404 ok",
        api=True,
        variant="others",
        kwargs=lambda w: {"slug": w.crown.slug, "request_id": w.ada_request.pk},
    ),
    Route("api:funds_request_decline", API_COORDINATOR, method="POST", api=True, kwargs=ben_request),
    Route("api:funds_request_withdraw", "401 404 404 ok 404", method="POST", api=True, kwargs=ben_request),
    Route(
        "api:funds_bail_settle",
        API_COORDINATOR,
        method="POST",
        api=True,
        kwargs=lambda w: {"slug": w.crown.slug, "request_id": w.bail_request.pk},
        data=lambda w: {"returned": 5000},
    ),
    # The matrix sends JSON: whoever may attach a receipt is told to send multipart (422); others see nothing.
    Route("api:funds_receipt_add", "401 404 404 422 422", method="POST", api=True, kwargs=ben_request),
    Route(
        "api:funds_receipt_download",
        API_MEMBER,
        api=True,
        kwargs=lambda w: {**ben_request(w), "receipt_id": w.receipt.pk},
    ),
]
