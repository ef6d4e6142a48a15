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
from mutualaid.exchange.importing import cells, columns, commit, dates
from mutualaid.exchange.models import Contact, ImportDraft, Post, PostEvent

FIXTURES = Path(__file__).parent / "fixtures"


def plan_of(name: str, kind: str = "need") -> importing.ImportPlan:
    return importing.plan_import(importing.read((FIXTURES / name).read_bytes()), kind=kind)


def test_airtable_export_is_mapped_and_planned() -> None:
    plan = plan_of("airtable_requests_export.csv")
    mapping = dict(zip(plan.headers, plan.mapping, strict=True))
    assert (
        mapping["Phone"] == "phone" and mapping["Cross Street #1"] == "address" == mapping["Cross Street #2"]
    )
    assert mapping["Neighborhood Area"] == "area" and mapping["Time Sensitivity"] == "urgency"
    assert mapping["What type(s) of support are you seeking?"] == "category"
    assert mapping["Intake volunteer"] == "ignore" and mapping["Intake General Notes"] == "private_note"
    assert plan.problems == []
    assert [(r.line, r.skipped, r.categories) for r in plan.rows] == [
        (2, False, ["food"]),
        (3, False, ["health"]),
        (4, False, ["money", "health"]),
        (5, True, []),
    ]
    assert mapping["Financial Support Needed?"] == "category_flag"  # a "Yes" there adds money
    assert [r.titles for r in plan.rows[:3]] == [
        ["Need groceries for my mother"],
        ["Can someone pick up my prescription at the Rite Aid?"],
        ["Financial support", "1:1 check-ins"],
    ]
    assert plan.kind == "need"
    assert plan.rows[0].urgency == "week" and plan.rows[1].urgency == "today"
    assert plan.rows[0].address == "Lincoln Pl & Rogers Ave" and plan.rows[2].languages == ["ht", "en"]
    assert plan.post_count == 4 and plan.contact_count == 3


@pytest.mark.parametrize(
    "name", ["google_form_requests.csv", "requests_utf8_bom.csv", "requests_utf16_tabs.csv"]
)
def test_google_form_in_any_encoding(name: str) -> None:
    plan = plan_of(name)
    assert plan.problems == []
    first, second = plan.rows
    assert first.categories == ["food", "health", "transport"] and first.urgency == "today"
    assert second.categories == ["childcare", "health"] and second.urgency == "week"
    assert first.area == "11385" and first.address == "Ridgewood, 11385" and first.recurring
    assert (
        first.name == "Sam" and first.phone == "+13475550150" and first.household_size == 3
    )  # (347) 555-0150


def test_spanish_latin1_semicolons() -> None:
    plan = plan_of("solicitudes_latin1_semicolon.csv")
    assert plan.problems == []
    rows = {r.line: r for r in plan.rows}
    assert set(rows) == {2, 4, 5}  # the blank line 3 is not a row
    assert (
        rows[2].name == "José Peña"
        and rows[2].categories == ["food", "health"]
        and rows[2].urgency == "today"
    )
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
        (3, ["transport", "food"], ["en", "es"]),
        (5, ["food"], ["bn"]),
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

    monkeypatch.setattr(commit, "_record_import_events", boom)
    with pytest.raises(RuntimeError):
        importing.import_commit(group=crown, actor=ada, plan=plan)
    assert not Post.objects.exists() and not Contact.objects.exists()


def test_commit_creates_posts_and_encrypted_contacts(ada: Any, crown: Any) -> None:
    posts, contacts = importing.import_commit(
        group=crown, actor=ada, plan=plan_of("airtable_requests_export.csv")
    )
    assert (posts, contacts) == (4, 3)
    marta = next(p for p in Post.objects.all() if p.title == "Need groceries for my mother")
    assert marta.contact.name == "Marta" and marta.imported and marta.status == "open"
    assert marta.address == "Lincoln Pl & Rogers Ave"
    # "NE" is no place the group or the gazetteer knows: kept sealed in the note, not in the clear area.
    assert marta.area == "" and marta.private_note == "Area: NE\nelderly, cannot leave home"
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
    assert columns.field_for_header("Teléfono celular")[0] == "phone"
    assert columns.field_for_header("Neighbourhod")[0] == "area"  # a typo
    assert columns.field_for_header("¿Qué necesitas?")[0] == "category"
    assert columns.field_for_header("Does your request need to remain anonymous?")[0] == "ignore"
    assert columns.field_for_header("Zip Code")[0] == "area"
    assert columns.field_for_header("E-mail")[0] == "email"


