"""The site's one date format, in Arabic: "السبت 12 ديسمبر 2026". Arabic abbreviates neither weekdays nor
months, so the full names (`l`, `F`) read naturally; the time keeps the 24-hour clock of the other languages."""

DATE_FORMAT = "l j F Y"
DATETIME_FORMAT = "l j F Y، H:i"
MONTH_DAY_FORMAT = "j F"
# Numbers in Latin digits, as the site writes them: Arabic texts that use these digits mark decimals with a
# point and group thousands with a comma (Unicode CLDR's "ar" with Latin digits), so "1,234.56 USD".
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y، H:i"
TIME_FORMAT = "H:i"
# The site's own named formats, read by the `local_date` template filter (core/templatetags/mutualaid.py):
# a day and a time without the year ("5 Dec, 18:30"), and a weekday with its day ("Sat 5 Dec").
DAY_TIME_FORMAT = "j F، H:i"
WEEKDAY_DAY_FORMAT = "l j F"
WEEKDAY_DAY_TIME_FORMAT = "l j F، H:i"  # a shift's start: "Sat 12 Dec, 10:00"
