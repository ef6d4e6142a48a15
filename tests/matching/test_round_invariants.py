"""Invariants of a round over random boards: capacities respected, declined and same-author pairs never
proposed, nothing promised twice across rounds."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from mutualaid.exchange import services as board
from mutualaid.groups.models import Group
from mutualaid.matching import services
from mutualaid.matching.models import DeclinedPair, Proposal
from mutualaid.members.models import Membership
from tests.conftest import enable_totp, make_user

POST = st.tuples(
    st.sampled_from(["need", "offer"]),
    st.integers(0, 2),  # kind, author index
    st.sampled_from(["food", "transport"]),
    st.integers(1, 4),  # category, quantity
    st.floats(40.66, 40.69),
    st.floats(-73.96, -73.93),
)


class RoundInvariants(TestCase):
    def setUp(self) -> None:
        self.group = Group.objects.create(name="Crown", slug="crown", centre_lat=40.67, centre_lon=-73.94)
        self.coordinator = make_user("ada")
        Membership.objects.create(user=self.coordinator, group=self.group, role="coordinator")
        enable_totp(self.coordinator)
        self.members = [self.coordinator]
        for name in ("ben", "fay"):
            user = make_user(name)
            Membership.objects.create(user=user, group=self.group)
            self.members.append(user)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(POST, min_size=1, max_size=12), st.data())
    def test_round_respects_capacities_and_exclusions(self, posts: list[Any], data: st.DataObject) -> None:
        created = [
            board.post_create(
                group=self.group,
                author=self.members[author],
                data=board.PostInput(
                    kind=kind, category=category, title=f"{kind} {i}", quantity=quantity, lat=lat, lon=lon
                ),
            )
            for i, (kind, author, category, quantity, lat, lon) in enumerate(posts)
        ]
        needs = [p for p in created if p.kind == "need"]
        offers = [p for p in created if p.kind == "offer"]
        if needs and offers:
            for need, offer in data.draw(
                st.lists(st.tuples(st.sampled_from(needs), st.sampled_from(offers)), max_size=3)
            ):
                DeclinedPair.objects.get_or_create(need=need, offer=offer)
        first = services.round_run(group=self.group, started_by=self.coordinator)
        approve = [p.pk for p in first.proposals.all() if data.draw(st.booleans())]
        services.proposals_decide(group=self.group, actor=self.coordinator, approve_ids=approve)
        services.round_run(group=self.group, started_by=self.coordinator)
        live = Proposal.objects.filter(state__in=("proposed", "approved")).select_related("need", "offer")
        declined = set(DeclinedPair.objects.values_list("need_id", "offer_id"))
        need_units, offer_units = Counter[int](), Counter[int]()
        for p in live:
            need_units[p.need_id] += p.units
            offer_units[p.offer_id] += p.units
            assert p.need.category == p.offer.category
            assert p.need.author_id != p.offer.author_id
            assert (p.need_id, p.offer_id) not in declined
        for post in created:
            assert (need_units if post.kind == "need" else offer_units)[post.pk] <= post.quantity
        pairs = [(p.need_id, p.offer_id) for p in live]
        assert len(pairs) == len(set(pairs))
