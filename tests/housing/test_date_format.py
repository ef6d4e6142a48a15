"""One date format for the whole site ("Sat 12 Dec 2026"; Spanish "sáb 12 dic 2026", month in
lower case): the stay page and the notices list used Django's default ("Dec. 10, 2026")."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import formats, translation

from mutualaid.channels.models import Notice
from mutualaid.core.notify import notify
from mutualaid.housing.models import Stay


def _spanish(user: Any) -> None:
    user.language = "es"
    user.save(update_fields=["language"])


def test_the_stay_page_uses_the_site_date_format(client_for: Any, ada: Any, proposed: Any) -> None:
    day = datetime.date(2026, 12, 12)
    Stay.objects.filter(pk=proposed.pk).update(starts_on=day, ends_on=datetime.date(2026, 12, 15))
    url = reverse("housing_stay", kwargs={"slug": "crown", "stay_id": proposed.pk})
    html = client_for(ada).get(url).content.decode()
    assert "Sat 12 Dec 2026 \u2013 Tue 15 Dec 2026" in html and "Dec. 12" not in html
    _spanish(ada)
    html = client_for(ada).get(url).content.decode()
    assert "sáb 12 dic 2026 \u2013 mar 15 dic 2026" in html


def test_the_notices_list_uses_the_site_date_format(client_for: Any, crown: Any, ada: Any) -> None:
    notify(user=ada, kind="reminder", context={"group": crown.name, "title": "Pantry", "url": "/x/"})
    when = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=datetime.UTC)
    Notice.objects.filter(user=ada).update(created_at=when)
    html = client_for(ada).get(reverse("channels_notices")).content.decode()
    assert "Sat 5 Dec 2026" in html and "Dec. 5" not in html
    _spanish(ada)
    assert "sáb 5 dic 2026" in client_for(ada).get(reverse("channels_notices")).content.decode()


def test_spanish_short_months_are_lower_case() -> None:
    with translation.override("es"):
        assert formats.date_format(datetime.date(2026, 12, 5), "MONTH_DAY_FORMAT") == "5 dic"
        assert formats.date_format(datetime.date(2026, 1, 3), "DATE_FORMAT") == "sáb 3 ene 2026"
    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 12, 5), "MONTH_DAY_FORMAT") == "5 Dec"
