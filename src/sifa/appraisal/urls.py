from django.urls import path

from sifa.appraisal import views

app_name = "appraisal"
urlpatterns = [
    path("", views.case_list, name="index"),
    path("apply/", views.intake, name="intake"),
    path("institutions/", views.institutions, name="institutions"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/assign/", views.assign, name="assign"),
    path("cases/<int:case_id>/accept/", views.accept, name="accept"),
    path("cases/<int:case_id>/decline/", views.decline, name="decline"),
    path("cases/<int:case_id>/extend/", views.extend, name="extend"),
    path("cases/<int:case_id>/report/", views.report, name="report"),
]
