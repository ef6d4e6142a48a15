"""The project's URLs plus one view that fails, to see what an error page and its log reveal."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from mutualaid.config.urls import urlpatterns as project_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke while serving this page")


urlpatterns = [path("boom/", boom, name="boom"), *project_urlpatterns]
