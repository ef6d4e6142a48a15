"""Demo alerts: verifiers and responders in Crown Heights, and one verified alert with its all-clear."""

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
    coordinator = next((u for u in members.values() if u.is_active), None)
    if coordinator is None:
        return
    for username in ("ada", "ben"):
        if username in members:
            services.verifier_grant(group=crown, user=members[username], actor=coordinator)
    for user in members.values():
        try:
            services.responder_save(
                group=crown,
                user=user,
                area="Crown Heights",
                radius_km=3,
                by_sms=bool(user.phone),
                by_email=bool(user.email),
            )
        except Exception:  # noqa: S112 - a demo member without a way to be reached is skipped
            continue
    if Report.objects.filter(group=crown).exists() or "ada" not in members:
        return
    reporter = next((u for name, u in members.items() if name not in {"ada", "ben"}), None)
    services.report_create(
        group=crown,
        kind="eviction",
        what="Marshals and a locksmith at a building door, tenants outside.",
        where="Near the corner of two avenues",
        when_seen="About 20 minutes ago",
        area="Crown Heights",
        reporter=reporter,
        check_area=False,
    )
