"""Two views: a plain "ok" and the 20 newest of 100,000 rows through one template."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from bare.models import Row


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def rows(request: HttpRequest) -> HttpResponse:
    return render(request, "rows.html", {"rows": Row.objects.order_by("-created_at")[:20]})


urlpatterns = [path("ok", ok), path("rows/", rows)]
