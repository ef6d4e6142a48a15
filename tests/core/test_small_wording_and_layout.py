"""Small things a tester found driving the demo (note 6), each checked where it shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mutualaid.core.categories import Language
from tests.helpers import make_post


class _Agree(forms.Form):
    agree = forms.BooleanField(label="I agree", required=False)


def test_a_checkbox_sits_on_its_label_line_in_both_directions() -> None:
    html = render_to_string("core/_form.html", {"form": _Agree()})
    assert '<div class="field check">' in html
    assert html.index('type="checkbox"') < html.index("I agree")
    css = Path(finders.find("core/site.css")).read_text()
    rule = re.search(r"\.field\.check\{([^}]*)\}", css)
    assert rule and "row" in rule.group(1)  # a flex row follows dir="rtl" by itself


def test_the_referrals_page_names_no_command(client_for: Any, ada: Any) -> None:
    html = client_for(ada).get(reverse("referrals", args=["crown"])).content.decode()
    assert "No other server is linked yet." in html and "mutualaid peers" not in html


def test_lists_use_the_language_separator_and_history_times_say_their_zone(
    client_for: Any, crown: Any, ada: Any
) -> None:
    post = make_post(crown, ada, languages=["en", "es"])
    url = reverse("exchange_post", args=["crown", post.pk])
    english = client_for(ada).get(url).content.decode()
    assert re.search(r"English, (Spanish|Español)", english)
    assert re.search(r"<li>[^<]*\d\d:\d\d UTC · ", english)  # the history's times carry their zone
    for language, separator in (("ar", "، "), ("zh-hans", "、")):
        ada.language = language
        ada.save(update_fields=["language"])
        html = client_for(ada).get(url).content.decode()
        with translation.override(language):
            english, spanish = str(Language("en").label), str(Language("es").label)
        assert f"<dd>{english}{separator}{spanish}</dd>" in html


def test_a_search_without_results_says_how_to_widen_it(client_for: Any, ada: Any) -> None:
    url = reverse("exchange_board", args=["crown"])
    empty = client_for(ada).get(url).content.decode()
    assert "Nothing here yet." in empty
    searched = client_for(ada).get(url, {"q": "zebra"}).content.decode()
    assert "Nothing here yet." not in searched
    assert "No post matches this search." in searched and f'<a href="{url}">Show all posts</a>' in searched


def test_the_webhook_address_is_explained_before_a_gateway_is_set_up(
    client_for: Any, crown: Any, ada: Any
) -> None:
    url = reverse("channels_gateways", kwargs={"slug": "crown"})
    html = client_for(ada).get(url).content.decode()
    assert html.count("Not set up yet.") == 3 and "Webhook address to give the gateway:" not in html
    from mutualaid.channels.services import gateway_save

    gateway_save(
        group=crown, kind="android", enabled=True, secret="sig-key-123", api_url="http://192.168.1.5:8080"
    )
    html = client_for(ada).get(url).content.decode()
    assert html.count("Not set up yet.") == 2 and "Webhook address to give the gateway:" in html
