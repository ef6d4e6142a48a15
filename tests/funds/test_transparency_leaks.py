"""The transparency page, its API twin and the coordinators' CSV carry no names, payees, purposes or
payment references, whatever those are (hypothesis picks them; each is a canary we grep for)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.funds import services
from tests.funds.conftest import PNG

canary = st.text(alphabet="BCDFGHJKLMNPQRSTVWXZ", min_size=8, max_size=12).map(lambda s: f"Qx{s}")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(canary, min_size=8, max_size=8, unique=True),
    amounts=st.lists(st.integers(1_00, 400_00), min_size=3, max_size=3),
    kind=st.sampled_from(["grant", "bail", "reimbursement"]),
)
def test_no_name_reaches_the_transparency_page_or_the_csv(
    names: list[str], amounts: list[int], kind: str, client_for: Any, crown: Any, ada: Any, ida: Any, ben: Any
) -> None:
    requester, voter, other_voter, contributor, reference, purpose, payee, pay_reference = names
    with transaction.atomic():
        for user, name in ((ben, requester), (ada, voter), (ida, other_voter)):
            user.display_name = name
            user.save(update_fields=["display_name"])
        fund = services.fund_create(
            group=crown, name="Leak fund", kind="bail", visibility="public", single_approval_limit=0
        )
        services.contribution_record(
            fund=fund,
            amount=sum(amounts) + 1_00,
            currency="USD",
            method="app",
            recorded_by=ada,
            contributor=contributor,
            reference=reference,
        )
        for amount in amounts:
            ask = services.request_create(
                fund=fund,
                requested_by=ben,
                amount=amount,
                currency="USD",
                kind=kind,
                purpose=purpose,
                payee=payee,
                for_self=False,
            )
            if kind == "reimbursement":
                services.receipt_add(request=ask, uploaded_by=ben, data=PNG)
            services.request_approve(request=ask, voter=ada)
            services.request_approve(request=ask, voter=ida)
            services.request_pay(request=ask, paid_by=ida, method="bank", reference=pay_reference)
            if kind == "bail":
                services.bail_settle(request=ask, returned=amount // 2, forfeit_rest=True, recorded_by=ada)
        pages = {
            "page": Client().get(reverse("funds_transparency", args=["crown", fund.pk])),
            "api": Client().get(f"/api/v1/groups/crown/funds/{fund.pk}/transparency"),
            "group page": Client().get(reverse("group", args=["crown"])),
            "csv": client_for(ada).get(reverse("funds_export", args=["crown", fund.pk])),
        }
        for where, response in pages.items():
            assert response.status_code == 200, where
            text = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
            for name in names:
                assert name not in text, f"{name} on the {where}"
        # The figures are there all the same.
        assert str(sum(amounts) + 1_00) in pages["api"].content.decode()
        transaction.set_rollback(True)
