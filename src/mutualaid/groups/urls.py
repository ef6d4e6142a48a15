"""Group pages outside any one group: home, first-run setup, the directory, a new group."""

from django.urls import path

from mutualaid.groups import views

urlpatterns = [
    path("", views.home, name="home"),
    path("setup/", views.setup, name="setup"),
    path("directory/", views.directory, name="directory"),
    path("groups/new/", views.group_new, name="group_new"),
]
