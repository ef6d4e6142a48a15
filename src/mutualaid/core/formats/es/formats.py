"""The site's one date format, in Spanish: "sáb 12 dic 2026". Month abbreviations are lower-case in
Spanish: `b` ("dic"), not `M`, which capitalises them ("Dic")."""

DATE_FORMAT = "D j b Y"
DATETIME_FORMAT = "D j b Y, H:i"
MONTH_DAY_FORMAT = "j b"
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
TIME_FORMAT = "H:i"
# The site's own named formats, read by the `local_date` template filter (core/templatetags/mutualaid.py):
# a day and a time without the year ("5 Dec, 18:30"), and a weekday with its day ("Sat 5 Dec").
DAY_TIME_FORMAT = "j b, H:i"
WEEKDAY_DAY_FORMAT = "D j b"
WEEKDAY_DAY_TIME_FORMAT = "D j b, H:i"  # a shift's start: "Sat 12 Dec, 10:00"
