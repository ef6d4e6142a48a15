from django.urls import path

from mutualaid.federation import views

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="federation_webfinger"),
    path("ap/inbox", views.shared_inbox, name="federation_shared_inbox"),
    path("ap/groups/<slug:slug>", views.actor, name="federation_actor"),
    path("ap/groups/<slug:slug>/inbox", views.inbox, name="federation_inbox"),
    path("ap/groups/<slug:slug>/outbox", views.outbox, name="federation_outbox"),
    path("ap/groups/<slug:slug>/followers", views.followers, name="federation_followers"),
    path("ap/groups/<slug:slug>/objects/<int:pk>", views.published_object, name="federation_object"),
]
