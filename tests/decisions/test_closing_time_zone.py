"""A proposal's closing time reads the same in its notice as on its page: the site's time zone, named."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from mutualaid.decisions import notices
from tests.decisions.conftest import open_proposal


def test_the_notice_and_the_page_say_the_same_closing_time(
    settings: Any, client_for: Any, crown: Any, ada: Any
) -> None:
    settings.TIME_ZONE = "America/New_York"
    closes = (timezone.now() + datetime.timedelta(days=3)).replace(minute=30, second=0, microsecond=0)
    local = closes.astimezone(ZoneInfo("America/New_York"))
    assert local.hour != closes.astimezone(datetime.UTC).hour
    proposal = open_proposal(crown, ada, closes_at=closes)
    assert notices._context(proposal)["closes"] == f"{local:%Y-%m-%d %H:%M} America/New_York"
    page = client_for(ada).get(
        reverse("decisions_proposal", kwargs={"slug": "crown", "proposal_id": proposal.pk})
    )
    assert date_format(local, "D j M Y, H:i") in page.content.decode()
    assert timezone.get_current_timezone_name() == "America/New_York"
