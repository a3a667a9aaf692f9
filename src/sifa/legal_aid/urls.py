from django.urls import path

from sifa.legal_aid import views

app_name = "legal_aid"
urlpatterns = [
    path("subsidies/", views.subsidy_list, name="subsidies"),
    path("subsidies/<int:case_id>/", views.subsidy_record, name="subsidy_record"),
]
