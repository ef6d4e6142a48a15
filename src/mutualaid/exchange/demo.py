"""Demo needs and offers for the two demo groups. Loading twice changes nothing."""

from __future__ import annotations

from django.db import transaction

from mutualaid.exchange import services
from mutualaid.exchange.models import Post
from mutualaid.groups.models import Group
from mutualaid.members.models import User

# group slug, author, kind, category, title, details, quantity, unit, urgency, area, languages
POSTS = [
    (
        "crown-heights",
        "ben",
        "need",
        "food",
        "2 bags of groceries",
        "Vegetarian, for a family of three.",
        2,
        "bags",
        "today",
        "11216",
        ["en"],
    ),
    (
        "crown-heights",
        "dede",
        "offer",
        "transport",
        "3 seats in a car on Saturdays",
        "Can drive to the pantry and back.",
        3,
        "seats",
        "flexible",
        "Wingate",
        ["en", "ht"],
    ),
    (
        "crown-heights",
        "hana",
        "need",
        "childcare",
        "4 hours of childcare on Thursday",
        "Two kids, 5 and 8.",
        4,
        "hours",
        "week",
        "Crown Heights North",
        ["en"],
    ),
    (
        "crown-heights",
        "jojo",
        "offer",
        "food",
        "Cooked meals for 6",
        "Rice and peas, chicken stew.",
        6,
        "meals",
        "week",
        "11225",
        ["en"],
    ),
    (
        "crown-heights",
        "elena",
        "need",
        "housing",
        "Help at an eviction hearing",
        "Court on Monday morning; need someone to come along.",
        1,
        "",
        "week",
        "11213",
        ["es", "en"],
    ),
    (
        "crown-heights",
        "ada",
        "offer",
        "skills",
        "Spanish-English interpreting",
        "Phone or in person, evenings.",
        5,
        "hours",
        "flexible",
        "11216",
        ["es", "en"],
    ),
    (
        "bushwick",
        "cy",
        "need",
        "food",
        "Leche y pañales",
        "Para un bebé de 6 meses.",
        1,
        "",
        "today",
        "11221",
        ["es"],
    ),
    (
        "bushwick",
        "ines",
        "offer",
        "childcare",
        "Cuidado de niños los sábados",
        "Tengo experiencia con niños pequeños.",
        3,
        "horas",
        "flexible",
        "Bushwick",
        ["es"],
    ),
    (
        "bushwick",
        "kiki",
        "need",
        "transport",
        "Ride to a clinic appointment",
        "Tuesday 10am, wheelchair accessible please.",
        1,
        "ride",
        "week",
        "11237",
        ["es", "en"],
    ),
]


@transaction.atomic
def load() -> None:
    if Post.objects.filter(group__slug__in=["crown-heights", "bushwick"]).exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in={p[1] for p in POSTS} | {"fatou"})}
    groups = {g.slug: g for g in Group.objects.filter(slug__in=["crown-heights", "bushwick"])}
    created = {}
    for slug, author, kind, category, title, details, quantity, unit, urgency, area, languages in POSTS:
        if slug not in groups or author not in users:
            continue
        created[title] = services.post_create(
            group=groups[slug],
            author=users[author],
            data=services.PostInput(
                kind=kind,
                category=category,
                title=title,
                details=details,
                quantity=quantity,
                unit=unit,
                urgency=urgency,
                area=area,
                languages=languages,
            ),
        )
    groceries = created.get("2 bags of groceries")
    if groceries is not None and "jojo" in users:
        claim = services.claim_create(post=groceries, claimant=users["jojo"])
        services.claim_decide(claim=claim, actor=users["ben"], accept=True)
        services.message_send(
            claim=claim, author=users["jojo"], body="I can bring them around 6pm. Which door?"
        )
        services.message_send(claim=claim, author=users["ben"], body="Thank you! Ring the side door.")
    childcare = created.get("4 hours of childcare on Thursday")
    if childcare is not None and "dede" in users:
        services.claim_create(post=childcare, claimant=users["dede"])
