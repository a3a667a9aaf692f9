from django.urls import path

from sifa.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.staff_login, name="login"),
    path("citizen-login/", views.citizen_login, name="citizen_login"),
    path("sms-code/", views.sms_code, name="sms_code"),
    path("logout/", views.logout_view, name="logout"),
]
