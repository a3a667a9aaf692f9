from django.urls import path

from sifa.reconsideration import views

app_name = "reconsideration"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/extend/", views.extend, name="extend"),
]
