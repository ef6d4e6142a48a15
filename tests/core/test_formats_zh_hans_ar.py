"""Simplified Chinese and Arabic dates and amounts read naturally (issue 18): Chinese writes the year first
with its own characters ("2026年12月12日 星期六"), Arabic spells out the day and the month ("السبت 12 ديسمبر
2026"); amounts stay in Latin digits with a point for decimals, and what a page shows parses back."""

from __future__ import annotations

import datetime

import pytest
from django.utils import formats, translation

from mutualaid.funds.money import format_amount, format_money, parse_money

pytestmark = pytest.mark.pure

DAY = datetime.date(2026, 12, 12)
MOMENT = datetime.datetime(2026, 12, 12, 18, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "date", "moment", "month_day", "year_month"),
    [
        ("zh-hans", "2026年12月12日 星期六", "2026年12月12日 星期六 18:30", "12月12日", "2026年12月"),
        ("ar", "السبت 12 ديسمبر 2026", "السبت 12 ديسمبر 2026، 18:30", "12 ديسمبر", "ديسمبر 2026"),
    ],
)
def test_the_site_date_formats_read_naturally(
    language: str, date: str, moment: str, month_day: str, year_month: str
) -> None:
    with translation.override(language):
        assert formats.date_format(DAY, "DATE_FORMAT") == date
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == moment
        assert formats.date_format(DAY, "MONTH_DAY_FORMAT") == month_day
        assert formats.date_format(DAY, "YEAR_MONTH_FORMAT") == year_month


@pytest.mark.parametrize("language", ["zh-hans", "ar"])
def test_amounts_use_a_decimal_point_and_parse_back(language: str) -> None:
    with translation.override(language):
        assert format_money(123456, "USD") == "1,234.56 USD"
        assert parse_money(format_amount(123456, "USD", grouping=False), "USD") == 123456
        assert parse_money(format_amount(123456, "USD"), "USD") == 123456
