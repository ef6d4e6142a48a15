"""Demo deliveries: today's grocery run in Crown Heights from the community hub, two drivers, five
households to deliver to and one pickup from an offer, planned and published (so Ben sees his route
and the exact addresses, today). The addresses are made up."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from mutualaid.deliveries import services
from mutualaid.deliveries.models import DeliveryRun
from mutualaid.exchange import services as board
from mutualaid.exchange.models import Post
from mutualaid.groups.models import Group
from mutualaid.members.models import User

# author, kind, title, quantity, unit, area, exact address, window (hour, hour) or None
HOUSEHOLDS = [
    ("hana", "need", "Groceries for the week", 2, "bags", "11216", "12 Example Pl, 3rd floor", (10, 12)),
    ("jojo", "need", "Baby formula and diapers", 1, "box", "11225", "40 Sample St, apt 2B", None),
    ("elena", "need", "Despensa para la semana", 3, "bags", "11216", "7 Demo Ave (buzzer 4)", (11, 13)),
    ("dede", "need", "Hot meal for two", 1, "tray", "11225", "88 Test Rd", None),
    ("fatou", "need", "Fresh produce box", 2, "boxes", "11216", "3 Placeholder Ct", None),
    ("ben", "offer", "Bread from the bakery, end of day", 4, "bags", "11225", "150 Bakery Row", (9, 11)),
]


def load() -> None:
    # The demo is loaded before any coordinator sets up a second factor; Ada acts as the
    # coordinator here through the same services, which otherwise ask for one.
    with override_settings(MUTUALAID_REQUIRE_COORDINATOR_MFA=False):
        _load()


@transaction.atomic
def _load() -> None:
    crown = Group.objects.filter(slug="crown-heights").first()
    if crown is None or DeliveryRun.objects.filter(group=crown).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["ada", "ben", "dede", "hana", "jojo", "elena", "fatou"])
    }
    if "ada" not in users or "ben" not in users or "dede" not in users:
        return
    ada = users["ada"]
    today = timezone.localdate()

    def at(hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(today, datetime.time(hour, 0)))

    run = services.run_create(group=crown, actor=ada, day=today)
    hub = services.depot_add(
        run=run, actor=ada, name="Community hub", address="Church basement, 1 Example Ave", area="11216"
    )
    for username, capacity in (("ben", 6), ("dede", 8)):
        services.driver_add(
            run=run,
            actor=ada,
            data=services.DriverInput(
                member=users[username], capacity=capacity, depot=hub, shift_start=at(9), shift_end=at(14)
            ),
        )
    for author, kind, title, quantity, unit, area, address, window in HOUSEHOLDS:
        if author not in users:
            continue
        post: Post = board.post_create(
            group=crown,
            author=users[author],
            data=board.PostInput(
                kind=kind,
                category="food",
                title=title,
                details="",
                quantity=quantity,
                unit=unit,
                urgency="today",
                area=area,
                languages=["es"] if author == "elena" else ["en"],
                address=address,
            ),
        )
        services.stop_add(
            run=run,
            actor=ada,
            post=post,
            window_start=at(window[0]) if window else None,
            window_end=at(window[1]) if window else None,
        )
    services.run_settings(
        run=run, actor=ada, exact_routing=False, max_leg_min=None, relay_phone="+1 555 010 0200"
    )
    services.run_plan(run=run, actor=ada, time_limit_s=1.0)
    services.run_publish(run=run, actor=ada)
