from django.urls import path

from sifa.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.home, name="home"),
    path("verify/", views.verify_start, name="verify"),
    path("verify/<int:run_id>/", views.verify_status, name="verify_status"),
]
