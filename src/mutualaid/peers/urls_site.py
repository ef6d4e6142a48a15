from django.urls import path

from mutualaid.peers import views_site

urlpatterns = [
    path("peers/actor", views_site.actor, name="peers_actor"),
    path("peers/directory", views_site.directory_view, name="peers_directory"),
    path("peers/inbox", views_site.inbox, name="peers_inbox"),
]
