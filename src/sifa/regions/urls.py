from django.urls import path

from sifa.regions import views

app_name = "regions"
urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:organisation_id>/", views.organisation, name="organisation"),
]
