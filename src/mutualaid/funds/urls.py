from django.urls import path

from mutualaid.funds import views

urlpatterns = [
    path("", views.fund_list, name="funds_list"),
    path("new/", views.fund_new, name="funds_fund_new"),
    path("<int:fund_id>/", views.fund_page, name="funds_fund"),
    path("<int:fund_id>/edit/", views.fund_edit, name="funds_fund_edit"),
    path("<int:fund_id>/transparency/", views.transparency, name="funds_transparency"),
    path("<int:fund_id>/ledger.csv", views.export_csv, name="funds_export"),
    path("<int:fund_id>/contributions/new/", views.contribution_new, name="funds_contribution_new"),
    path("<int:fund_id>/pledges/new/", views.pledge_new, name="funds_pledge_new"),
    path("<int:fund_id>/pledges/<int:pledge_id>/stop/", views.pledge_stop, name="funds_pledge_stop"),
    path(
        "<int:fund_id>/transactions/<int:transaction_id>/reverse/",
        views.transaction_reverse,
        name="funds_reverse",
    ),
    path("<int:fund_id>/requests/new/", views.request_new, name="funds_request_new"),
    path("requests/<int:request_id>/", views.request_page, name="funds_request"),
    path("requests/<int:request_id>/approve/", views.request_approve, name="funds_request_approve"),
    path("requests/<int:request_id>/decline/", views.request_decline, name="funds_request_decline"),
    path("requests/<int:request_id>/withdraw/", views.request_withdraw, name="funds_request_withdraw"),
    path("requests/<int:request_id>/pay/", views.request_pay, name="funds_request_pay"),
    path("requests/<int:request_id>/bail/", views.bail_settle, name="funds_bail_settle"),
    path("requests/<int:request_id>/receipts/", views.receipt_add, name="funds_receipt_add"),
    path(
        "requests/<int:request_id>/receipts/<int:receipt_id>/", views.receipt_download, name="funds_receipt"
    ),
]
