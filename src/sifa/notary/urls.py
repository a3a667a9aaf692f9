from django.urls import URLPattern

app_name = "notary"
urlpatterns: list[URLPattern] = []
