"""Delivery URLs, mounted under /g/<slug>/deliveries/."""

from django.urls import path

from mutualaid.deliveries import views

urlpatterns = [
    path("", views.runs, name="deliveries_runs"),
    path("mine/", views.mine, name="deliveries_mine"),
    path("<int:run_id>/", views.run_detail, name="deliveries_run"),
    path("<int:run_id>/depots/", views.depot_add, name="deliveries_depot_add"),
    path("<int:run_id>/drivers/", views.driver_add, name="deliveries_driver_add"),
    path("<int:run_id>/stops/", views.stop_add, name="deliveries_stop_add"),
    path("<int:run_id>/settings/", views.run_settings, name="deliveries_settings"),
    path("<int:run_id>/plan/", views.plan, name="deliveries_plan"),
    path("<int:run_id>/publish/", views.publish, name="deliveries_publish"),
    path("<int:run_id>/stops/<int:stop_id>/edit/", views.stop_edit, name="deliveries_stop_edit"),
    path("<int:run_id>/stops/<int:stop_id>/move/", views.stop_move, name="deliveries_stop_move"),
    path("<int:run_id>/stops/<int:stop_id>/pair/", views.stop_pair, name="deliveries_stop_pair"),
    path("<int:run_id>/sheet/<int:driver_id>/", views.sheet, name="deliveries_sheet"),
    path("<int:run_id>/sheet/<int:driver_id>/pdf/", views.sheet_pdf, name="deliveries_sheet_pdf"),
    path("<int:run_id>/route/", views.route, name="deliveries_route"),
    path("<int:run_id>/route/<int:stop_id>/", views.report, name="deliveries_report"),
    path("<int:run_id>/route/<int:stop_id>/start/", views.start, name="deliveries_start"),
]
