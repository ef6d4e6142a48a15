from django.urls import path

from mutualaid.shifts import views

urlpatterns = [
    path("", views.calendar_page, name="shifts_calendar"),
    path("mine/", views.mine, name="shifts_mine"),
    path("new/", views.series_new, name="shifts_series_new"),
    path("<int:series_id>/", views.series_page, name="shifts_series"),
    path("<int:series_id>/edit/", views.series_edit, name="shifts_series_edit"),
    path("<int:series_id>/roles/new/", views.role_new, name="shifts_role_new"),
    path("<int:series_id>/every/", views.standing_new, name="shifts_standing_new"),
    path("roles/<int:role_id>/", views.role_edit, name="shifts_role_edit"),
    path("every/<int:standing_id>/stop/", views.standing_stop, name="shifts_standing_stop"),
    path("on/<int:occurrence_id>/", views.occurrence_page, name="shifts_occurrence"),
    path("on/<int:occurrence_id>/signup/", views.signup_new, name="shifts_signup"),
    path("on/<int:occurrence_id>/change/", views.occurrence_change, name="shifts_occurrence_change"),
    path("on/<int:occurrence_id>/cancel/", views.occurrence_cancel, name="shifts_occurrence_cancel"),
    path("on/<int:occurrence_id>/attendance/", views.attendance, name="shifts_attendance"),
    path("on/<int:occurrence_id>/outcome/", views.outcome, name="shifts_outcome"),
    path("signups/<int:signup_id>/drop/", views.signup_drop, name="shifts_drop"),
    path("signups/<int:signup_id>/swap/", views.signup_swap, name="shifts_swap"),
    path("swaps/<int:swap_id>/", views.swap_answer, name="shifts_swap_answer"),
]
