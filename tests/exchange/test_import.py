"""Importing real-shaped spreadsheets: mapping, preview with line numbers, all-or-nothing commit."""

from __future__ import annotations

import base64
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from mutualaid.exchange import importing
from mutualaid.exchange.models import Contact, ImportDraft, Post, PostEvent

FIXTURES = Path(__file__).parent / "fixtures"


def plan_of(name: str, kind: str = "need") -> importing.ImportPlan:
    return importing.plan_import(importing.read((FIXTURES / name).read_bytes()), kind=kind)


def test_airtable_export_is_mapped_and_planned() -> None:
    plan = plan_of("airtable_requests_export.csv")
    mapping = dict(zip(plan.headers, plan.mapping, strict=True))
    assert mapping["Phone"] == "phone" and mapping["Cross Street #1"] == "address" == mapping["Cross Street #2"]
    assert mapping["Neighborhood Area"] == "area" and mapping["Time Sensitivity"] == "urgency"
    assert mapping["What type(s) of support are you seeking?"] == "category"
    assert mapping["Intake volunteer"] == "ignore" and mapping["Intake General Notes"] == "private_note"
    assert plan.problems == []
    assert [(r.line, r.skipped, r.categories) for r in plan.rows] == [
        (2, False, ["food"]), (3, False, ["health"]), (4, False, ["money", "other"]), (5, True, []),
    ]
    assert plan.rows[0].urgency == "week" and plan.rows[1].urgency == "today"
    assert plan.rows[0].address == "Lincoln Pl & Rogers Ave" and plan.rows[2].languages == ["ht", "en"]
    assert plan.post_count == 4 and plan.contact_count == 3


@pytest.mark.parametrize("name", ["google_form_requests.csv", "requests_utf8_bom.csv", "requests_utf16_tabs.csv"])
def test_google_form_in_any_encoding(name: str) -> None:
    plan = plan_of(name)
    assert plan.problems == []
    first, second = plan.rows
    assert first.categories == ["food", "health", "transport"] and first.urgency == "today"
    assert second.categories == ["childcare", "health"] and second.urgency == "week"
    assert first.area == "11385" and first.address == "Ridgewood, 11385" and first.recurring
    assert first.name == "Sam" and first.phone == "3475550150" and first.household_size == 3


def test_spanish_latin1_semicolons() -> None:
    plan = plan_of("solicitudes_latin1_semicolon.csv")
    assert plan.problems == []
    rows = {r.line: r for r in plan.rows}
    assert set(rows) == {2, 4, 5}  # the blank line 3 is not a row
    assert rows[2].name == "José Peña" and rows[2].categories == ["food", "health"] and rows[2].urgency == "today"
    assert rows[2].created_at is not None and (rows[2].created_at.day, rows[2].created_at.month) == (13, 4)
    assert rows[4].languages == ["es", "en"] and rows[4].urgency == "week"
    assert rows[5].status == "fulfilled"


def test_merged_title_rows_blank_rows_and_duplicates() -> None:
    plan = plan_of("merged_header_blank_duplicate_rows.csv")
    assert plan.problems == []
    assert [(r.line, r.skipped) for r in plan.rows] == [(4, False), (6, False), (7, True)]
    assert plan.rows[0].categories == ["food", "supplies"] and plan.rows[0].urgency == "today"
    assert plan.rows[1].urgency == "flexible"
    assert plan.rows[2].notes == ["Same as line 6; skipped."]


def test_xlsx_with_a_merged_title_row() -> None:
    plan = plan_of("offers_merged_title.xlsx", kind="offer")
    assert plan.problems == []
    assert [(r.line, r.categories, r.languages) for r in plan.rows] == [
        (3, ["transport", "food"], ["en", "es"]), (5, ["food"], ["bn"]),
    ]
    assert all(r.kind == "offer" for r in plan.rows)


