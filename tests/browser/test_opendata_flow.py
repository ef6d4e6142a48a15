"""Open data in a real browser at 390 px: from the public directory to the open-data page and the HSDS
data package download; a coordinator turns publishing the group's offers on from the group's edit page,
and the ValueFlows document is there."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from playwright.sync_api import expect

from tests.browser.pages import settled_width
from tests.conftest import PASSWORD
from tests.totp import secret_of


def test_anyone_downloads_the_directory_and_a_coordinator_publishes_offers(
    page: Any, go: Any, shot: Any, log_in: Any, ada: Any, crown: Any
) -> None:
    page.set_default_timeout(30_000)
    go("/directory/")
    page.get_by_role("link", name="Open data: download this directory (HSDS)").click()
    expect(page.get_by_role("heading", name="Open data", exact=True)).to_be_visible()
    shot("opendata-index")
    assert settled_width(page) <= 390
    with page.expect_download() as download:
        page.get_by_role("link", name="Directory as HSDS (CSV files and datapackage.json, ZIP)").click()
    with open(download.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    package = json.loads(archive.read("datapackage.json"))
    assert "organizations.csv" in {r["path"] for r in package["resources"]}
    assert "Crown Heights Mutual Aid" in archive.read("organizations.csv").decode()

    log_in("ada", PASSWORD, totp_secret=secret_of(ada))
    go("/g/crown/edit/")
    page.get_by_role("link", name="Open data: publish our offers").click()
    page.get_by_label("Publish our open offers as open data").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Publish our open offers as open data")).to_be_checked()
    shot("opendata-publishing")
    assert settled_width(page) <= 390
    document = page.request.get(page.base_url + "/g/crown/open-data/offers.jsonld").json()
    assert document["@graph"][0]["@type"] == "vf:Organization"
