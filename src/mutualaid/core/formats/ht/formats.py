"""The site's one date format in Haitian Creole: "12/12/2026". Django carries no Kreyòl day or month
names, so the date is written in figures rather than with English names."""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y, H:i"
MONTH_DAY_FORMAT = "d/m"
