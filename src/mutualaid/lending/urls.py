from django.urls import path

from mutualaid.lending import views

urlpatterns = [
    path("", views.library, name="lending_list"),
    path("new/", views.item_new, name="lending_new"),
    path("<int:item_id>/", views.item_page, name="lending_item"),
    path("<int:item_id>/edit/", views.item_edit, name="lending_edit"),
    path("<int:item_id>/photo/", views.photo_upload, name="lending_photo_upload"),
    path("<int:item_id>/photo.jpg", views.photo, name="lending_photo"),
    path("<int:item_id>/request/", views.request_item, name="lending_request"),
    path("<int:item_id>/repair/", views.repair, name="lending_repair"),
    path("<int:item_id>/circulation/", views.circulation, name="lending_circulation"),
    path("loans/<int:loan_id>/<str:action>/", views.loan_action, name="lending_loan"),
]
