"""The site's one date format, in English: "Sat 12 Dec 2026" (templates say `date:"DATE_FORMAT"`)."""

DATE_FORMAT = "D j M Y"
DATETIME_FORMAT = "D j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
# The site's own named formats, read by the `local_date` template filter (core/templatetags/mutualaid.py):
# a day and a time without the year ("5 Dec, 18:30"), and a weekday with its day ("Sat 5 Dec").
DAY_TIME_FORMAT = "j M, H:i"
WEEKDAY_DAY_FORMAT = "D j M"
WEEKDAY_DAY_TIME_FORMAT = "D j M, H:i"  # a shift's start: "Sat 12 Dec, 10:00"
