from django.urls import path

from sifa.documents import verify_views

app_name = "verify"
urlpatterns = [
    path("", verify_views.verify_lookup, name="lookup"),
    path("<str:code>", verify_views.verify_page, name="page"),
]
