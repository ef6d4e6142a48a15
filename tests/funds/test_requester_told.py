"""The member who asked a fund for money hears when it is approved, declined or paid, in their language
(the walk-through: a Spanish member's request was approved and paid and she was never told). The notice
names the amount and the fund, never the purpose or the payee."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.channels.models import Notice, OutboundMessage
from mutualaid.funds import services
from tests.funds.conftest import approved, fill


def _asker(user: Any) -> Any:
    user.email = "asker@example.org"
    user.language = "es"
    user.save(update_fields=["email", "language"])
    return user


def test_the_asker_hears_approved_then_paid(
    ada: Any, ida: Any, ben: Any, rent_fund: Any, client_for: Any
) -> None:
    _asker(ben)
    fill(rent_fund, 500_00, ada)
    ask = services.request_create(
        fund=rent_fund,
        requested_by=ben,
        amount=120_50,
        currency="USD",
        purpose="SECRET-PURPOSE",
        payee="SECRET",
    )
    assert not Notice.objects.filter(user=ben).exists(), "nothing decided yet"
    for voter in (ada, ida):  # the fund's rule: two coordinators
        services.request_approve(request=ask, voter=voter)
    services.request_pay(request=ask, paid_by=ada, method="cash")
    kinds = list(Notice.objects.filter(user=ben).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["fund_request_approved", "fund_request_paid"]
    bodies = " ".join(OutboundMessage.objects.filter(user=ben).values_list("body", flat=True))
    assert "120,50 USD" in bodies and "Rent Relief" in bodies and f"/funds/requests/{ask.pk}/" in bodies
    assert "SECRET" not in bodies
    assert not Notice.objects.filter(user=ada, kind__startswith="fund_request").exists()
    inbox = client_for(ben).get(reverse("channels_notices")).content.decode()
    assert "Pagada: tu solicitud de 120,50 USD a Rent Relief" in inbox


def test_the_asker_hears_a_decline_and_not_an_approval_still_short_of_votes(
    ada: Any, ida: Any, ben: Any, bail_fund: Any
) -> None:
    _asker(ben)
    ask = services.request_create(
        fund=bail_fund, requested_by=ben, amount=1500_00, currency="USD", purpose="x", kind="bail"
    )
    services.request_approve(request=ask, voter=ada)  # one of the two coordinators the rule needs
    assert not Notice.objects.filter(user=ben, kind="fund_request_approved").exists()
    services.request_decline(request=ask, declined_by=ida)
    assert list(Notice.objects.filter(user=ben).values_list("kind", flat=True)) == ["fund_request_declined"]


def test_a_request_approved_by_the_rule_at_once_tells_the_asker(
    ada: Any, ida: Any, ben: Any, bail_fund: Any
) -> None:
    ask = approved(bail_fund, amount=20_00, asker=ben, voters=[ada])
    assert ask.status == "approved"
    assert Notice.objects.filter(user=ben, kind="fund_request_approved").count() == 1
