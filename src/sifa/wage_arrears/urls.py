from django.urls import URLPattern

app_name = "wage_arrears"
urlpatterns: list[URLPattern] = []
