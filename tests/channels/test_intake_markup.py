"""The SMS intake page: one reply box per request, each with its own ids and label (issue 11)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.channels.conftest import post_twilio
from tests.core.test_markup_firstday import check_controls


def test_sms_intake_page_has_unique_ids_and_labels(
    ada: Any, client: Any, client_for: Any, twilio: Any
) -> None:
    for phone in ("+17185550160", "+17185550161"):
        for word in ("NEED", "1", "Wingate", "1", "Diapers size 4"):
            post_twilio(client, phone, word)
    html = client_for(ada).get(reverse("channels_intake", kwargs={"slug": "crown"})).content.decode()
    assert html.count("<textarea") == 2
    check_controls(html)
