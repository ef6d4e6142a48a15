"""The site's one date format, in Spanish: "sáb 12 dic 2026". Month abbreviations are lower-case in
Spanish: `b` ("dic"), not `M`, which capitalises them ("Dic")."""

DATE_FORMAT = "D j b Y"
DATETIME_FORMAT = "D j b Y, H:i"
MONTH_DAY_FORMAT = "j b"
