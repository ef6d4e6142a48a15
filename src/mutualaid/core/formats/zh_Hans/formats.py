"""The site's one date format, in Simplified Chinese: "2026年12月12日 星期六". Chinese writes the year first
and needs no separators between the parts; the weekday follows the day."""

DATE_FORMAT = "Y年n月j日 D"
DATETIME_FORMAT = "Y年n月j日 D H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
# The site's own named formats, read by the `local_date` template filter (core/templatetags/mutualaid.py):
# a day and a time without the year ("5 Dec, 18:30"), and a weekday with its day ("Sat 5 Dec").
DAY_TIME_FORMAT = "n月j日 H:i"
WEEKDAY_DAY_FORMAT = "n月j日 D"
WEEKDAY_DAY_TIME_FORMAT = "n月j日 D H:i"  # a shift's start: "Sat 12 Dec, 10:00"
