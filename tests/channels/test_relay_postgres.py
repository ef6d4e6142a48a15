"""A gateway's retry racing the original delivery of a texter's reply adds one message, not two, and
loses none (PostgreSQL: the (gateway, digest) row is the guard, taken before the reply is relayed)."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.channels import gateways, inbound
from mutualaid.exchange import services as exchange
from mutualaid.exchange.models import Message
from tests.races import errors, race, require_postgresql

pytestmark = pytest.mark.postgres_only

PHONE = "+17185550177"


def _deliver(gateway: Any, text: str, ident: str) -> bool:
    sms = gateways.InboundSms(phone=PHONE, text=text, dedupe_source=f"twilio\x00{ident}\x00{PHONE}\x00{text}")
    return inbound.inbound_receive(gateway=gateway, sms=sms)


def test_retries_racing_the_original_reply_land_once(
    transactional_db: Any, twilio: Any, ada: Any, ben: Any
) -> None:
    require_postgresql()
    from mutualaid.channels.models import IntakeRequest

    for n, word in enumerate(["NEED", "1", "Crown Heights", "1", "Rice"]):
        assert _deliver(twilio, word, f"SM{n}")
    request = IntakeRequest.objects.select_related("post").get()
    claim = exchange.claim_create(post=request.post, claimant=ben)
    exchange.claim_decide(claim=claim, actor=ada, accept=True)
    # The same reply delivered five times at once, and two different replies at the same moment.
    jobs = [lambda: _deliver(twilio, "see you at 5", "SMreply")] * 5 + [
        lambda: _deliver(twilio, "ring twice", "SMother"),
        lambda: _deliver(twilio, "thank you!", "SMthird"),
    ]
    results = race(jobs)
    assert not errors(results), errors(results)
    assert [r is True for r in results[:5]].count(True) == 1 and results[5:] == [True, True]
    bodies = sorted(m.body or "" for m in Message.objects.filter(claim=claim, from_neighbour=True))
    assert bodies == ["ring twice", "see you at 5", "thank you!"]
