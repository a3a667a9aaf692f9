from django.urls import path

from sifa.notary import views

app_name = "notary"
urlpatterns = [
    path("", views.case_list, name="index"),
    path("matters/", views.matter_list, name="matters"),
    path("apply/<slug:matter_code>/", views.apply, name="apply"),
    path("offices/notaries/", views.office_notaries, name="office_notaries"),
    path("my/<int:case_id>/", views.my_case, name="my_case"),
    path("my/<int:case_id>/upload/<slug:item>/", views.my_upload, name="my_upload"),
    path("my/<int:case_id>/resubmit/", views.my_resubmit, name="my_resubmit"),
    path("my/<int:case_id>/materials/<int:material_id>/", views.my_material, name="my_material"),
    path("window/", views.window, name="window"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/upload/<slug:item>/", views.staff_upload, name="staff_upload"),
    path("cases/<int:case_id>/accept/", views.accept, name="accept"),
    path("cases/<int:case_id>/review/<slug:item>/", views.review, name="review"),
    path("cases/<int:case_id>/correction/", views.correction, name="correction"),
    path("cases/<int:case_id>/identity/", views.identity_check, name="identity"),
    path("cases/<int:case_id>/fee/", views.fee, name="fee"),
    path("cases/<int:case_id>/visit/", views.visit, name="visit"),
    path("cases/<int:case_id>/issue/", views.issue, name="issue"),
    path("cases/<int:case_id>/materials/<int:material_id>/", views.material_download, name="material"),
]
