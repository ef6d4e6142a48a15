"""Demo matching: daily rounds on in Crown Heights, one food need the cooked meals can serve, and one
round of proposals waiting for a coordinator. Loading twice changes nothing."""

from __future__ import annotations

from django.db import transaction

from mutualaid.exchange import services as board
from mutualaid.groups.models import Group
from mutualaid.matching import services
from mutualaid.matching.models import MatchingSettings, Round, Schedule
from mutualaid.members.models import User


@transaction.atomic
def load() -> None:
    crown = Group.objects.filter(slug="crown-heights").first()
    hana = User.objects.filter(username="hana").first()
    if crown is None or hana is None or Round.objects.filter(group=crown).exists():
        return
    MatchingSettings.objects.get_or_create(group=crown, defaults={"schedule": Schedule.DAILY})
    board.post_create(
        group=crown,
        author=hana,
        data=board.PostInput(
            kind="need",
            category="food",
            title="Hot meals for two this week",
            details="Two adults, no pork.",
            quantity=2,
            unit="meals",
            urgency="week",
            area="11225",
            languages=["en"],
        ),
    )
    services.round_run(group=crown, started_by=None)  # as the daily schedule would
