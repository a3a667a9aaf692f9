from django.urls import path

from sifa.legal_aid import views

app_name = "legal_aid"
urlpatterns = [
    path("subsidies/", views.subsidy_list, name="subsidies"),
    path("subsidies/<int:case_id>/", views.subsidy_record, name="subsidy_record"),
    path("centres/", views.finder, name="finder"),
    path("centres/manage/", views.centres_manage, name="centres_manage"),
    path("centres/manage/<int:organisation_id>/", views.centre_edit, name="centre_edit"),
    # 点餐式 (A13): apply choosing a lawyer; the applicant's page; the centre's assignment page
    path("apply/", views.apply, name="apply"),
    path("apply/lawyers/", views.lawyers, name="lawyers"),
    path("my/<int:case_id>/", views.my_case, name="my_case"),
    path("cases/<int:case_id>/", views.detail, name="detail"),
    path("cases/<int:case_id>/assign/", views.assign, name="assign"),
    # the centres' rosters of aid lawyers (A13)
    path("rosters/", views.rosters, name="rosters"),
    path("rosters/<int:centre_id>/", views.roster, name="roster"),
    path("rosters/<int:centre_id>/remove/<int:lawyer_id>/", views.roster_remove, name="roster_remove"),
    path("rosters/<int:centre_id>/export.xlsx", views.roster_export, name="roster_export"),
]
