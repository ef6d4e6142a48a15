from django.urls import path

from mutualaid.shifts import views

urlpatterns = [
    path("shifts/calendar/", views.feed_page, name="shifts_feed_page"),
    path("shifts/calendar/<str:token>.ics", views.feed, name="shifts_feed"),
    path("shifts/cant/<str:token>/", views.cant, name="shifts_cant"),
]
