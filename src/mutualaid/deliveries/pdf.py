"""Route sheets as PDF with WeasyPrint: rendered in memory on request, never stored, nothing fetched.

WeasyPrint needs Debian's Pango (``scripts/ensure-pango``); where it is missing, :class:`PdfUnavailable`
is raised and the page says so (the printable HTML sheet still works).
"""

from __future__ import annotations

import importlib
from typing import Any

from django.contrib.staticfiles import finders


class PdfUnavailable(Exception):
    pass


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError("route sheets fetch nothing")  # no outside origin, not even our own


def render(html: str) -> bytes:
    try:
        weasyprint: Any = importlib.import_module("weasyprint")
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from None
    sheet_css = finders.find("deliveries/sheet.css")
    stylesheets = [weasyprint.CSS(filename=str(sheet_css))] if sheet_css else []
    document = weasyprint.HTML(string=html, url_fetcher=_refuse)
    return bytes(document.write_pdf(stylesheets=stylesheets))
