"""What the lending library tells people, through the core notification port: the item held for you
is ready to pick up, it is due back soon, it is overdue. A notice names the item, never who else is
waiting for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy

from mutualaid.core.notify import notify

if TYPE_CHECKING:
    from mutualaid.lending.models import Loan

NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "lending_ready": (
        gettext_lazy("Ready for you: %(item)s"),
        gettext_lazy("%(item)s (%(group)s) is held for you. Arrange the pick-up: %(url)s"),
    ),
    "lending_due_soon": (
        gettext_lazy("Due back soon: %(item)s"),
        gettext_lazy("%(item)s (%(group)s) is due back on %(due)s. %(url)s"),
    ),
    "lending_overdue": (
        gettext_lazy("Overdue: %(item)s"),
        gettext_lazy(
            "%(item)s (%(group)s) was due back on %(due)s. Others may be waiting; please bring it back "
            "or tell the group. %(url)s"
        ),
    ),
}


def _context(loan: Loan) -> dict[str, Any]:
    item = loan.item
    return {
        "item": item.name,
        "group": item.group.name,
        "due": formats.date_format(loan.due_on, "DATE_FORMAT") if loan.due_on else "",
        "url": reverse("lending_item", kwargs={"slug": item.group.slug, "item_id": item.pk}),
    }


def ready(loan: Loan) -> None:
    notify(user=loan.member, kind="lending_ready", context=_context(loan))


def due_soon(loan: Loan) -> None:
    notify(user=loan.member, kind="lending_due_soon", context=_context(loan))


def overdue(loan: Loan) -> None:
    notify(user=loan.member, kind="lending_overdue", context=_context(loan))
