from django.urls import path

from mutualaid.insights import views

urlpatterns = [
    path("", views.dashboard, name="insights_dashboard"),
    path("impact/", views.impact_page, name="insights_impact"),
    path("impact/report/", views.impact_report, name="insights_report"),
    path("impact/settings/", views.impact_settings, name="insights_impact_settings"),
    path("flyers/", views.flyers, name="insights_flyers"),
    path("flyers/<str:language>/", views.flyer, name="insights_flyer"),
    path("phone-bank/", views.phone_bank, name="insights_phone_bank"),
    path("<slug:table>.csv", views.table_csv, name="insights_csv"),
]
