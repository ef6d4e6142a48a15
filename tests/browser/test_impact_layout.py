"""The impact page's layout in a real browser: printed on A4, its twelve-month tables fit the paper; in
Arabic (right to left) its charts keep every month label clear of the bars and of the values."""

from __future__ import annotations

import datetime
from typing import Any

from mutualaid.core.categories import Category

# A4 is 210 mm wide; less the print stylesheet's 12 mm margins that is 186 mm, 703 CSS pixels.
A4_TEXT_WIDTH = 703

OVERLAPS = """() => {
  const boxes = [];
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    const texts = [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect());
    const bars = [...svg.querySelectorAll('rect')].map(r => r.getBoundingClientRect());
    boxes.push({texts: texts.map(b => [b.left, b.right, b.top, b.bottom]),
                bars: bars.map(b => [b.left, b.right, b.top, b.bottom])});
  }
  return boxes;
}"""


def _cross(a: list[float], b: list[float]) -> bool:
    """Whether two boxes share more than a hair (a pixel) of area."""
    return min(a[1], b[1]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[2], b[2]) > 1


def _history(crown: Any) -> None:
    from django.utils import timezone

    from mutualaid.exchange.models import Post
    from mutualaid.insights import figures
    from mutualaid.insights.models import ImpactPage

    ImpactPage.objects.create(group=crown, public=True)
    now = timezone.now()
    posts = [
        Post(
            group=crown,
            kind=kind,
            category=category,
            title="x",
            created_at=now - datetime.timedelta(days=30 * months + 2),
            status="fulfilled",
        )
        for months in range(12)
        for category in list(Category.values)[:6]
        for kind in ("need", "offer")
        for _ in range(12 + months)
    ]
    Post.objects.bulk_create(posts)
    figures.refresh(lag=datetime.timedelta(0))


def test_impact_tables_fit_a4_in_print_and_the_arabic_chart_keeps_labels_off_the_bars(
    browser: Any, live_server: Any, crown: Any
) -> None:
    _history(crown)
    url = live_server.url + "/g/crown/insights/impact/"
    for locale in ("en-US", "ar"):
        context = browser.new_context(viewport={"width": A4_TEXT_WIDTH, "height": 1000}, locale=locale)
        context.set_default_timeout(120_000)  # the machine running the suite may be busy
        tab = context.new_page()
        tab.goto(url, wait_until="domcontentloaded")
        assert tab.evaluate("document.documentElement.dir") == ("rtl" if locale == "ar" else "")
        charts = tab.evaluate(OVERLAPS)
        assert len(charts) == 3
        for chart in charts:
            assert len(chart["bars"]) == 12 and len(chart["texts"]) == 24  # a month label and a value each
            for text in chart["texts"]:
                assert not any(_cross(text, bar) for bar in chart["bars"]), (locale, text)
        tab.emulate_media(media="print")
        widths = tab.evaluate(
            "[...document.querySelectorAll('table.month-table')].map(t => t.getBoundingClientRect().right"
            " - t.getBoundingClientRect().left)"
        )
        assert len(widths) == 3 and all(w <= A4_TEXT_WIDTH for w in widths), (locale, widths)
        assert tab.evaluate("document.documentElement.scrollWidth") <= A4_TEXT_WIDTH
        context.close()
