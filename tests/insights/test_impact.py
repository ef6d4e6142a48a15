"""The public impact page and its report, flyers, the phone-bank sheet and the shared print stylesheet."""

from __future__ import annotations

import datetime
import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from mutualaid.core.models import SensitiveRead
from mutualaid.exchange.models import Contact, Post
from mutualaid.insights import figures, impact
from mutualaid.insights.models import ImpactPage
from mutualaid.insights.suppression import SHOWN, SMALL, Cell
from tests.channels.conftest import http_server, twilio  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _posts(
    group: Any, n: int, *, category: str = "food", kind: str = "need", months_ago: int = 0, **extra: Any
) -> None:
    first = impact.add_months(impact.first_of_month(timezone.localdate()), -months_ago)
    # The Monday on or after the first of the month: counted in that month.
    monday = first + datetime.timedelta(days=(7 - first.weekday()) % 7)
    at = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(10)))
    at = min(at, timezone.now() - datetime.timedelta(hours=1))
    extra.setdefault("status", "open")
    Post.objects.bulk_create(
        [
            Post(group=group, kind=kind, category=category, title="x", created_at=at, updated_at=at, **extra)
            for _ in range(n)
        ]
    )


def _refresh() -> None:
    figures.refresh(lag=datetime.timedelta(0))


def _publish(group: Any) -> None:
    ImpactPage.objects.update_or_create(group=group, defaults={"public": True})


def test_impact_page_is_private_until_a_coordinator_publishes_it(
    client_for: Any, crown: Any, ada: Any, ben: Any
) -> None:
    url = reverse("insights_impact", args=["crown"])
    assert client_for(None).get(url).status_code == 404
    assert client_for(ben).get(url).status_code == 404
    preview = client_for(ada).get(url)
    assert preview.status_code == 200 and "This page is not public" in preview.content.decode()
    group_page = reverse("group", args=["crown"])
    assert url not in client_for(None).get(group_page).content.decode()

    settings_url = reverse("insights_impact_settings", args=["crown"])
    response = client_for(ada).post(settings_url, {"public": "on"})
    assert response.status_code == 302
    page = ImpactPage.objects.get(group=crown)
    assert page.public and page.changed_by == ada
    assert client_for(None).get(url).status_code == 200
    assert url in client_for(None).get(group_page).content.decode()

    client_for(ada).post(settings_url, {})  # an unticked box: private again
    assert not ImpactPage.objects.get(group=crown).public
    assert client_for(None).get(url).status_code == 404


def test_impact_page_suppresses_small_counts_and_draws_a_chart_per_table(client_for: Any, crown: Any) -> None:
    _publish(crown)
    # Whole months past: a week counts in the month of its Monday, so this month's first days may not.
    _posts(crown, 25, months_ago=2)
    _posts(crown, 14, months_ago=1)
    _posts(crown, 3, category="housing", months_ago=1)
    _posts(crown, 12, category="housing", months_ago=2, status="fulfilled")
    _refresh()
    tables = {t.key: t for t in impact.public_tables(crown, impact.Period.recent())}
    needs = tables["needs"]
    housing = needs.row_labels.index("Housing & eviction defense")
    food = needs.row_labels.index("Food")
    assert needs.rows[housing][-2].state == SMALL
    assert not needs.rows[housing][-3].shown and not needs.rows[food][-2].shown  # complementary
    assert not needs.column_totals[-2].shown and not needs.total.shown
    assert needs.column_totals[-3].state != SHOWN
    assert tables["fulfilled"].rows[housing][-3] == Cell(SHOWN, 12)
    body = client_for(None).get(reverse("insights_impact", args=["crown"])).content.decode()
    assert body.count("<svg") == 3 and body.count("<table") == 3
    assert body.count('role="img"') == 3 and '<title id="chart-needs">' in body
    assert "fewer than 11" in body
    assert ">3<" not in body  # the small count is nowhere, not even in a chart label
    assert "<script" not in body and "style=" not in body


