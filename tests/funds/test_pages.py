"""The web pages: start a fund, record money, ask, approve, pay, and the transparency page."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from mutualaid.core.models import SensitiveRead
from mutualaid.funds.models import Fund, Request, Transaction
from tests.funds.conftest import PNG, approved, fill


def test_coordinator_starts_a_fund(client_for: Any, ada: Any) -> None:
    response = client_for(ada).post(
        reverse("funds_fund_new", args=["crown"]),
        {
            "name": "Bail Fund",
            "kind": "bail",
            "purpose": "Free our neighbours",
            "currency": "USD",
            "visibility": "public",
            "single_approval_limit": "100",
            "coordinator_approvals": "2",
            "member_approvals": "0",
        },
    )
    fund = Fund.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "funds_fund", args=["crown", fund.pk]
    )
    assert fund.single_approval_limit == 100_00 and fund.accounts.count() == 4


def test_fund_form_refuses_a_bad_limit(client_for: Any, ada: Any) -> None:
    response = client_for(ada).post(
        reverse("funds_fund_new", args=["crown"]),
        {
            "name": "Bail Fund",
            "kind": "bail",
            "currency": "JPY",
            "visibility": "public",
            "single_approval_limit": "10.5",
            "coordinator_approvals": "2",
            "member_approvals": "0",
        },
    )
    assert response.status_code == 400
    assert "JPY amounts have at most 0 decimal places." in response.content.decode()
    assert not Fund.objects.exists()


def test_contribution_form_records_money(client_for: Any, ada: Any, bail_fund: Any) -> None:
    response = client_for(ada).post(
        reverse("funds_contribution_new", args=["crown", bail_fund.pk]),
        {
            "amount": "125.50",
            "method": "app",
            "contributor": "",
            "reference": "cashapp 77",
            "occurred_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    record = Transaction.objects.get()
    assert record.amount == 125_50 and record.contributor == "" and str(record.occurred_on) == "2026-11-01"


def test_contribution_form_refuses_zero(client_for: Any, ada: Any, bail_fund: Any) -> None:
    response = client_for(ada).post(
        reverse("funds_contribution_new", args=["crown", bail_fund.pk]),
        {
            "amount": "0",
            "method": "cash",
            "occurred_on": "2026-11-01",
        },
    )
    assert response.status_code == 400
    assert "The amount must be more than zero." in response.content.decode()
    assert not Transaction.objects.exists()


def test_member_asks_with_a_receipt(client_for: Any, ben: Any, rent_fund: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(ben).post(
        reverse("funds_request_new", args=["crown", rent_fund.pk]),
        {
            "kind": "reimbursement",
            "category": "food",
            "amount": "42.10",
            "for_self": "1",
            "purpose": "Groceries for the fridge",
            "payee": "",
            "receipt": SimpleUploadedFile("r.png", PNG, content_type="image/png"),
        },
    )
    ask = Request.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "funds_request", args=["crown", ask.pk]
    )
    assert ask.amount == 42_10 and ask.receipts.count() == 1


def test_a_bad_receipt_refuses_the_whole_request(client_for: Any, ben: Any, rent_fund: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(ben).post(
        reverse("funds_request_new", args=["crown", rent_fund.pk]),
        {
            "kind": "reimbursement",
            "category": "food",
            "amount": "42.10",
            "for_self": "1",
            "purpose": "Groceries",
            "receipt": SimpleUploadedFile("r.png", b"<script>alert(1)</script>", content_type="image/png"),
        },
    )
    assert response.status_code == 400
    assert "A receipt must be a JPEG, PNG or PDF file." in response.content.decode()
    assert not Request.objects.exists()


def test_request_page_shows_purpose_to_coordinators_and_audits_the_read(
    client_for: Any, ada: Any, ben: Any, rent_fund: Any
) -> None:
    ask = approved(rent_fund, amount=10_00, asker=ben, voters=[])
    response = client_for(ada).get(reverse("funds_request", args=["crown", ask.pk]))
    assert response.status_code == 200 and "rent" in response.content.decode()
    read = SensitiveRead.objects.get()
    assert (read.reader, read.subject_type, read.subject_id, read.fields) == (
        ada,
        "funds.request",
        ask.pk,
        "payee,purpose",
    )
    client_for(ben).get(reverse("funds_request", args=["crown", ask.pk]))
    assert SensitiveRead.objects.count() == 1  # the requester reading their own request is not audited


def test_the_whole_flow_ends_on_the_transparency_page_without_names(
    client_for: Any, ada: Any, ida: Any, ben: Any, bail_fund: Any
) -> None:
    fill(bail_fund, 2000_00, ada)
    response = client_for(ben).post(
        reverse("funds_request_new", args=["crown", bail_fund.pk]),
        {
            "kind": "bail",
            "category": "legal",
            "amount": "1500",
            "for_self": "0",
            "purpose": "Bail for Jordan Example",
            "payee": "Kings County court",
        },
    )
    ask = Request.objects.get()
    page = reverse("funds_request", args=["crown", ask.pk])
    assert response["Location"] == page
    for coordinator in (ada, ida):
        assert (
            client_for(coordinator).post(reverse("funds_request_approve", args=["crown", ask.pk])).status_code
            == 302
        )
    ask.refresh_from_db()
    assert ask.status == "approved"
    response = client_for(ada).post(
        reverse("funds_request_pay", args=["crown", ask.pk]),
        {
            "method": "check",
            "reference": "REFCANARY",
            "occurred_on": "2026-11-20",
        },
    )
    ask.refresh_from_db()
    assert ask.status == "paid" and ask.bail_status == "out"
    public = client_for(None).get(reverse("funds_transparency", args=["crown", bail_fund.pk]))
    html = public.content.decode()
    assert public.status_code == 200
    assert "Bail posted: Bail &amp; legal support" in html and "-1,500.00 USD" in html
    assert "500.00 USD" in html  # the balance
    shown = re.sub(r'value="[^"]*"', "", html)  # random CSRF tokens may spell anything
    for secret in ("Jordan", "Kings County", "Ben", "Ada", "Ida", "REFCANARY"):
        assert secret not in shown
    assert "<svg" in html and "style=" not in html and "<script>" not in html.split("</head>")[1]
    assert SensitiveRead.objects.count() == 0


def test_a_refused_payment_keeps_what_the_coordinator_typed(
    client_for: Any, ada: Any, ida: Any, ben: Any, bail_fund: Any
) -> None:
    """A tester's payment was refused (more than the fund holds) and the reference typed was gone."""
    fill(bail_fund, 100_00, ada)
    client_for(ben).post(
        reverse("funds_request_new", args=["crown", bail_fund.pk]),
        {
            "kind": "bail",
            "category": "legal",
            "amount": "1500",
            "for_self": "0",
            "purpose": "Bail",
            "payee": "Court",
        },
    )
    ask = Request.objects.get()
    for coordinator in (ada, ida):
        client_for(coordinator).post(reverse("funds_request_approve", args=["crown", ask.pk]))
    response = client_for(ada).post(
        reverse("funds_request_pay", args=["crown", ask.pk]),
        {"method": "check", "reference": "CHK-20417", "occurred_on": "2026-11-20"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="CHK-20417"' in html and 'value="2026-11-20"' in html
    ask.refresh_from_db()
    assert ask.status == "approved" and not ask.transactions.exists()


def test_members_only_transparency_hides_from_outsiders(
    client_for: Any, rent_fund: Any, ben: Any, cy: Any
) -> None:
    url = reverse("funds_transparency", args=["crown", rent_fund.pk])
    assert client_for(None).get(url).status_code == 404
    assert client_for(cy).get(url).status_code == 404
    assert client_for(ben).get(url).status_code == 200


def test_receipt_is_served_only_to_requester_and_coordinators(
    client_for: Any, ada: Any, ben: Any, cy: Any, rent_fund: Any
) -> None:
    from mutualaid.funds import services
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    ask = approved(rent_fund, amount=10_00, asker=ben, voters=[])
    receipt = services.receipt_add(request=ask, uploaded_by=ben, data=PNG)
    url = reverse("funds_receipt", args=["crown", ask.pk, receipt.pk])
    other = make_user("gus")
    Membership.objects.create(user=other, group=rent_fund.group)
    assert client_for(other).get(url).status_code == 404
    assert client_for(cy).get(url).status_code == 404
    own = client_for(ben).get(url)
    assert own.status_code == 200 and own.content == PNG and own["Content-Type"] == "image/png"
    assert SensitiveRead.objects.count() == 0
    coordinator = client_for(ada).get(url)
    assert coordinator.content == PNG
    assert SensitiveRead.objects.get().fields == "receipt"


def test_receipts_are_sealed_in_the_database(ben: Any, rent_fund: Any) -> None:
    from django.db import connection

    from mutualaid.funds import services

    ask = approved(rent_fund, amount=10_00, asker=ben, voters=[])
    data = b"%PDF-1.4 CANARY-RECEIPT-TEXT"
    receipt = services.receipt_add(request=ask, uploaded_by=ben, data=data)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed FROM funds_receipt WHERE id = %s", [receipt.pk])
        (sealed,) = cursor.fetchone()
    assert b"CANARY" not in bytes(sealed)
    assert services.receipt_open(receipt) == data


def test_receipt_limits(ben: Any, rent_fund: Any) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    from mutualaid.funds import services

    ask = approved(rent_fund, amount=10_00, asker=ben, voters=[])
    for data, message in [
        (b"", "The file is empty."),
        (b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "A receipt can be at most 5 MB."),
        (b"GIF89a", "A receipt must be a JPEG, PNG or PDF file."),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.receipt_add(request=ask, uploaded_by=ben, data=data)
        assert caught.value.message_dict == {"receipt": [message]}
    assert ask.receipts.count() == 0


def test_csv_export_for_coordinators_without_names(client_for: Any, ada: Any, bail_fund: Any) -> None:
    from mutualaid.funds import services

    services.contribution_record(
        fund=bail_fund,
        amount=10_00,
        currency="USD",
        method="app",
        recorded_by=ada,
        contributor="Rosa Secret",
        reference="ref-42",
    )
    response = client_for(ada).get(reverse("funds_export", args=["crown", bail_fund.pk]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert lines[0] == "transaction,day,kind,category,method,account,amount_minor,currency,reverses"
    assert len(lines) == 3 and "Rosa" not in body and "ref-42" not in body


def test_fund_page_lists_due_pledges_for_coordinators(client_for: Any, ada: Any, bail_fund: Any) -> None:
    from django.utils import timezone

    from mutualaid.funds import services

    services.pledge_create(
        fund=bail_fund,
        amount=20_00,
        currency="USD",
        interval="monthly",
        next_due=timezone.localdate(),
        created_by=ada,
        contributor="Monthly neighbour",
    )
    html = client_for(ada).get(reverse("funds_fund", args=["crown", bail_fund.pk])).content.decode()
    assert "Monthly neighbour" in html and "20.00 USD" in html


def test_coordinators_only_fund_is_hidden_from_members(
    client_for: Any, crown: Any, ada: Any, ben: Any
) -> None:
    from mutualaid.funds import services

    fund = services.fund_create(group=crown, name="Security fund", visibility="coordinators")
    assert client_for(ben).get(reverse("funds_fund", args=["crown", fund.pk])).status_code == 404
    assert "Security fund" not in client_for(ben).get(reverse("funds_list", args=["crown"])).content.decode()
    assert client_for(ada).get(reverse("funds_fund", args=["crown", fund.pk])).status_code == 200


def test_coordinator_changes_the_rule_and_open_requests_follow(
    client_for: Any, ada: Any, ben: Any, rent_fund: Any
) -> None:
    ask = approved(rent_fund, amount=80_00, asker=ben, voters=[ada])  # limit 0: needs two coordinators
    assert ask.status == "open"
    response = client_for(ada).post(
        reverse("funds_fund_edit", args=["crown", rent_fund.pk]),
        {
            "name": "Rent relief",
            "kind": "medical",
            "currency": "EUR",
            "visibility": "public",
            "single_approval_limit": "100",
            "coordinator_approvals": "2",
            "member_approvals": "0",
        },
    )
    assert response.status_code == 302
    rent_fund.refresh_from_db()
    # Kind and currency cannot change; the rest did.
    assert (rent_fund.kind, rent_fund.currency, rent_fund.visibility, rent_fund.single_approval_limit) == (
        "rent",
        "USD",
        "public",
        100_00,
    )
    ask.refresh_from_db()
    assert ask.status == "approved"


def test_fund_edit_refuses_a_bad_rule(client_for: Any, ada: Any, rent_fund: Any) -> None:
    response = client_for(ada).post(
        reverse("funds_fund_edit", args=["crown", rent_fund.pk]),
        {
            "name": "",
            "visibility": "members",
            "single_approval_limit": "-5",
            "coordinator_approvals": "2",
            "member_approvals": "0",
        },
    )
    assert response.status_code == 400
    rent_fund.refresh_from_db()
    assert rent_fund.name == "Rent Relief"


def test_a_contribution_form_sent_twice_records_once(client_for: Any, ada: Any, bail_fund: Any) -> None:
    import uuid

    client = client_for(ada)
    url = reverse("funds_contribution_new", args=["crown", bail_fund.pk])
    form = {"submission": str(uuid.uuid4()), "amount": "20", "method": "cash", "occurred_on": "2026-11-01"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert Transaction.objects.count() == 1
    changed = client.post(url, {**form, "amount": "21"})
    assert changed.status_code == 400
    assert "This form was already sent with other values." in changed.content.decode()
    assert client.post(url, {**form, "submission": str(uuid.uuid4())}).status_code == 302
    assert Transaction.objects.count() == 2


def test_bail_comes_back_on_the_day_and_the_way_the_form_says(
    client_for: Any, ada: Any, ida: Any, ben: Any, bail_fund: Any
) -> None:
    import datetime

    from django.utils import timezone

    from mutualaid.funds import services

    fill(bail_fund, 500_00, ada)
    ask = approved(bail_fund, amount=300_00, asker=ben, voters=[ada, ida], kind="bail")
    services.request_pay(request=ask, paid_by=ada, method="check")
    day = timezone.localdate() - datetime.timedelta(days=3)
    url = reverse("funds_bail_settle", args=["crown", ask.pk])
    response = client_for(ada).post(
        url,
        {"amount": "250", "forfeit_rest": "on", "method": "bank", "occurred_on": day.isoformat()},
        follow=True,
    )
    assert "Recorded what happened to the bail." in response.content.decode()
    back = Transaction.objects.get(kind="bail_returned")
    assert (back.amount, back.method, back.occurred_on) == (250_00, "bank", day)
    assert Transaction.objects.get(kind="bail_forfeited").amount == 50_00
    refused = client_for(ada).post(url, {"amount": "1"}, follow=True)
    assert "Only bail that is at the court can come back." in refused.content.decode()


def test_fund_page_lists_every_running_pledge_and_marks_those_due(
    client_for: Any, ada: Any, bail_fund: Any
) -> None:
    import datetime

    from django.utils import timezone

    from mutualaid.funds import services

    today = timezone.localdate()
    services.pledge_create(
        fund=bail_fund,
        amount=20_00,
        currency="USD",
        interval="monthly",
        next_due=today,
        created_by=ada,
        contributor="Soon neighbour",
    )
    later = services.pledge_create(
        fund=bail_fund,
        amount=30_00,
        currency="USD",
        interval="quarterly",
        next_due=today + datetime.timedelta(days=60),
        created_by=ada,
        contributor="Later neighbour",
    )
    html = client_for(ada).get(reverse("funds_fund", args=["crown", bail_fund.pk])).content.decode()
    assert "Soon neighbour" in html and "Later neighbour" in html
    assert html.count("<strong>Due</strong>") == 1
    stop = reverse("funds_pledge_stop", args=["crown", bail_fund.pk, later.pk])
    assert stop in html
    client_for(ada).post(stop)
    later.refresh_from_db()
    assert later.active is False
    assert (
        "Later neighbour"
        not in client_for(ada).get(reverse("funds_fund", args=["crown", bail_fund.pk])).content.decode()
    )


def test_asking_for_money_twice_with_one_form_asks_once(client_for: Any, ben: Any, rent_fund: Any) -> None:
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(ben)
    url = reverse("funds_request_new", args=["crown", rent_fund.pk])
    form = {
        "submission": str(uuid.uuid4()),
        "kind": "reimbursement",
        "category": "food",
        "amount": "42.10",
        "for_self": "1",
        "purpose": "Groceries for the fridge",
        "payee": "",
    }
    first = client.post(url, {**form, "receipt": SimpleUploadedFile("r.png", PNG, content_type="image/png")})
    again = client.post(url, {**form, "receipt": SimpleUploadedFile("r.png", PNG, content_type="image/png")})
    ask = Request.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("funds_request", args=["crown", ask.pk])
    assert ask.receipts.count() == 1
    changed = client.post(url, {**form, "amount": "50"})
    assert changed.status_code == 400
    assert (
        "This form was already sent with other values. Reload the page to ask again."
        in changed.content.decode()
    )
    assert client.post(url, {**form, "submission": str(uuid.uuid4())}).status_code == 302
    assert Request.objects.count() == 2
