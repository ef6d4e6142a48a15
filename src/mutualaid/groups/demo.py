from __future__ import annotations

from django.db import transaction

from mutualaid.core.demo import DEMO_PASSWORD
from mutualaid.groups.models import Group
from mutualaid.groups.services import GroupProfile, area_add, group_create
from mutualaid.members import services as member_services
from mutualaid.members.models import Membership, Role, User

GROUPS = [
    GroupProfile(
        name="Crown Heights Mutual Aid",
        slug="crown-heights",
        description="Neighbours in Crown Heights sharing groceries, rides, childcare and eviction defense.",
        centre_lat=40.6694,
        centre_lon=-73.9422,
        radius_km=2.5,
        postal_codes=["11213", "11216", "11225", "11238"],
        categories=["food", "housing", "transport", "childcare", "supplies", "skills"],
        languages=["en", "es", "ht"],
        contact="Hotline: leave a message and a volunteer calls back within a day.",
        how_to_join="Ask a member for an invitation link, or ask to join here and a coordinator will approve you.",
        listed=True,
        accepts_requests=True,
    ),
    GroupProfile(
        name="Ayuda Mutua Bushwick",
        slug="bushwick",
        description="Red de apoyo mutuo en Bushwick: comida, cuidado de niños, transporte y fondo de fianzas.",
        centre_lat=40.6944,
        centre_lon=-73.9213,
        radius_km=2.0,
        postal_codes=["11221", "11237", "11206"],
        categories=["food", "legal", "childcare", "transport", "money"],
        languages=["es", "en"],
        contact="Escríbenos por SMS o pasa por la despensa comunitaria los sábados.",
        how_to_join="Pide un enlace de invitación a alguien de la red.",
        listed=True,
        accepts_requests=False,
    ),
]

AREAS = {
    "crown-heights": [
        ("Crown Heights North", "11216", 40.6760, -73.9450),
        ("Wingate", "11225", 40.6600, -73.9430),
    ],
    "bushwick": [("Bushwick", "11221", 40.6944, -73.9213), ("Ridgewood border", "11237", 40.7000, -73.9150)],
}

# username, display name, language, {group slug: role}
MEMBERS = [
    ("ada", "Ada", "en", {"crown-heights": Role.COORDINATOR}),
    ("marisol", "Marisol", "es", {"bushwick": Role.COORDINATOR}),
    ("ben", "Ben", "en", {"crown-heights": Role.MEMBER}),
    ("cy", "Cy", "en", {"bushwick": Role.MEMBER}),
    ("dede", "Dédé", "en", {"crown-heights": Role.MEMBER}),
    ("elena", "Elena", "es", {"bushwick": Role.MEMBER, "crown-heights": Role.MEMBER}),
    ("fatou", "Fatou", "en", {"crown-heights": Role.COORDINATOR}),
    ("gabo", "Gabo", "es", {"bushwick": Role.COORDINATOR}),
    ("hana", "Hana", "en", {"crown-heights": Role.MEMBER}),
    ("ines", "Inés", "es", {"bushwick": Role.MEMBER}),
    ("jojo", "JoJo", "en", {"crown-heights": Role.MEMBER}),
    ("kiki", "Kiki", "es", {"bushwick": Role.MEMBER}),
]


@transaction.atomic
def load() -> list[tuple[str, str, str]]:
    users: dict[str, User] = {}
    for username, display, language, _roles in MEMBERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = member_services.user_create(
                username=username, password=DEMO_PASSWORD, display_name=display, language=language
            )
        users[username] = user
    if not User.objects.filter(is_superuser=True).exists():
        User.objects.filter(pk=users["ada"].pk).update(is_staff=True, is_superuser=True)
    for profile in GROUPS:
        group = Group.objects.filter(slug=profile.slug).first()
        if group is None:
            first_coordinator = next(
                users[u] for u, _d, _l, roles in MEMBERS if roles.get(profile.slug) == Role.COORDINATOR
            )
            group = group_create(profile=profile, creator=first_coordinator)
            for name, postal, lat, lon in AREAS[profile.slug]:
                area_add(group=group, name=name, postal_code=postal, lat=lat, lon=lon)
        for username, _display, _language, roles in MEMBERS:
            if profile.slug in roles:
                Membership.objects.get_or_create(
                    user=users[username], group=group, defaults={"role": roles[profile.slug]}
                )
    return [
        (username, display, ", ".join(f"{role} of {slug}" for slug, role in roles.items()))
        for username, display, _language, roles in MEMBERS
    ]
