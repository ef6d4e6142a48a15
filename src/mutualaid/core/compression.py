"""Page compression: HTML only (see docs/security.md on BREACH). Static files come precompressed from
WhiteNoise; API answers (JSON for programs, often behind their own compression) are left as they are."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class HtmlGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its random padding against BREACH), for text/html responses."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