def test_command_dry_run_writes_nothing(ada: Any, crown: Any) -> None:
    out = StringIO()
    call_command(
        "import", str(FIXTURES / "google_form_requests.csv"), "--group", "crown", "--dry-run", stdout=out
    )
    assert "Would create 5 posts and 2 private contacts." in out.getvalue()
    assert "line 2: ok need [food, health, transport]" in out.getvalue()
    assert not Post.objects.exists()


def test_command_imports(ada: Any, crown: Any) -> None:
    out = StringIO()
    call_command(
        "import", str(FIXTURES / "google_form_offers.csv"), "--group", "crown", "--kind", "offers", stdout=out
    )
    assert "Imported 5 posts and 2 contacts into crown." in out.getvalue()
    assert Post.objects.filter(kind="offer", author=ada).count() == 5


def test_command_exits_non_zero_on_problems(ada: Any, crown: Any) -> None:
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "import", str(FIXTURES / "bad_rows.csv"), "--group", "crown", stdout=StringIO(), stderr=err
        )
    assert str(exc.value) == "4 problem(s); nothing was imported."
    assert "line 3: This date cannot be read: yesterday-ish" in err.getvalue()
    assert not Post.objects.exists()


def test_web_upload_preview_remap_and_commit(client_for: Any, ada: Any, crown: Any) -> None:
    client = client_for(ada)
    with (FIXTURES / "google_form_offers.csv").open("rb") as handle:
        response = client.post(
            reverse("exchange_import", args=[crown.slug]),
            {"file": handle, "kind": "offer", "visibility": "group"},
        )
    draft = ImportDraft.objects.get()
    assert response["Location"] == reverse("exchange_import_preview", args=[crown.slug, draft.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "5 posts and 2 private contacts." in preview
    mapping = {f"col{i}": m for i, m in enumerate(draft.mapping["columns"])}
    mapping["col7"] = "ignore"  # "What skills can you offer?" left out
    response = client.post(
        reverse("exchange_import_preview", args=[crown.slug, draft.pk]), {**mapping, "commit": "1"}
    )
    assert response.status_code == 302
    assert Post.objects.count() == 3 and not ImportDraft.objects.exists()  # transport+food, food
    assert set(Post.objects.values_list("visibility", flat=True)) == {"group"}


def test_web_preview_of_bad_rows_shows_line_numbers_and_cannot_commit(
    client_for: Any, ada: Any, crown: Any
) -> None:
    client = client_for(ada)
    with (FIXTURES / "bad_rows.csv").open("rb") as handle:
        response = client.post(
            reverse("exchange_import", args=[crown.slug]),
            {"file": handle, "kind": "need", "visibility": "coordinators"},
        )
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
    done = client.post(
        url, {"content_base64": content, "dry_run": False}, content_type="application/json"
    ).json()
    assert done["committed"] and Post.objects.count() == 4


def test_uploads_stay_in_memory_and_csrf_is_checked(
    client_for: Any, ada: Any, crown: Any, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django would spill anything bigger to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = "/nonexistent-so-a-temporary-file-would-fail"
    url = reverse("exchange_import", args=[crown.slug])
    with (FIXTURES / "google_form_requests.csv").open("rb") as handle:
        response = client_for(ada).post(url, {"file": handle, "kind": "need", "visibility": "group"})
    assert response.status_code == 302 and ImportDraft.objects.count() == 1
    with (FIXTURES / "google_form_requests.csv").open("rb") as handle:
        refused = client_for(ada, csrf=True).post(
            url, {"file": handle, "kind": "need", "visibility": "group"}
        )
    assert refused.status_code == 403 and ImportDraft.objects.count() == 1


def test_oversize_uploads_are_refused(client_for: Any, ada: Any, crown: Any, monkeypatch: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mutualaid.exchange import views_import_export

    monkeypatch.setattr(views_import_export, "MAX_BYTES", 100)
    big = SimpleUploadedFile("big.csv", b"Name,Need\n" + b"x,Food\n" * 100_000, content_type="text/csv")
    response = client_for(ada).post(
        reverse("exchange_import", args=[crown.slug]), {"file": big, "kind": "need", "visibility": "group"}
    )
    assert response.status_code == 200
    assert "Choose a CSV or XLSX file of at most 10 MB." in response.content.decode()
    assert not ImportDraft.objects.exists()


# Shapes other groups' sheets take (none of these headers or formats is configured anywhere) ----------


def test_a_title_row_free_text_categories_quantities_and_mixed_dates() -> None:
    plan = plan_of("form_title_row_mixed_dates.csv", kind="auto")
    mapping = dict(zip(plan.headers, plan.mapping, strict=True))
    # Written to the organisers, not the whole group: the sealed private note by default.
    assert mapping["Anything else we should know?"] == "private_note" and mapping["How many?"] == "quantity"
    assert plan.problems == [] and plan.kind == "need"
    rows = {r.line: r for r in plan.rows}
    assert set(rows) == {
        4,
        6,
        7,
        8,
        9,
    }  # header on line 3 under a title; line 5 is the multi-line cell's tail
    assert (rows[4].categories, rows[4].titles, rows[4].quantity, rows[4].unit) == (
        ["food"],
        ["Groceries"],
        2,
        "bags",
    )
    assert rows[4].private_note == "Line one\nline two" and rows[4].details == "" and rows[4].recurring
    assert (rows[6].categories, rows[6].titles) == (["transport"], ["Ride to clinic"])
    assert (rows[7].titles, rows[7].quantity, rows[7].recurring) == (["Comida"], 3, True)  # "three", "sí"
    assert (rows[8].categories, rows[8].titles, rows[8].unit) == (
        ["supplies", "food"],
        ["Diapers", "Formula"],
        "packs",
    )
    assert (rows[9].categories, rows[9].titles) == (["money"], ["Help paying electric bill"])
    stamps = [
        (r.created_at.year, r.created_at.month, r.created_at.day, r.created_at.hour, r.created_at.minute)
        for r in (rows[4], rows[7], rows[8], rows[9])
        if r.created_at
    ]
    # 3/14/2026 9:05:11, 14/03/2026 (day first because 14 > 12), ISO with Z, spreadsheet serial 46095.5
    assert stamps == [(2026, 3, 14, 9, 5), (2026, 3, 14, 0, 0), (2026, 3, 14, 9, 5), (2026, 3, 14, 12, 0)]


def test_spanish_google_form_reads_day_first_dates_and_spanish_words() -> None:
    plan = plan_of("solicitudes_google_forms_es.csv", kind="auto")
    assert plan.problems == []
    first, second = plan.rows
    assert (first.categories, first.titles, first.urgency, first.recurring) == (
        ["food", "transport"],
        ["Comida", "Transporte"],
        "today",
        True,
    )
    assert first.created_at is not None and (first.created_at.day, first.created_at.month) == (14, 3)
    assert (second.categories, second.titles, second.urgency, second.recurring) == (
        ["health"],
        ["Medicinas"],
        "week",
        False,
    )


def test_airtable_month_names_priority_levels_and_closed_rows() -> None:
    plan = plan_of("airtable_named_dates_levels.csv", kind="auto")
    assert plan.problems == []
    first, second, third = plan.rows
    assert (
        first.urgency == "today" and second.urgency == "flexible" and third.urgency == "week"
    )  # High/Low/Medium
    assert first.created_at is not None and (
        first.created_at.month,
        first.created_at.hour,
        first.created_at.minute,
    ) == (3, 9, 5)
    assert second.created_at is not None and second.created_at.hour == 22  # 10:00pm
    assert second.status == "fulfilled" and third.titles == ["Mental health support"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2", (2, "")),
        ("2 bags", (2, "bags")),
        ("three", (3, "")),
        ("dos bolsas de comida", (2, "bolsas")),
        ("about 5 boxes", (5, "boxes")),
        ("2-3 seats", (3, "seats")),
        ("4 hours of childcare", (4, "hours")),
        ("1,200", (1200, "")),
        ("a dozen eggs", (12, "eggs")),
        ("lots", None),
        ("", None),
        ("1.5", None),
    ],
)
def test_quantities_as_people_write_them(cell: str, expected: Any) -> None:
    assert cells.quantity_of(cell) == expected


@pytest.mark.parametrize(
    ("cell", "dayfirst", "expected"),
    [
        ("3/14/2026 9:05:11", False, (2026, 3, 14, 9, 5, 11)),
        ("3/14/2026 9:05:11 PM", False, (2026, 3, 14, 21, 5, 11)),
        ("14/03/2026", False, (2026, 3, 14, 0, 0, 0)),
        ("02/04/2020 11:30", True, (2020, 4, 2, 11, 30, 0)),
        ("02/04/2020 11:30", False, (2020, 2, 4, 11, 30, 0)),
        ("2026-03-14", False, (2026, 3, 14, 0, 0, 0)),
        ("2026/03/14 09:05", False, (2026, 3, 14, 9, 5, 0)),
        ("March 14, 2026 9:05am", False, (2026, 3, 14, 9, 5, 0)),
        ("Saturday, March 14th 2026", False, (2026, 3, 14, 0, 0, 0)),
        ("14 de marzo de 2026 18:30", False, (2026, 3, 14, 18, 30, 0)),
        ("14-Mar-2026", False, (2026, 3, 14, 0, 0, 0)),
        ("46095.5", False, (2026, 3, 14, 12, 0, 0)),
        ("3/14/26", False, (2026, 3, 14, 0, 0, 0)),
        ("14/03/2026 9:05:11 p. m.", False, (2026, 3, 14, 21, 5, 11)),
        ("Sat Mar 14 2026 09:05:11 GMT-0400 (Eastern Daylight Time)", False, (2026, 3, 14, 9, 5, 11)),
    ],
)
def test_dates_as_spreadsheets_write_them(cell: str, dayfirst: bool, expected: tuple[int, ...]) -> None:
    value = dates.parse_timestamp(cell, dayfirst=dayfirst)
    assert value is not None
    assert (value.year, value.month, value.day, value.hour, value.minute, value.second) == expected


@pytest.mark.parametrize("cell", ["yesterday-ish", "13/13/2026", "2/30/2026", "99999999", "soon", "25:00"])
def test_dates_that_are_not_dates_are_refused(cell: str) -> None:
    assert dates.parse_timestamp(cell) is None


def test_the_sheet_says_whether_rows_are_needs_or_offers(ada: Any, crown: Any) -> None:
    offers = plan_of("google_form_offers.csv", kind="auto")
    assert offers.kind == "offer" and {r.kind for r in offers.rows} == {"offer"}
    assert [r.titles for r in offers.rows] == [
        ["Car / rides", "Groceries", "Spanish translation"],
        ["Cooked meals", "Nursing"],
    ]
    assert plan_of("google_form_requests.csv", kind="auto").kind == "need"
    assert plan_of("google_form_offers.csv", kind="need").kind == "need"  # an explicit choice wins
    out = StringIO()
    call_command("import", str(FIXTURES / "google_form_offers.csv"), "--group", "crown", stdout=out)
    assert set(Post.objects.values_list("kind", flat=True)) == {"offer"}
    assert set(Post.objects.values_list("title", flat=True)) == {
        "Car / rides",
        "Groceries",
        "Spanish translation",
        "Cooked meals",
        "Nursing",
    }


def test_a_yes_column_named_after_a_category_adds_it() -> None:
    sheet = importing.read(
        b"Name,Phone,Groceries?,Rent help needed?,Details\n"
        b"Ana,347-555-0101,Yes,,for two\nBo,347-555-0102,no,x,behind two months\n"
    )
    plan = importing.plan_import(sheet)
    assert plan.mapping[2:4] == ["category_flag", "category_flag"]
    assert [(r.categories, r.titles) for r in plan.rows] == [
        (["food"], ["Groceries"]),
        (["housing"], ["Behind two months"]),
    ]


def test_imports_do_not_count_toward_the_posting_flood_but_have_their_own_bound(
    ada: Any, crown: Any, monkeypatch: Any
) -> None:
    from mutualaid.exchange import services
    from tests.helpers import make_post

    rows = "".join(f"Person {i},Food,need {i}\n" for i in range(services.FLOOD_POSTS_PER_HOUR + 10))
    plan = importing.plan_import(importing.read(f"Name,What do you need?,Details\n{rows}".encode()))
    posts, _contacts = importing.import_commit(group=crown, actor=ada, plan=plan)
    assert posts == services.FLOOD_POSTS_PER_HOUR + 10
    make_post(crown, ada, title="posted by hand after a big import")  # not a flood
    monkeypatch.setattr(commit, "IMPORT_POSTS_PER_DAY", posts + 5)
    again = importing.plan_import(importing.read(f"Name,What do you need?,Details\n{rows}".encode()))
    with pytest.raises(importing.ImportFlood) as exc:
        importing.import_commit(group=crown, actor=ada, plan=again)
    assert str(exc.value.args[0]) == (
        f"One account can import at most {posts + 5} posts a day, and you imported {posts} in the last 24 hours. "
        "Nothing was imported; split the sheet and import the rest later."
    )
    assert Post.objects.count() == posts + 1


@pytest.mark.usefixtures("one_rate_window")
def test_api_import_past_the_daily_bound_answers_429(
    api_for: Any, ada: Any, crown: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(commit, "IMPORT_POSTS_PER_DAY", 2)
    content = base64.b64encode((FIXTURES / "airtable_requests_export.csv").read_bytes()).decode()
    response = api_for(ada).post(
        reverse("api:exchange_import", args=[crown.slug]),
        {"content_base64": content, "dry_run": False},
        content_type="application/json",
    )
    assert response.status_code == 429 and not Post.objects.exists()


def test_phone_numbers_in_any_north_american_format_get_one_form() -> None:
    sheet = importing.read(
        b"Name,Phone,Need\nA,(347) 555-0101,Food\nB,347.555.0102,Food\nC,1-347-555-0103,Food\n"
        b"D,3475550104,Food\nE,+1 347 555 0105,Food\nF,347 555 0106 ,Food\n"
    )
    assert [r.phone for r in importing.plan_import(sheet).rows] == [
        "+13475550101",
        "+13475550102",
        "+13475550103",
        "+13475550104",
        "+13475550105",
        "+13475550106",
    ]
    # Another country's numbers, or bare digits nobody wrote the North American way, are left as typed.
    elsewhere = importing.read(b"Name,Phone,Need\nA,+44 20 7946 0958,Food\nB,347-555-0102,Food\n")
    assert [r.phone for r in importing.plan_import(elsewhere).rows] == ["+442079460958", "3475550102"]
    bare = importing.read(b"Name,Phone,Need\nA,9876543210,Food\n")
    assert [r.phone for r in importing.plan_import(bare).rows] == ["9876543210"]


def test_excel_serial_dates_number_cells_booleans_and_formulas_without_results() -> None:
    plan = plan_of("serials_and_formulas.xlsx", kind="auto")
    mapping = dict(zip(plan.headers, plan.mapping, strict=True))
    assert mapping["Urgent?"] == "urgency" and mapping["Total"] == "ignore" and len(plan.headers) == 8
    ana, bo, cy = plan.rows
    assert (ana.line, ana.phone, ana.area, ana.quantity, ana.urgency, ana.titles) == (
        4,
        "+13475550101",
        "11216",
        2,
        "today",
        ["Groceries"],
    )
    assert bo.created_at is not None and (bo.created_at.day, bo.created_at.hour) == (14, 12)  # serial 46095.5
    assert (bo.categories, bo.titles, bo.urgency) == (["food", "supplies"], ["Comida", "Pañales"], "today")
    # The unmapped "Total" formulas do not matter; the one feeding "Need" would silently lose the row.
    assert plan.problems == [
        (
            7,
            "The column “Need” holds a formula whose result is not saved in the file. Open the "
            "file in a spreadsheet program and save it again, or export it as CSV.",
        )
    ]
    assert not cy.skipped


def test_web_upload_reads_the_kind_from_the_headers_and_the_preview_can_change_it(
    client_for: Any, ada: Any, crown: Any
) -> None:
    client = client_for(ada)
    with (FIXTURES / "google_form_offers.csv").open("rb") as handle:
        response = client.post(
            reverse("exchange_import", args=[crown.slug]),
            {"file": handle, "kind": "auto", "visibility": "coordinators"},
        )
    draft = ImportDraft.objects.get()
    assert draft.kind == "offer"
    preview = client.get(response["Location"]).content.decode()
    assert "Car / rides · Groceries · Spanish translation" in preview
    assert '<option value="offer" selected>' in preview
    mapping = {f"col{i}": m for i, m in enumerate(draft.mapping["columns"])}
    client.post(response["Location"], {**mapping, "kind": "need", "commit": "1"})
    assert set(Post.objects.values_list("kind", flat=True)) == {"need"} and Post.objects.count() == 5


def test_mixed_contact_columns_deadlines_and_questions_that_are_not_categories() -> None:
    plan = plan_of("volunteer_sheet_mixed_contact_column.csv", kind="auto")
    mapping = dict(zip(plan.headers, plan.mapping, strict=True))
    assert mapping == {
        "Record ID": "ignore",
        "Type of request": "category",
        "Best way to reach you": "phone",
        "Apartment #": "address",
        "Street address": "address",
        "Date needed by": "ignore",  # a deadline, not a timestamp
        "Is this an emergency?": "urgency",
        "Number of items": "quantity",
        "Do you have a car?": "ignore",
    }
    assert plan.problems == []
    ana, bo, cy = plan.rows
    assert (ana.email, ana.phone, ana.urgency, ana.quantity, ana.unit) == (
        "ana@example.org",
        "",
        "today",
        3,
        "boxes",
    )
    assert ana.address == "123 Main St, 4B"  # the street first, the apartment after it
    assert (bo.phone, bo.urgency) == ("+13475550101", "flexible")  # "text only: 347-555-0101"
    assert (cy.phone, cy.categories) == (
        "+13475550102",
        ["supplies"],
    )  # "(347) 555-0102 (cell)"; has a car ≠ needs a ride


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Type of request", "category"),
        ("I can help with", "category"),
        ("¿En qué podemos ayudarte?", "category"),
        ("Mobile number", "phone"),
        ("Correo-e", "email"),
        ("Your neighborhood or ZIP", "area"),
        ("Name (first and last)", "name"),
        ("¿Cuántas personas viven en su hogar?", "household_size"),
        ("¿Es urgente?", "urgency"),
        ("Anything else?", "private_note"),
        ("¿Algo más que debamos saber?", "private_note"),
        ("Describe your need", "details"),
        ("Submission Date", "timestamp"),
        ("Can you drive?", "category_flag"),
        ("Financial Support Needed?", "category_flag"),
        ("Does your request need to remain anonymous?", "ignore"),
        ("Date last used", "ignore"),
    ],
)
def test_headers_other_groups_write(header: str, field: str) -> None:
    assert columns.field_for_header(header)[0] == field


def test_a_column_of_record_numbers_is_never_what_is_asked() -> None:
    sheet = importing.read(
        b"Request #,Name,Details\nrec001,Ana,Two bags of rice\nCH-0412,Bo,A ride on Tuesday\n"
    )
    plan = importing.plan_import(sheet)
    assert plan.mapping == ["ignore", "name", "details"]
    assert [r.categories for r in plan.rows] == [
        ["food"],
        ["transport"],
    ]  # guessed from the words, with a note
    assert plan.rows[0].notes == ["No category given; guessed from the words: Food"]
    assert [r.titles for r in plan.rows] == [["Two bags of rice"], ["A ride on Tuesday"]]


def test_excel_windows_csv_with_a_sep_line_smart_quotes_and_a_multiline_cell() -> None:
    plan = plan_of("solicitudes_excel_cp1252_sep_line.csv", kind="auto")
    assert plan.problems == []
    first, second = plan.rows
    assert (first.line, first.name, first.phone, first.quantity, first.unit) == (
        3,
        "José “Pepe” Núñez",
        "+17185550170",
        2,
        "bolsas",
    )
    assert first.details == "Arroz; frijoles\ny aceite"  # one kind of line break, as typed posts have
    assert first.created_at is not None and (first.created_at.day, first.created_at.month) == (14, 3)
    assert (second.line, second.name, second.categories) == (5, "Añá", ["health"])


def test_our_own_export_imports_back(ada: Any, ben: Any, crown: Any) -> None:
    from mutualaid.exchange import exporting, services
    from tests.helpers import make_post

    make_post(
        crown,
        ben,
        title="Soup for two",
        quantity=2,
        unit="bowls",
        urgency="week",
        languages=["es", "en"],
        on_behalf=services.ContactInput(name="Rosa", phone="+13475550100", email="rosa@example.org"),
    )
    make_post(crown, ben, title="A ride Saturday", kind="offer", category="transport", recurring=True)
    sheet = importing.read(exporting.to_csv(crown, personal=True).encode())
    plan = importing.plan_import(sheet)
    assert plan.problems == []
    soup, ride = plan.rows
    assert (
        soup.kind,
        soup.categories,
        soup.titles,
        soup.quantity,
        soup.unit,
        soup.urgency,
        soup.languages,
    ) == ("need", ["food"], ["Soup for two"], 2, "bowls", "week", ["es", "en"])
    assert (soup.name, soup.phone, soup.email) == ("Rosa", "+13475550100", "rosa@example.org")
    assert (ride.kind, ride.categories, ride.recurring) == ("offer", ["transport"], True)


def test_next_weeks_export_of_the_same_form_imports_only_the_new_rows(ada: Any, crown: Any) -> None:
    first = (FIXTURES / "google_form_requests.csv").read_text(encoding="utf-8")
    out = StringIO()
    call_command("import", str(FIXTURES / "google_form_requests.csv"), "--group", "crown", stdout=out)
    assert Post.objects.count() == 5
    # A week later: an organiser moved Sam's request along and wrote a comment; one new request came in.
    grown = first.replace("1,,New,Sam", "1,Lee,In progress,Sam").replace(",Weekly,\n", ",Weekly,called Sam\n")
    grown += (
        "3,,New,Kim,4/8/2020 9:00:00,Bushwick,,(718) 555-0199,No,2,No,Food,Soon (within a week),Rice,No,\n"
    )
    sheet = importing.read(grown.encode())
    plan = importing.plan_import(sheet, group=crown)
    assert [(r.line, r.skipped) for r in plan.rows] == [(2, True), (3, True), (4, False)]
    assert plan.rows[0].notes[-1] == "Already imported from an earlier copy of this sheet; skipped."
    assert importing.import_commit(group=crown, actor=ada, plan=plan) == (1, 1)
    assert Post.objects.count() == 6
    # The key is a keyed hash: nothing of the row is readable in the column.
    key = Post.objects.filter(import_key__gt="").values_list("import_key", flat=True).first()
    assert key is not None and len(key) == 64 and "Sam" not in key


def test_choices_with_commas_in_brackets_and_other_answers() -> None:
    found, unknown, words = cells.categories_with_words(
        "Cleaning supplies (soap, bleach), Other: help moving a couch"
    )
    assert (found, unknown) == (["supplies", "skills"], [])
    assert words == {"supplies": "Cleaning supplies (soap, bleach)", "skills": "help moving a couch"}
