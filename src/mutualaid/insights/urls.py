from django.urls import path

from mutualaid.insights import views

urlpatterns = [
    path("", views.dashboard, name="insights_dashboard"),
    path("<slug:table>.csv", views.table_csv, name="insights_csv"),
]
