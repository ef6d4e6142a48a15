"""What alerts say. The words are fixed and agreed in advance, one text per kind of alert, in each
recipient's language: a verifier chooses the kind and the area, never the wording, so no alert carries
panic or rumour. Placeholders: the group, the area (`title`), the time it started (`name`), a link."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

NOTICE_KINDS: dict[str, tuple[Any, Any]] = {
    "alert_raid": (
        gettext_lazy("Verified alert: immigration enforcement near %(title)s"),
        gettext_lazy(
            "%(group)s: VERIFIED by our verifiers. Immigration enforcement near %(title)s since %(name)s. "
            "Stay calm. Do not open your door to agents without a signed warrant. Do not run. "
            "Know your rights: %(url)s"
        ),
    ),
    "alert_eviction": (
        gettext_lazy("Verified alert: eviction near %(title)s"),
        gettext_lazy(
            "%(group)s: VERIFIED by our verifiers. An eviction is under way near %(title)s since %(name)s. "
            "If you can come, come calmly and stay with others. Know your rights: %(url)s"
        ),
    ),
    "alert_police": (
        gettext_lazy("Verified alert: police action near %(title)s"),
        gettext_lazy(
            "%(group)s: VERIFIED by our verifiers. Police action near %(title)s since %(name)s. "
            "If you go, keep a safe distance, stay calm and film only if it is safe. Know your rights: %(url)s"
        ),
    ),
    "alert_disaster": (
        gettext_lazy("Verified alert: emergency near %(title)s"),
        gettext_lazy(
            "%(group)s: VERIFIED by our verifiers. An emergency near %(title)s since %(name)s. "
            "Follow official safety instructions and check on your neighbours. More: %(url)s"
        ),
    ),
    "alert_correction": (
        gettext_lazy("Correction to an alert: near %(title)s"),
        gettext_lazy("%(group)s: CORRECTION to our last alert. The place is near %(title)s. More: %(url)s"),
    ),
    "alert_clear": (
        gettext_lazy("All clear near %(title)s"),
        gettext_lazy(
            "%(group)s: ALL CLEAR. The alert near %(title)s is over. Thank you for looking out. More: %(url)s"
        ),
    ),
    "alert_report": (
        gettext_lazy("A report to check near %(title)s"),
        gettext_lazy("A new report (%(name)s) came to %(group)s near %(title)s. Check it: %(url)s"),
    ),
}

ALERT_KIND_NOTICE = {
    "raid": "alert_raid",
    "eviction": "alert_eviction",
    "police": "alert_police",
    "disaster": "alert_disaster",
}
