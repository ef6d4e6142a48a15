"""A person's first steps, in a real browser at phone width: set up, be invited, ask to join, read Spanish."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_user
from tests.totp import secret_of


@pytest.mark.fresh_install
def test_first_run_setup_creates_group_and_coordinator(page: Any, go: Any, shot: Any) -> None:
    from mutualaid.groups.services import setup_code_issue
    from mutualaid.members.models import Membership

    code = setup_code_issue()  # what `mutualaid serve` prints on the console
    go("/")
    assert page.url.endswith("/setup/")
    shot("setup")
    page.get_by_label("Setup code").fill("WRONG-CODE-0")
    page.get_by_label("Your username").fill("rosa")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Your display name").fill("Rosa")
    page.get_by_label("Group name").fill("Flatbush Mutual Aid")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_text("That setup code is not right")).to_be_visible()
    page.get_by_label("Setup code").fill(code)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Create group").click()
    page.wait_for_url("**/g/flatbush-mutual-aid/")
    expect(page.get_by_role("heading", name="Flatbush Mutual Aid")).to_be_visible()
    expect(page.get_by_text("You are a coordinator of this group.")).to_be_visible()
    shot("group-after-setup")
    membership = Membership.objects.get(user__username="rosa")
    assert membership.role == "coordinator" and membership.group.slug == "flatbush-mutual-aid"


def test_accepting_an_invitation(page: Any, go: Any, shot: Any, ben: Any, crown: Any) -> None:
    from mutualaid.members.models import Membership
    from mutualaid.members.services import invitation_create

    _invitation, token = invitation_create(group=crown, created_by=ben)
    # The link carries the token after "#": members/invite.js posts it, and the address bar forgets it.
    page.goto(f"{page.base_url}/invite/#{token}", wait_until="commit", timeout=60_000)
    heading = page.get_by_role("heading", name="You are invited to join Crown Heights Mutual Aid")
    heading.wait_for(timeout=60_000)
    assert token not in page.url
    shot("invitation")
    page.get_by_label("Username").fill("nia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Display name").fill("Nia")
    page.get_by_label("Phone (optional)").fill("+1 347 555 0199")
    page.get_by_role("button", name="Join").click()
    page.wait_for_url("**/g/crown/")
    expect(page.get_by_text("Welcome to Crown Heights Mutual Aid!")).to_be_visible()
    membership = Membership.objects.get(user__username="nia", group=crown)
    assert membership.vouched_by == ben
    # The link worked once: a second visit explains it was used.
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/invite/#{token}", wait_until="commit", timeout=60_000)
    page.get_by_text("This invitation has already been used.").wait_for(timeout=60_000)
    # Links made by earlier versions, with the token in the path, still open.
    go(f"/invite/{token}/")
    expect(page.get_by_text("This invitation has already been used.")).to_be_visible()


def test_asking_to_join_and_being_approved(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, crown: Any
) -> None:
    from mutualaid.members.models import Membership

    go("/directory/")
    page.get_by_label("Postal code, neighbourhood, town or coordinates").fill("11216")
    page.get_by_role("button", name="Search").click()
    shot("directory-results")
    page.get_by_role("link", name="Crown Heights Mutual Aid").click()
    page.get_by_role("link", name="Ask to join").click()
    page.get_by_label("Username").fill("omar")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Display name").fill("Omar")
    page.get_by_label("A few words for the coordinators (optional)").fill(
        "I live on Lincoln Pl and have a car."
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request was sent.")).to_be_visible()
    assert not Membership.objects.filter(user__username="omar").exists()
    # Not logged in: the account logs in once approved (no username oracle, THREATS.md property 10).
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()

    secret = secret_of(ada)
    log_in("ada", PASSWORD, totp_secret=secret)
    page.wait_for_url(lambda url: "/accounts/" not in url)  # the code's page has moved on
    go("/g/crown/members/")
    expect(page.get_by_text("I live on Lincoln Pl and have a car.")).to_be_visible()
    shot("members-with-request")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Request approved.")).to_be_visible()
    assert Membership.objects.get(user__username="omar", group=crown).vouched_by == ada


def test_switching_to_spanish(page: Any, go: Any, shot: Any, crown: Any) -> None:
    go("/directory/")
    expect(page.get_by_role("heading", name="Find a group near you")).to_be_visible()
    page.get_by_label("Site language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="Encuentra un grupo cerca de ti")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    shot("directory-es")


def test_pages_work_without_javascript(browser: Any, live_server: Any, crown: Any) -> None:
    make_user("pat")
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live_server.url + "/accounts/login/")
    tab.get_by_label("Username").fill("pat")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("heading", name="Hello, Pat")).to_be_visible()
    tab.goto(live_server.url + "/directory/?q=11216")
    expect(tab.get_by_role("link", name="Crown Heights Mutual Aid")).to_be_visible()
    context.close()
