"""What the members app tells people: join requests received and approved (through core.notify)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from mutualaid.core.notify import notify
from mutualaid.members.models import JoinRequest, Membership, Role

# kind -> (subject, text); placeholders come from the caller's context (names and titles, never contact details).
NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "join_request_received": (
        gettext_lazy("Someone asked to join %(group)s"),
        gettext_lazy("%(name)s asked to join %(group)s. Review the request: %(url)s"),
    ),
    "join_request_approved": (
        gettext_lazy("Welcome to %(group)s"),
        gettext_lazy("Your request to join %(group)s was approved. %(url)s"),
    ),
    "join_approved_new_account": (
        gettext_lazy("Welcome to %(group)s"),
        gettext_lazy(
            "Your request to join %(group)s was approved. You can now log in with the username "
            "%(username)s and the password you chose. %(url)s"
        ),
    ),
    # A member downloaded everything the platform holds about them (members.services.data_export).
    "data_exported": (
        gettext_lazy("Your data was downloaded"),
        gettext_lazy(
            "A copy of everything this site holds about you was just downloaded from your account. If that "
            "was not you, change your password and check your second factor now: %(url)s"
        ),
    ),
}


def data_exported(user: Any) -> None:
    """Tell a member their data was downloaded (a stolen session must not download quietly)."""
    notify(user=user, kind="data_exported", context={"url": reverse("profile")})


def join_request_received(join_request: JoinRequest) -> None:
    """Tell the group's coordinators that someone asked to join."""
    group = join_request.group
    url = reverse("members", kwargs={"slug": group.slug})
    coordinators = Membership.objects.filter(group=group, role=Role.COORDINATOR).select_related("user")
    for membership in coordinators:
        notify(
            user=membership.user,
            kind="join_request_received",
            context={"group": group.name, "name": join_request.user.display_name, "url": url},
        )


def join_request_approved(join_request: JoinRequest) -> None:
    """Tell the person who asked that they are in."""
    group = join_request.group
    context = {"group": group.name, "url": reverse("group", kwargs={"slug": group.slug})}
    if join_request.username_was_taken:
        # The username chosen at sign-up was taken: tell the one it was given instead.
        context["username"] = join_request.user.username
        notify(user=join_request.user, kind="join_approved_new_account", context=context)
    else:
        notify(user=join_request.user, kind="join_request_approved", context=context)