def test_impact_page_stays_under_30_kb_with_every_category_every_month(client_for: Any, crown: Any) -> None:
    from mutualaid.core.categories import Category
    from mutualaid.insights.models import PostFigure

    _publish(crown)
    # The summary rows the worker would keep, with six-figure counts in every cell: the widest page.
    this = impact.first_of_month(timezone.localdate())
    PostFigure.objects.bulk_create(
        [
            PostFigure(
                group=crown,
                week=impact.add_months(this, -months_ago) + datetime.timedelta(days=1),
                month=impact.add_months(this, -months_ago),
                kind=kind,
                category=category,
                area="",
                channel="web",
                status="fulfilled",
                n=123456,
            )
            for months_ago in range(12)
            for category in Category.values
            for kind in ("need", "offer")
        ]
    )
    response = client_for(None).get(reverse("insights_impact", args=["crown"]))
    assert response.status_code == 200
    assert len(response.content) <= 30 * 1024, len(response.content)
    # And a first visit (the page and the style sheet, compressed) keeps to the site's 15 KB.
    css = Path(finders.find("core/site.css")).read_bytes()
    assert len(gzip.compress(response.content)) + len(gzip.compress(css)) <= 15 * 1024
    assert response.content.decode().count("<tr>") >= 3 * (len(Category.values) + 2)


