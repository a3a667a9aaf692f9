from django.urls import path

from sifa.arbitration import views

app_name = "arbitration"
urlpatterns = [
    path("arbitrators/", views.arbitrators, name="arbitrators"),
    path("arbitrators/export.xlsx", views.arbitrators_export, name="arbitrators_export"),
    path("arbitrators/import/", views.arbitrators_import, name="arbitrators_import"),
    path("arbitrators/new/", views.arbitrator_new, name="arbitrator_new"),
    path("arbitrators/<int:arbitrator_id>/", views.arbitrator, name="arbitrator"),
    path("arbitrators/<int:arbitrator_id>/<slug:action>/", views.arbitrator_action, name="arbitrator_action"),
    path("trainings/", views.trainings, name="trainings"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:case_id>/", views.case_panel, name="case"),
    path("cases/<int:case_id>/<slug:action>/", views.case_action, name="case_action"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("serve/<str:token>/", views.serve, name="serve"),
    path("serve/<str:token>/document.pdf", views.serve_document, name="serve_document"),
]
