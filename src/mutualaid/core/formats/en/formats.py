"""The site's one date format, in English: "Sat 12 Dec 2026" (templates say `date:"DATE_FORMAT"`)."""

DATE_FORMAT = "D j M Y"
DATETIME_FORMAT = "D j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
