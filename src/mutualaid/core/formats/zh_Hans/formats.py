"""The site's one date format, in Simplified Chinese: "2026年12月12日 星期六". Chinese writes the year first
and needs no separators between the parts; the weekday follows the day."""

DATE_FORMAT = "Y年n月j日 D"
DATETIME_FORMAT = "Y年n月j日 D H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
