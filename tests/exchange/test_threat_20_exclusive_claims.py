"""THREATS.md property 20: claims are exclusive under concurrency.

Two members claim the same need at the same instant on PostgreSQL, five rounds: exactly one wins each time.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mutualaid.exchange import services
from mutualaid.exchange.models import Claim
from tests.helpers import make_post
from tests.races import outcomes, race, require_postgresql


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_members_claiming_at_once_exactly_one_wins(crown: Any, ben: Any, fay: Any, ada: Any) -> None:
    require_postgresql()
    post = make_post(crown, ben)
    for _round in range(5):
        results = race([lambda u=u: services.claim_create(post=post, claimant=u) for u in (fay, ada)])
        assert outcomes(results, refused=(ValidationError,)) == ["refused", "won"]
        assert Claim.objects.filter(post=post, state="pending").count() == 1
        winner = Claim.objects.get(post=post, state="pending")
        services.claim_decide(claim=winner, actor=ben, accept=False)
