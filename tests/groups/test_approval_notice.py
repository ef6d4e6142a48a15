"""An "approval" notice (your vote is needed) names what it is about, so two never look alike."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from mutualaid.channels.models import Notice
from mutualaid.channels.notifications import notice_subject
from mutualaid.core.notify import notify


def test_the_subject_names_what_waits_for_a_vote(crown: Any, ada: Any) -> None:
    for title in ("A request of $40.00 to Rent relief", "3 matching proposals"):
        notify(user=ada, kind="approval", context={"group": crown.name, "title": title, "url": "/x/"})
    subjects = sorted(notice_subject(n) for n in Notice.objects.filter(user=ada, kind="approval"))
    assert subjects == [
        f"Your vote is needed in {crown.name}: 3 matching proposals",
        f"Your vote is needed in {crown.name}: A request of $40.00 to Rent relief",
    ]
    with translation.override("es"):
        assert all(": " in notice_subject(n) for n in Notice.objects.filter(kind="approval"))
