"""The site's one date format, in French: "sam 12 déc 2026" (month abbreviations lower-case, `b`)."""

DATE_FORMAT = "D j b Y"
DATETIME_FORMAT = "D j b Y, H:i"
MONTH_DAY_FORMAT = "j b"
