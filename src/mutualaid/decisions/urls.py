from django.urls import path

from mutualaid.decisions import views

urlpatterns = [
    path("", views.proposal_list, name="decisions_list"),
    path("new/", views.proposal_new, name="decisions_new"),
    path("policy/", views.policy, name="decisions_policy"),
    path("<int:proposal_id>/", views.proposal_page, name="decisions_proposal"),
    path("<int:proposal_id>/vote/", views.vote, name="decisions_vote"),
    path("<int:proposal_id>/close/", views.close, name="decisions_close"),
    path("<int:proposal_id>/withdraw/", views.withdraw, name="decisions_withdraw"),
]
