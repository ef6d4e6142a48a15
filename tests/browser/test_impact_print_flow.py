"""Impact, print and paper in a real browser at 390 px, without JavaScript doing anything: a
coordinator publishes the impact page (charts with their tables), picks a period for the one-page
report, prints a Spanish flyer and a phone-bank sheet with names (audited); printed, the site's menus
are left off the paper; nothing scrolls sideways."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of


def test_a_coordinator_publishes_impact_and_prints_flyers_and_a_phone_bank_sheet(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, crown: Any
) -> None:
    from mutualaid.channels.models import Gateway
    from mutualaid.core.models import SensitiveRead
    from mutualaid.exchange.models import Contact, Post
    from mutualaid.insights import figures

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)
    at = timezone.now() - datetime.timedelta(days=40)
    posts = [
        Post(group=crown, kind="need", category="food", title="x", created_at=at, status="fulfilled")
        for _ in range(30)
    ]
    posts += [Post(group=crown, kind="need", category="housing", title="x", created_at=at) for _ in range(4)]
    Post.objects.bulk_create(posts)
    contact = Contact.objects.create(group=crown, name="Rosa Díaz", phone="+17185550123", phone_index="x")
    Post.objects.create(
        group=crown, kind="need", category="food", title="Groceries", contact=contact, area="11213"
    )
    Gateway.objects.create(group=crown, kind="twilio", account="a", secret="s", sender="+1 718 555 0100")
    figures.refresh(lag=datetime.timedelta(0))  # what the worker does every five minutes

    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/")
    page.get_by_role("link", name="Impact page and report").click()
    page.get_by_label("Publish our impact page").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("link", name="See the impact page").click()
    needs = page.locator("section", has=page.get_by_role("heading", name="Needs made"))
    expect(needs.get_by_role("img")).to_have_count(1)
    expect(
        needs.get_by_role("row", name="Housing & eviction defense").get_by_role("cell", name="fewer than 11")
    ).to_have_count(1)
    shot("impact-page")
    assert settled_width(page) <= 390

    page.get_by_role("link", name="One-page impact report for a period").click()
    page.get_by_label("From", exact=True).select_option(index=3)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Crown Heights Mutual Aid: impact report")).to_be_visible()
    expect(page.locator(".headline")).to_contain_text("Needs fulfilled")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("form.filters")).to_be_hidden()
    shot("impact-report-print")
    page.emulate_media(media="screen")

    go("/g/crown/")
    page.get_by_role("link", name="Flyers to print").click()
    page.get_by_role("link", name="español").click()
    expect(page.get_by_role("heading", name="¿Necesitas ayuda? Pide a tus vecinos.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("NECESITO")
    expect(page.locator("figure.qr svg")).to_be_visible()
    expect(page.locator(".strips li")).to_have_count(8)
    assert settled_width(page) <= 390
    page.emulate_media(media="print")
    expect(page.locator("footer")).to_be_hidden()
    shot("flyer-es-print")
    page.emulate_media(media="screen")

    go("/g/crown/")
    page.get_by_role("link", name="Phone-bank sheet").click()
    expect(page.locator("main")).to_contain_text("11213")
    expect(page.locator("main")).not_to_contain_text("Rosa")
    page.get_by_label("Print names and phone numbers").check()
    page.get_by_role("button", name="Show names and numbers").click()
    expect(page.locator("main")).to_contain_text("Rosa Díaz")
    expect(page.locator("main")).to_contain_text("+17185550123")
    assert SensitiveRead.objects.filter(reader=ada, subject_type="exchange.contact").count() == 1
    shot("phone-bank")
