"""Markup paper cuts from issue 11: unique ids and a label for every control, radio groups in a fieldset
with a legend, each gateway kind showing only its own fields, a focus outline of at least 3:1, wide tables
that stack on phones."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.urls import reverse

CSS = Path(__file__).resolve().parents[2] / "src" / "mutualaid" / "core" / "static" / "core" / "site.css"


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append({**a, "_wrapped": "1" if self.in_label else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


def check_controls(html: str) -> None:
    parser = _Controls()
    parser.feed(html)
    duplicates = [i for i, n in Counter(parser.ids).items() if n > 1]
    assert not duplicates, duplicates
    unlabelled = [
        c
        for c in parser.controls
        if not (c.get("_wrapped") or c.get("aria-label") or (c.get("id") and c["id"] in parser.label_for))
    ]
    assert not unlabelled, unlabelled


def test_gateway_page_shows_each_kinds_fields_only(ada: Any, client_for: Any) -> None:
    html = client_for(ada).get(reverse("channels_gateways", kwargs={"slug": "crown"})).content.decode()
    check_controls(html)
    sections = dict(re.findall(r'name="kind" value="(\w+)">(.*?)</form>', html, re.S))
    assert set(sections) == {"twilio", "android", "generic"}
    assert "twilio-sender" in sections["twilio"] and "twilio-api_password" not in sections["twilio"]
    assert "android-api_password" in sections["android"] and "android-sender" not in sections["android"]
    assert "generic-account" not in sections["generic"] and "generic-api_url" in sections["generic"]
    assert "Account SID" in sections["twilio"] and "(Android)" not in html


def test_radio_groups_are_fieldsets_with_a_legend(client_for: Any, ben: Any, crown: Any) -> None:
    html = client_for(ben).get(reverse("exchange_post_new", args=["crown"])).content.decode()
    fieldset = re.search(r"<fieldset[^>]*>\s*<legend>I want to post</legend>.*?</fieldset>", html, re.S)
    assert fieldset and 'type="radio"' in fieldset.group(0)
    check_controls(html)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_focus_outline_contrast_is_at_least_3_to_1() -> None:
    css = CSS.read_text()
    colours = re.findall(r":focus[^{]*\{[^}]*outline:\s*\d+px solid (#[0-9a-fA-F]{6})", css)
    assert colours
    for colour in colours:
        ratio = (1.05) / (_luminance(colour) + 0.05)  # against the white page
        assert ratio >= 3, (colour, ratio)


def test_wide_tables_stack_on_phones(client_for: Any, ada: Any, crown: Any) -> None:
    from mutualaid.funds.services import contribution_record, fund_create

    fund = fund_create(group=crown, name="Rent", kind="rent")
    contribution_record(fund=fund, amount=10_00, currency="USD", method="cash", recorded_by=ada)
    assert re.search(r"@media \(max-width:\s*40rem\)\{table\.stacked", CSS.read_text())
    for url in (reverse("funds_fund", args=["crown", fund.pk]), reverse("members", args=["crown"])):
        html = client_for(ada).get(url).content.decode()
        assert '<table class="stacked">' in html and "data-label=" in html, url
