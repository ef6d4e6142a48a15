"""The site's one date format in Haitian Creole: "12/12/2026". Django carries no Kreyòl day or month
names, so the date is written in figures rather than with English names."""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y, H:i"
MONTH_DAY_FORMAT = "d/m"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y, H:i"
TIME_FORMAT = "H:i"
# The site's own named formats, read by the `local_date` template filter (core/templatetags/mutualaid.py):
# a day and a time without the year ("5 Dec, 18:30"), and a weekday with its day ("Sat 5 Dec").
DAY_TIME_FORMAT = "d/m, H:i"
WEEKDAY_DAY_FORMAT = "d/m"
WEEKDAY_DAY_TIME_FORMAT = "d/m, H:i"  # a shift's start: "Sat 12 Dec, 10:00"
YEAR_MONTH_FORMAT = "m/Y"
