"""A printed shift page is a roster: the tester's demo run printed the coordinator's "cancel this shift"
checkbox and the "ask someone to take my place" list on it. Those controls are marked no-print (site.css
hides .no-print on paper); the roles and who signed up still print."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from tests.shifts.conftest import next_occurrence, role


def test_the_printed_roster_leaves_out_the_controls(client_for: Any, pantry: Any, ada: Any, ben: Any) -> None:
    occurrence = next_occurrence(pantry)
    client = client_for(ada)
    client.post(
        reverse("shifts_signup", kwargs={"slug": "crown", "occurrence_id": occurrence.pk}),
        {"role": role(pantry, "sorter").pk},
    )
    client_for(ben).post(
        reverse("shifts_signup", kwargs={"slug": "crown", "occurrence_id": occurrence.pk}),
        {"role": role(pantry, "driver").pk},
    )
    html = client.get(
        reverse("shifts_occurrence", kwargs={"slug": "crown", "occurrence_id": occurrence.pk})
    ).content.decode()
    swap = re.search(r'<form[^>]*action="[^"]*/swap/"[^>]*>', html)
    assert swap and "no-print" in swap.group(0)
    cancel = html.index('/cancel/"')
    assert html.rfind('<div class="no-print">', 0, cancel) > html.rfind("</div>", 0, cancel)
    assert 'name="skip"' in html[html.rfind('<div class="no-print">') :]
    roles = html[html.index("<h2>Roles</h2>") : html.rfind('<div class="no-print">')]
    assert "no-print" not in roles and "Ben" in roles  # who signed up still prints
