from django.urls import path

from mutualaid.housing import views

urlpatterns = [
    path("", views.home, name="housing_home"),
    path("offers/new/", views.offer_new, name="housing_offer_new"),
    path("offers/<int:offer_id>/", views.offer_page, name="housing_offer"),
    path("offers/<int:offer_id>/edit/", views.offer_edit, name="housing_offer_edit"),
    path("offers/<int:offer_id>/propose/", views.propose, name="housing_propose"),
    path("offers/<int:offer_id>/withdraw/", views.offer_withdraw, name="housing_offer_withdraw"),
    path("stays/<int:stay_id>/", views.stay_page, name="housing_stay"),
    path("stays/<int:stay_id>/<slug:action>/", views.stay_step, name="housing_stay_step"),
]
