"""Demo alerts in Crown Heights: two verifiers (the coordinators ada and fatou), every member a responder
for the neighbourhood, and one report waiting for verification."""

from __future__ import annotations

from django.db import transaction

from mutualaid.defense import services
from mutualaid.defense.models import Report, Verifier
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership


@transaction.atomic
def load() -> None:
    crown = Group.objects.filter(slug="crown-heights").first()
    if crown is None or Verifier.objects.filter(group=crown).exists():
        return
    members = {m.user.username: m.user for m in Membership.objects.filter(group=crown).select_related("user")}
    coordinator = members.get("ada")
    if coordinator is None:
        return
    for username in ("ada", "fatou"):
        if username in members:
            services.verifier_grant(group=crown, user=members[username], actor=coordinator)
    for user in members.values():
        try:
            services.responder_save(
                group=crown,
                user=user,
                area="Crown Heights North",
                radius_km=3,
                by_sms=bool(user.phone),
                by_email=bool(user.email),
            )
        except Exception:  # noqa: S112 - a demo member without a way to be reached is skipped
            continue
    if Report.objects.filter(group=crown).exists() or "ada" not in members:
        return
    reporter = members.get("hana")
    services.report_create(
        group=crown,
        kind="eviction",
        what="Marshals and a locksmith at a building door, tenants outside.",
        where="Near the corner of two avenues",
        when_seen="About 20 minutes ago",
        area="Crown Heights North",
        reporter=reporter,
        check_area=False,
    )
