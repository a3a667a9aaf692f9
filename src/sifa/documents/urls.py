from django.urls import path

from sifa.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:document_id>/", views.document_detail, name="detail"),
    path("<int:document_id>/download/<str:fmt>", views.document_download, name="download"),
    path("<int:document_id>/revoke/", views.document_revoke, name="revoke"),
]
