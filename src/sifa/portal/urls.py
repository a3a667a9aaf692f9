from django.urls import path

from sifa.portal import hall, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", hall.catalogue, name="catalogue"),
    path("services/<slug:service_type>/apply/", hall.apply, name="apply"),
    path("my/cases/", hall.my_cases, name="my_cases"),
    path("my/cases/<int:case_id>/", hall.my_case, name="my_case"),
    path("my/cases/<int:case_id>/do/<slug:transition>/", hall.my_case_transition, name="my_case_transition"),
    path("my/cases/<int:case_id>/rate/", hall.my_case_rate, name="my_case_rate"),
    path("my/cases/<int:case_id>/documents/<int:document_id>.pdf", hall.my_document, name="my_document"),
    path("my/cases/<int:case_id>/attachments/<int:attachment_id>/", hall.my_attachment, name="my_attachment"),
]
