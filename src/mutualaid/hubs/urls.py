from django.urls import path

from mutualaid.hubs import views

urlpatterns = [
    path("", views.group_hubs, name="hubs_list"),
    path("new/", views.hub_new, name="hubs_new"),
    path("<int:hub_id>/", views.hub_page, name="hubs_hub"),
    path("<int:hub_id>/edit/", views.hub_edit, name="hubs_edit"),
    path("<int:hub_id>/closures/", views.closure_new, name="hubs_closure_new"),
    path("<int:hub_id>/report/", views.report, name="hubs_report"),
    path("<int:hub_id>/offers/", views.offer_point, name="hubs_offer_point"),
    path("<int:hub_id>/offers/<int:post_id>/remove/", views.offer_unpoint, name="hubs_offer_unpoint"),
    path("<int:hub_id>/stock/", views.stock, name="hubs_stock"),
    path("<int:hub_id>/stock/sheet/", views.stock_sheet, name="hubs_stock_sheet"),
    path("<int:hub_id>/stock/count/", views.stock_count, name="hubs_stock_count"),
    path("closures/<int:closure_id>/delete/", views.closure_delete, name="hubs_closure_delete"),
    path("reports/<int:report_id>/photo.jpg", views.photo, name="hubs_photo"),
]
