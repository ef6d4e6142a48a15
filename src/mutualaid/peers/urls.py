from django.urls import path

from mutualaid.peers import views

urlpatterns = [
    path("", views.referral_list, name="referrals"),
    path("refer/<int:post_id>/", views.refer, name="referrals_refer"),
    path("<str:uid>/", views.referral_detail, name="referrals_detail"),
    path("<str:uid>/decide", views.referral_decide, name="referrals_decide"),
]
