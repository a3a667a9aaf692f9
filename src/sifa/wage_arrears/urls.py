from django.urls import path

from sifa.wage_arrears import views

app_name = "wage_arrears"
urlpatterns = [
    path("", views.intro, name="intro"),
    path("apply/", views.apply, name="apply"),
    path("my/<int:request_id>/", views.answer, name="answer"),
    path("my/<int:request_id>/legal-aid/", views.legal_aid, name="legal_aid"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/forward/", views.request_forward, name="request_forward"),
    path("requests/<int:request_id>/feedback/", views.request_feedback, name="request_feedback"),
    path("stats/", views.stats, name="stats"),
    path("stats/export.xlsx", views.stats_export, name="stats_export"),
]
