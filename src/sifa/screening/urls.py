from django.urls import path

from sifa.screening import views

app_name = "screening"
urlpatterns = [
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning"),
    path("registries/", views.registry_list, name="registries"),
    path("registries/import/", views.registry_import, name="registry_import"),
    path("licences/", views.licence_list, name="licences"),
    path("licences/new/", views.licence_create, name="licence_create"),
    path("licences/<int:application_id>/", views.licence_detail, name="licence"),
    path("licences/<int:application_id>/<str:action>/", views.licence_action, name="licence_action"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/new/", views.job_create, name="job_create"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("jobs/<int:job_id>/status/", views.job_status, name="job_status"),
]
