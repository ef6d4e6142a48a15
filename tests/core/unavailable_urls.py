"""The project's URLs plus views that lose the database, to see what a request in flight answers."""

from django.db import InterfaceError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mutualaid.config.urls import handler500
from mutualaid.config.urls import urlpatterns as project_urlpatterns


def lost(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug, not an outage")


urlpatterns = [
    path("lost/", lost),
    path("api/lost/", lost),
    path("broken/", broken),
    *project_urlpatterns,
]
__all__ = ["handler500", "urlpatterns"]
