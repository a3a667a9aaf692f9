from django.urls import path

from sifa.consultation import views

app_name = "consultation"
urlpatterns = [
    path("duty/", views.roster, name="roster"),
    path("duty/shifts/", views.shift_add, name="shift_add"),
    path("duty/shifts/<int:shift_id>/cancel/", views.shift_cancel, name="shift_cancel"),
    path("duty/dispatch/", views.dispatch, name="dispatch"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/draw/", views.review_draw, name="review_draw"),
    path("reviews/rate/", views.review_rate, name="review_rate"),
    path("reviews/<int:sample_id>/grade/", views.review_grade, name="review_grade"),
    path("stats/", views.stats, name="stats"),
    path("stats/export.xlsx", views.stats_export, name="stats_export"),
]
