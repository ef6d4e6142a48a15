"""Notifications for events of the members app (join requests) and of claims on the board.

The members app cannot import channels (dependencies point the other way, DESIGN.md), so channels
listens to its saves. The receivers only decide who to tell and call `notify`; no rule lives here.
Claims: exchange tells a post's author of a new claim itself; channels adds who exchange cannot
reach — the coordinators of a post with no author (taken in by SMS or for a neighbour), the claimant
when the claim is answered, and the neighbour who texted in when help is found (services.claim_announce).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from mutualaid.exchange.models import Claim
from mutualaid.members.models import JoinRequest, Membership, Role


@receiver(post_save, sender=JoinRequest, dispatch_uid="channels.join_request_saved")
def join_request_saved(
    sender: Any, instance: JoinRequest, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    from mutualaid.channels import notify

    group = instance.group
    if created and instance.status == JoinRequest.Status.PENDING:
        url = reverse("members", kwargs={"slug": group.slug})
        coordinators = Membership.objects.filter(group=group, role=Role.COORDINATOR).select_related("user")
        for membership in coordinators:
            notify(
                user=membership.user,
                kind="join_request_received",
                context={"group": group.name, "name": instance.user.display_name, "url": url},
            )
    elif (
        not created
        and instance.status == JoinRequest.Status.APPROVED
        and (update_fields is None or "status" in update_fields)
    ):
        notify(
            user=instance.user,
            kind="join_request_approved",
            context={"group": group.name, "url": reverse("group", kwargs={"slug": group.slug})},
        )


@receiver(post_save, sender=Claim, dispatch_uid="channels.claim_saved")
def claim_saved(
    sender: Any, instance: Claim, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    from mutualaid.channels import services

    # A claim is made (pending), assigned (created accepted) or answered (decided_at written).
    answered = not created and update_fields is not None and "decided_at" in update_fields
    if created or answered:
        services.claim_announce(claim=instance, created=created)
