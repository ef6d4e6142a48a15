"""Importing the groups' real sheets in a browser at phone width, then correcting a neighbour's details."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.totp import secret_of

SAMPLES = Path(__file__).parent.parent / "exchange" / "fixtures"


@pytest.mark.parametrize(
    ("sample", "posts", "kinds", "titles"),
    [
        ("airtable_requests_export.csv", 4, {"need"}, {"Need groceries for my mother", "Financial support"}),
        ("google_form_requests.csv", 5, {"need"}, {"Food", "Medicine", "Transportation", "Childcare"}),
        ("google_form_offers.csv", 5, {"offer"}, {"Car / rides", "Cooked meals", "Nursing"}),
        ("serials_and_formulas.xlsx", 0, set(), set()),
    ],
)
def test_a_coordinator_imports_a_sheet_and_corrects_a_neighbour(
    page: Any,
    go: Any,
    shot: Any,
    log_in: Any,
    ada: Any,
    crown: Any,
    sample: str,
    posts: int,
    kinds: set[str],
    titles: set[str],
) -> None:
    from mutualaid.exchange.models import Contact, Post

    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/board/")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(SAMPLES / sample))
    page.get_by_role("button", name="Read the file").click()
    shot(f"exchange-import-preview-{sample.split('.')[0]}")
    if (
        not posts
    ):  # a formula without a saved result: the problem is shown with its line, nothing can be imported
        expect(page.get_by_text("Line 7:")).to_be_visible()
        assert page.get_by_role("button", name="Import everything").count() == 0
        assert not Post.objects.exists()
        return
    expect(page.get_by_text(f"{posts} posts and")).to_be_visible()
    page.get_by_role("button", name="Import everything").click()
    expect(page.get_by_text(f"Imported {posts} posts")).to_be_visible()
    assert Post.objects.count() == posts and set(Post.objects.values_list("kind", flat=True)) == kinds
    assert titles <= set(Post.objects.values_list("title", flat=True))

    post = Post.objects.filter(contact__isnull=False).order_by("pk").first()
    go(f"/g/crown/board/{post.pk}/")
    page.get_by_role("link", name="Change the neighbour's details").click()
    page.get_by_label("Neighbour's phone").fill("(718) 555-0123")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The neighbour's details were saved.")).to_be_visible()
    assert Contact.objects.get(pk=post.contact_id).phone == "+17185550123"
