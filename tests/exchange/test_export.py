"""Export to CSV and JSON for coordinators; personal fields only when chosen, and audited."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.urls import reverse

from mutualaid.core.models import SensitiveRead
from mutualaid.exchange import services
from tests.helpers import make_post


def _seed(crown: Any, ben: Any) -> None:
    make_post(
        crown,
        ben,
        title='=HYPERLINK("http://evil")',
        address="742 Evergreen Terrace",
        on_behalf=services.ContactInput(name="Rosa", phone="3475550199"),
    )


def test_csv_without_personal_fields(client_for: Any, ada: Any, ben: Any, crown: Any) -> None:
    _seed(crown, ben)
    response = client_for(ada).get(reverse("exchange_export", args=[crown.slug]), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and "address" not in rows[0] and "contact_phone" not in rows[0]
    assert "Evergreen" not in text and "3475550199" not in text and "Rosa" not in text
    assert rows[0]["title"].startswith("'=HYPERLINK")  # no formula injection into spreadsheets
    assert not SensitiveRead.objects.exists()


def test_json_with_personal_fields_is_audited(client_for: Any, ada: Any, ben: Any, crown: Any) -> None:
    _seed(crown, ben)
    response = client_for(ada).get(
        reverse("exchange_export", args=[crown.slug]), {"format": "json", "personal": "on"}
    )
    post = json.loads(response.content)["posts"][0]
    assert post["address"] == "742 Evergreen Terrace" and post["contact_phone"] == "3475550199"
    assert SensitiveRead.objects.filter(reader=ada).count() == 1


def test_members_cannot_export(client_for: Any, ben: Any, crown: Any) -> None:
    assert (
        client_for(ben).get(reverse("exchange_export", args=[crown.slug]), {"format": "csv"}).status_code
        == 403
    )


def test_export_command(ada: Any, ben: Any, crown: Any) -> None:
    _seed(crown, ben)
    out = StringIO()
    call_command("export", "--group", "crown", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["group"] == "crown" and "address" not in data["posts"][0]
