"""Every language writes its dates one way on a page (note 6): Kreyòl showed "05/12/2026" next to
"12/05/2026 11:07 a.m." (Django's American short format, there being no Kreyòl one), English a 12-hour
"a.m." beside the site's 24-hour times, and templates that wrote their own formats ("j M Y") read
"5 12月 2026" in Chinese. The short formats and the site's own named ones come from each language's
formats module; templates name a format, never write one."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from tests.helpers import make_post

MOMENT = datetime.datetime(2026, 12, 5, 11, 7, tzinfo=datetime.UTC)
LANGUAGES = ["en", "es", "ht", "fr", "zh-hans", "ar"]
SRC = Path(__file__).resolve().parents[2] / "src" / "mutualaid"


@pytest.mark.pure
@pytest.mark.parametrize("language", LANGUAGES)
def test_short_formats_keep_the_day_order_and_the_24_hour_clock(language: str) -> None:
    with translation.override(language):
        date = formats.date_format(MOMENT, "DATE_FORMAT")
        short = formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT")
        time = formats.time_format(MOMENT.time(), "TIME_FORMAT")
    assert time == "11:07"
    assert "11:07" in short and not re.search(r"a\.m\.|p\.m\.|AM|PM|ص|م$", short)
    # the same order as the site's own date: the day before the month wherever the language writes it so
    if "/" in date:
        assert date.startswith("05/12") and short.startswith("05/12")
    assert "12/05" not in short


@pytest.mark.pure
@pytest.mark.parametrize(
    ("language", "day_time", "weekday_day"),
    [
        ("en", "5 Dec, 11:07", "Sat 5 Dec"),
        ("es", "5 dic, 11:07", "sáb 5 dic"),
        ("ht", "05/12, 11:07", "05/12"),
        ("zh-hans", "12月5日 11:07", "12月5日 星期六"),
        ("ar", "5 ديسمبر، 11:07", "السبت 5 ديسمبر"),
    ],
)
def test_the_site_named_formats_follow_the_language(language: str, day_time: str, weekday_day: str) -> None:
    template = Template(
        '{% load mutualaid %}{{ at|local_date:"DAY_TIME_FORMAT" }}|{{ at|local_date:"WEEKDAY_DAY_FORMAT" }}'
    )
    with translation.override(language):
        assert template.render(Context({"at": MOMENT})) == f"{day_time}|{weekday_day}"


# Literal formats that read the same in every language (figures only) are fine; any other is written in
# the language's formats module.
SAME_IN_EVERY_LANGUAGE = {"Y-m-d", "Y-m", "j", "D", "H:i", "T"}
NOT_HERE: tuple[str, ...] = ()


@pytest.mark.pure
def test_templates_name_their_date_formats() -> None:
    # every filter that takes a format: Django's, the site's `local_date` and the shifts' `zoned`
    literal = re.compile(r'\|(?:date|time|local_date|zoned):"([^"]+)"')
    found = []
    for path in SRC.glob("*/templates/**/*.html"):
        relative = path.relative_to(SRC).as_posix()
        if relative.split("/", 1)[1].startswith(NOT_HERE) or relative.startswith(NOT_HERE):
            continue
        for fmt in literal.findall(path.read_text()):
            if not fmt.endswith("_FORMAT") and fmt not in SAME_IN_EVERY_LANGUAGE:
                found.append((relative, fmt))
    assert found == []


def test_the_post_history_reads_in_chinese(client_for: Any, crown: Any, ada: Any) -> None:
    post = make_post(crown, ada)
    post.events.update(at=MOMENT)
    ada.language = "zh-hans"
    ada.save(update_fields=["language"])
    html = client_for(ada).get(reverse("exchange_post", args=[crown.slug, post.pk])).content.decode()
    assert "2026年12月5日 星期六 11:07" in html and "5 12月 2026" not in html
