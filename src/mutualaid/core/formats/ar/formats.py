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