def test_report_adds_up_the_suppressed_grid_so_no_two_periods_give_a_small_count_away(
    client_for: Any, crown: Any, ada: Any
) -> None:
    _posts(crown, 30, months_ago=3, status="fulfilled")
    _posts(crown, 15, category="health", months_ago=3)
    _posts(crown, 20, months_ago=2)
    _posts(crown, 40, category="health", months_ago=2)
    _posts(crown, 4, category="health", months_ago=1)  # the small count
    _posts(crown, 25, months_ago=1)
    # Smaller neighbours further back: the rule hides them (and not months -3 and -2) alongside.
    _posts(crown, 12, category="health", months_ago=5)
    _posts(crown, 11, months_ago=6)
    _posts(crown, 50, months_ago=30)  # outside the two years a report may cover
    _refresh()
    this = impact.first_of_month(timezone.localdate())
    months = [impact.add_months(this, -n) for n in (4, 3, 2, 1)]
    both = impact.report(crown, impact.Period(months[1], months[2]))
    headline = dict(both.headline)
    assert headline["Needs made"] == Cell(SHOWN, 105)
    assert headline["Needs fulfilled"] == Cell(SHOWN, 30)
    assert both.rows[both.categories.index("Health care")][0] == Cell(SHOWN, 55)
    # Every period that takes in the month of the small count says only "at least": subtracting
    # two reports never gives the month alone.
    for first in months:
        for last in months:
            if first > last:
                continue
            found = dict(impact.report(crown, impact.Period(first, last)).headline)["Needs made"]
            assert found.shown == (last < months[3]), (first, last, found)
            assert found.state in (SHOWN, impact.AT_LEAST, "hidden")
    response = client_for(ada).get(
        reverse("insights_report", args=["crown"]),
        {"start": f"{months[1]:%Y-%m}", "end": f"{months[3]:%Y-%m}"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "one-page" in body and "at least" in body
    assert ">4<" not in body and ">134<" not in body
    # A period reversed, in the future or beyond two years is refused (never clamped or swapped).
    for data in (
        {"start": f"{months[3]:%Y-%m}", "end": f"{months[0]:%Y-%m}"},
        {"start": "2020-01", "end": f"{months[0]:%Y-%m}"},
        {"start": "x", "end": None},
        {"start": f"{months[0]:%Y-%m}", "end": f"{impact.add_months(this, 1):%Y-%m}"},
    ):
        with pytest.raises(impact.PeriodError):
            impact.Period.parse(data)
    assert impact.Period.parse({}) == impact.Period.recent()


def test_api_impact_matches_the_page_and_publishing_through_the_api(
    crown: Any, ada: Any, client: Any
) -> None:
    from mutualaid.members.services import access_token_create

    _posts(crown, 3, months_ago=1)
    _refresh()
    token = access_token_create(user=ada, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = reverse("api:insights_impact", args=["crown"])
    assert client.get(url).status_code == 404
    response = client.put(
        reverse("api:insights_impact_settings", args=["crown"]),
        {"public": True},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200 and response.json()["public"] is True
    data = client.get(url).json()
    needs = next(t for t in data["tables"] if t["key"] == "needs")
    assert needs["rows"][0][-2] == {"state": "small", "value": None}
    report = client.get(reverse("api:insights_impact_report", args=["crown"])).json()
    assert report["headline"][0]["cell"] == {"state": "hidden", "value": None}


def _gateway(group: Any, sender: str = "+1 718 555 0100") -> None:
    from mutualaid.channels.models import Gateway

    Gateway.objects.create(group=group, kind="twilio", account="a", secret="s", sender=sender)


def test_flyers_in_every_installed_language_with_number_keywords_qr_and_strips(
    client_for: Any, crown: Any, ben: Any
) -> None:
    _gateway(crown)
    client = client_for(ben)
    listing = client.get(reverse("insights_flyers", args=["crown"])).content.decode()
    for code, _name in settings.LANGUAGES:
        url = reverse("insights_flyer", args=["crown", code])
        assert url in listing
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert '<html lang="en">' in body  # the page around it in the reader's language
        direction = "rtl" if code == "ar" else "ltr"
        assert f'<article class="print-sheet flyer" lang="{code}" dir="{direction}">' in body
        assert "+1 718 555 0100" in body and body.count('class="qr"') == 1 and "<path" in body
        assert body.count("<li><span>") == 8  # tear-off strips
        assert "http://testserver/g/crown/" in body
        assert "<script" not in body and "style=" not in body
        assert len(gzip.compress(response.content)) <= 8 * 1024
    spanish = client.get(reverse("insights_flyer", args=["crown", "es"])).content.decode()
    assert "NECESITO" in spanish and "¿Necesitas ayuda?" in spanish
    english = client.get(reverse("insights_flyer", args=["crown", "en"])).content.decode()
    assert "<strong>NEED</strong>" in english
    assert client.get(reverse("insights_flyer", args=["crown", "xx"])).status_code == 404


def test_flyer_without_a_gateway_gives_the_web_address_only(client_for: Any, crown: Any, ben: Any) -> None:
    body = client_for(ben).get(reverse("insights_flyer", args=["crown", "en"])).content.decode()
    assert "By text message" not in body and "http://testserver/g/crown/" in body


def test_phone_bank_is_coarse_unless_the_coordinator_asks_and_each_read_is_audited(
    client_for: Any, crown: Any, ada: Any, ben: Any
) -> None:
    contact = Contact.objects.create(group=crown, name="Rosa Díaz", phone="+17185550123", phone_index="x")
    Post.objects.create(
        group=crown,
        kind="need",
        category="food",
        title="Groceries for four",
        contact=contact,
        area="11213",
        urgency="today",
    )
    Post.objects.create(group=crown, kind="need", category="health", title="A ride", author=ben)
    Post.objects.create(group=crown, kind="need", category="food", title="Done", status="fulfilled")
    Post.objects.create(group=crown, kind="offer", category="food", title="Soup")
    url = reverse("insights_phone_bank", args=["crown"])
    coarse = client_for(ada).get(url).content.decode()
    assert (
        "11213" in coarse and "Rosa" not in coarse and "5550123" not in coarse and "Groceries" not in coarse
    )
    assert coarse.count("☐ ☐ ☐") == 2
    assert SensitiveRead.objects.count() == 0
    refused = client_for(ada).post(url, {})
    assert refused.status_code == 400 and "Rosa" not in refused.content.decode()
    exact = client_for(ada).post(url, {"exact": "on"}).content.decode()
    assert "Rosa Díaz" in exact and "+17185550123" in exact and "Groceries for four" in exact
    assert exact.index("Rosa") < exact.index("A ride")  # today's urgent need first
    reads = SensitiveRead.objects.filter(reader=ada, group_id=crown.pk)
    assert sorted(r.subject_type for r in reads) == ["exchange.contact", "members.user"]
    assert client_for(ben).get(url).status_code == 403


def test_phone_bank_api_matches_the_page(crown: Any, ada: Any, client: Any) -> None:
    from mutualaid.members.services import access_token_create

    contact = Contact.objects.create(group=crown, name="Rosa", phone="+17185550123", phone_index="x")
    Post.objects.create(group=crown, kind="need", category="food", title="x", contact=contact)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {access_token_create(user=ada, name='t')[1]}"}
    url = reverse("api:insights_phone_bank", args=["crown"])
    coarse = client.get(url, **auth).json()
    assert (
        coarse["exact"] is False
        and coarse["lines"][0]["phone"] == ""
        and coarse["lines"][0]["source"] == "intake"
    )
    assert SensitiveRead.objects.count() == 0
    exact = client.post(url, **auth).json()
    assert exact["lines"][0]["phone"] == "+17185550123"
    assert SensitiveRead.objects.filter(subject_type="exchange.contact").count() == 1


def test_one_print_stylesheet_for_every_printed_page() -> None:
    css = Path(finders.find("core/site.css")).read_text()
    rules = re.findall(r"@media print\{(.*)\}", css)
    assert len(rules) == 1
    for hidden in ("header.top", "footer", ".no-print", "button"):
        assert hidden in rules[0]
    # The route sheet follows it and keeps no print rules of its own.
    assert "@media print" not in Path(finders.find("deliveries/sheet.css")).read_text()
    for name in ("_flyer", "report", "phone_bank", "impact"):
        source = (Path(impact.__file__).parent / "templates" / "insights" / f"{name}.html").read_text()
        assert "print-sheet" in source and "<link" not in source


@pytest.mark.usefixtures("twilio")
def test_phone_bank_prints_the_number_a_neighbour_texted_from(
    client: Any, client_for: Any, crown: Any, ada: Any
) -> None:
    """A need that came by text: its number lives with the texting app, and the sheet must still show it."""
    from tests.channels.test_conversation import PHONE, texts

    texts(client, "NEED", "1", "Crown Heights 11216", "1", "Groceries for 3 kids")
    post = Post.objects.get(kind="need")
    url = reverse("insights_phone_bank", args=["crown"])
    exact = client_for(ada).post(url, {"exact": "on"}).content.decode()
    assert PHONE in exact
    read = SensitiveRead.objects.get(reader=ada, group_id=crown.pk)
    assert read.subject_type == "channels.contact" and "phone" in read.fields
    assert PHONE not in client_for(ada).get(url).content.decode()
    assert post.status == "open"


def test_an_arabic_flyer_reads_right_to_left_inside_an_english_page(
    client_for: Any, crown: Any, ben: Any
) -> None:
    arabic = client_for(ben).get(reverse("insights_flyer", args=["crown", "ar"])).content.decode()
    assert 'lang="ar" dir="rtl"' in arabic
    english = client_for(ben).get(reverse("insights_flyer", args=["crown", "en"])).content.decode()
    assert 'lang="en" dir="ltr"' in english


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "Tick “Print names and phone numbers” first: it confirms that volunteers will call"),
        ("es", "Marca primero «Imprimir nombres y números de teléfono»"),
    ],
)
def test_phone_bank_names_button_without_its_box_says_what_to_tick_and_why(
    client_for: Any, crown: Any, ada: Any, language: str, says: str
) -> None:
    ada.language = language
    ada.save(update_fields=["language"])
    refused = client_for(ada).post(reverse("insights_phone_bank", args=["crown"]), {})
    text = refused.content.decode()
    assert refused.status_code == 400 and says in text
    assert "This field is required" not in text and "Este campo es obligatorio" not in text
