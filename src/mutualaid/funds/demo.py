"""Demo funds: a bail fund in Bushwick and a rent fund in Crown Heights, with money in and out."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from mutualaid.funds import services
from mutualaid.funds.models import Fund
from mutualaid.groups.models import Group
from mutualaid.members.models import User


@transaction.atomic
def load() -> None:
    today = timezone.localdate()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["ada", "fatou", "marisol", "gabo", "ben", "cy", "kiki"])
    }
    bushwick = Group.objects.get(slug="bushwick")
    crown = Group.objects.get(slug="crown-heights")

    if not Fund.objects.filter(group=bushwick, name="Fondo de fianzas").exists():
        bail = services.fund_create(
            group=bushwick,
            name="Fondo de fianzas",
            kind="bail",
            currency="USD",
            visibility="public",
            purpose="Pagamos fianzas para que nadie espere su juicio en la cárcel por no tener dinero.",
            single_approval_limit=200_00,
            coordinator_approvals=2,
        )
        for days_ago, amount, method in [
            (75, 500_00, "app"),
            (60, 1200_00, "bank"),
            (40, 250_00, "cash"),
            (12, 800_00, "app"),
        ]:
            services.contribution_record(
                fund=bail,
                amount=amount,
                currency="USD",
                method=method,
                recorded_by=users["marisol"],
                occurred_on=today - datetime.timedelta(days=days_ago),
            )
        ask = services.request_create(
            fund=bail,
            requested_by=users["cy"],
            amount=1000_00,
            currency="USD",
            kind="bail",
            category="legal",
            for_self=False,
            purpose="Fianza para un vecino detenido el viernes.",
            payee="Tribunal penal de Kings County",
        )
        services.request_approve(request=ask, voter=users["marisol"])
        services.request_approve(request=ask, voter=users["gabo"])
        services.request_pay(
            request=ask,
            paid_by=users["marisol"],
            method="check",
            occurred_on=today - datetime.timedelta(days=30),
        )
        services.bail_settle(
            request=ask,
            returned=1000_00,
            recorded_by=users["gabo"],
            occurred_on=today - datetime.timedelta(days=5),
        )
        waiting = services.request_create(
            fund=bail,
            requested_by=users["kiki"],
            amount=500_00,
            currency="USD",
            kind="bail",
            category="legal",
            for_self=False,
            purpose="Fianza fijada esta mañana.",
        )
        services.request_approve(request=waiting, voter=users["gabo"])

    if not Fund.objects.filter(group=crown, name="Rent relief").exists():
        rent = services.fund_create(
            group=crown,
            name="Rent relief",
            kind="rent",
            currency="USD",
            visibility="members",
            purpose="Neighbours chip in so nobody in Crown Heights is evicted over one month's rent.",
            single_approval_limit=150_00,
            coordinator_approvals=2,
        )
        for days_ago, amount in [(50, 300_00), (35, 450_00), (20, 150_00)]:
            services.contribution_record(
                fund=rent,
                amount=amount,
                currency="USD",
                method="app",
                recorded_by=users["ada"],
                occurred_on=today - datetime.timedelta(days=days_ago),
            )
        services.pledge_create(
            fund=rent,
            amount=25_00,
            currency="USD",
            interval="monthly",
            next_due=today + datetime.timedelta(days=3),
            created_by=users["ada"],
            contributor="Church on Eastern Parkway",
        )
        ask = services.request_create(
            fund=rent,
            requested_by=users["ben"],
            amount=600_00,
            currency="USD",
            category="housing",
            purpose="Half of this month's rent after losing shifts.",
            payee="Landlord, by money order",
        )
        services.request_approve(request=ask, voter=users["ada"])
        services.request_approve(request=ask, voter=users["fatou"])
        services.request_pay(
            request=ask, paid_by=users["ada"], method="check", occurred_on=today - datetime.timedelta(days=15)
        )