def test_bad_rows_are_reported_by_line_and_nothing_is_written(ada: Any, crown: Any) -> None:
    plan = plan_of("bad_rows.csv")
    assert plan.problems == [
        (3, "This date cannot be read: yesterday-ish"),
        (4, "This phone number cannot be read: 12"),
        (5, "The household size must be a whole number from 1 to 50: lots"),
        (6, "Too long (at most 2000 characters): details"),
    ]
    with pytest.raises(ValidationError):
        importing.import_commit(group=crown, actor=ada, plan=plan)
    assert not Post.objects.exists() and not Contact.objects.exists()


def test_a_failure_mid_import_leaves_nothing_behind(ada: Any, crown: Any, monkeypatch: Any) -> None:
    plan = plan_of("airtable_requests_export.csv")

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_record_import_events", boom)
    with pytest.raises(RuntimeError):
        importing.import_commit(group=crown, actor=ada, plan=plan)
    assert not Post.objects.exists() and not Contact.objects.exists()


def test_commit_creates_posts_and_encrypted_contacts(ada: Any, crown: Any) -> None:
    posts, contacts = importing.import_commit(group=crown, actor=ada, plan=plan_of("airtable_requests_export.csv"))
    assert (posts, contacts) == (4, 3)
    marta = Post.objects.get(title="Need groceries for my mother")
    assert marta.contact.name == "Marta" and marta.imported and marta.status == "open"
    assert marta.address == "Lincoln Pl & Rogers Ave" and marta.private_note == "elderly, cannot leave home"
    assert marta.created_at.year == 2020 and marta.expires_at > marta.created_at
    assert marta.visibility == "coordinators"  # coordinators look first, then publish by editing
    assert list(PostEvent.objects.filter(post=marta).values_list("action", "actor", "to_status")) == [
        ("import", ada.pk, "open")
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, name FROM exchange_contact")
        dumped = repr(cursor.fetchall())
    assert "5550101" not in dumped and "Marta" not in dumped


def test_unreadable_files_get_clear_messages() -> None:
    with pytest.raises(ValidationError) as exc:
        importing.read(b"   \n\n")
    assert exc.value.message_dict["file"] == ["The file has no rows."]
    with pytest.raises(ValidationError) as exc:
        importing.read(b"PK\x03\x04not really a workbook")
    assert exc.value.message_dict["file"] == ["This file cannot be read as an Excel workbook (XLSX)."]


def test_header_aliases_and_fuzzy_matching() -> None:
    assert importing.field_for_header("Teléfono celular")[0] == "phone"
    assert importing.field_for_header("Neighbourhod")[0] == "area"  # a typo
    assert importing.field_for_header("¿Qué necesitas?")[0] == "category"
    assert importing.field_for_header("Does your request need to remain anonymous?")[0] == "ignore"
    assert importing.field_for_header("Zip Code")[0] == "area"
    assert importing.field_for_header("E-mail")[0] == "email"


def test_command_dry_run_writes_nothing(ada: Any, crown: Any) -> None:
    out = StringIO()
    call_command("import", str(FIXTURES / "google_form_requests.csv"), "--group", "crown", "--dry-run", stdout=out)
    assert "Would create 5 posts and 2 private contacts." in out.getvalue()
    assert "line 2: ok need [food, health, transport]" in out.getvalue()
    assert not Post.objects.exists()


def test_command_imports(ada: Any, crown: Any) -> None:
    out = StringIO()
    call_command("import", str(FIXTURES / "google_form_offers.csv"), "--group", "crown", "--kind", "offers", stdout=out)
    assert "Imported 5 posts and 2 contacts into crown." in out.getvalue()
    assert Post.objects.filter(kind="offer", author=ada).count() == 5


def test_command_exits_non_zero_on_problems(ada: Any, crown: Any) -> None:
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import", str(FIXTURES / "bad_rows.csv"), "--group", "crown", stdout=StringIO(), stderr=err)
    assert str(exc.value) == "4 problem(s); nothing was imported."
    assert "line 3: This date cannot be read: yesterday-ish" in err.getvalue()
    assert not Post.objects.exists()


def test_web_upload_preview_remap_and_commit(client_for: Any, ada: Any, crown: Any) -> None:
    client = client_for(ada)
    with (FIXTURES / "google_form_offers.csv").open("rb") as handle:
        response = client.post(reverse("exchange_import", args=[crown.slug]),
                               {"file": handle, "kind": "offer", "visibility": "group"})
    draft = ImportDraft.objects.get()
    assert response["Location"] == reverse("exchange_import_preview", args=[crown.slug, draft.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "5 posts and 2 private contacts." in preview
    mapping = {f"col{i}": m for i, m in enumerate(draft.mapping["columns"])}
    mapping["col7"] = "ignore"  # "What skills can you offer?" left out
    response = client.post(reverse("exchange_import_preview", args=[crown.slug, draft.pk]), {**mapping, "commit": "1"})
    assert response.status_code == 302
    assert Post.objects.count() == 3 and not ImportDraft.objects.exists()  # transport+food, food
    assert set(Post.objects.values_list("visibility", flat=True)) == {"group"}


def test_web_preview_of_bad_rows_shows_line_numbers_and_cannot_commit(client_for: Any, ada: Any, crown: Any) -> None:
    client = client_for(ada)
    with (FIXTURES / "bad_rows.csv").open("rb") as handle:
        response = client.post(reverse("exchange_import", args=[crown.slug]),
                               {"file": handle, "kind": "need", "visibility": "coordinators"})
    page = client.get(response["Location"]).content.decode()
    assert "Line 3: This date cannot be read: yesterday-ish" in page
    client.post(response["Location"], {"commit": "1"})
    assert not Post.objects.exists()


def test_api_import_dry_run_then_commit(api_for: Any, ada: Any, crown: Any) -> None:
    client = api_for(ada)
    content = base64.b64encode((FIXTURES / "airtable_requests_export.csv").read_bytes()).decode()
    url = reverse("api:exchange_import", args=[crown.slug])
    dry = client.post(url, {"content_base64": content}, content_type="application/json").json()
    assert (dry["posts"], dry["contacts"], dry["committed"]) == (4, 3, False)
    assert not Post.objects.exists()
    done = client.post(url, {"content_base64": content, "dry_run": False}, content_type="application/json").json()
    assert done["committed"] and Post.objects.count() == 4


def test_uploads_stay_in_memory_and_csrf_is_checked(client_for: Any, ada: Any, crown: Any, settings: Any) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django would spill anything bigger to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = "/nonexistent-so-a-temporary-file-would-fail"
    url = reverse("exchange_import", args=[crown.slug])
    with (FIXTURES / "google_form_requests.csv").open("rb") as handle:
        response = client_for(ada).post(url, {"file": handle, "kind": "need", "visibility": "group"})
    assert response.status_code == 302 and ImportDraft.objects.count() == 1
    with (FIXTURES / "google_form_requests.csv").open("rb") as handle:
        refused = client_for(ada, csrf=True).post(url, {"file": handle, "kind": "need", "visibility": "group"})
    assert refused.status_code == 403 and ImportDraft.objects.count() == 1


def test_oversize_uploads_are_refused(client_for: Any, ada: Any, crown: Any, monkeypatch: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mutualaid.exchange import views_transfer

    monkeypatch.setattr(views_transfer, "MAX_BYTES", 100)
    big = SimpleUploadedFile("big.csv", b"Name,Need\n" + b"x,Food\n" * 100_000, content_type="text/csv")
    response = client_for(ada).post(reverse("exchange_import", args=[crown.slug]), {"file": big, "kind": "need",
                                                                                     "visibility": "group"})
    assert response.status_code == 200
    assert "Choose a CSV or XLSX file of at most 10 MB." in response.content.decode()
    assert not ImportDraft.objects.exists()
