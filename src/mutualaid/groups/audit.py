"""The coordinators' view of the read-audit log of their group (THREATS.md property 15)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mutualaid.core.selectors import AUDIT_PAGE, sensitive_reads_in_group
from mutualaid.groups import access


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = access.get_group_for_coordinator(request.user, slug)  # type: ignore[arg-type]
    return render(
        request,
        "core/audit.html",
        {
            "group": group,
            "membership": membership,
            "entries": sensitive_reads_in_group(group.pk),
            "limit": AUDIT_PAGE,
            "days": settings.MUTUALAID_AUDIT_RETENTION_DAYS,
        },
    )
