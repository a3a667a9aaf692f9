from django.urls import path

from sifa.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("tasks/", views.task_list, name="tasks"),
    path("board/", views.board, name="board"),
    path("export.xlsx", views.case_export, name="export"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:follow_up_id>/", views.follow_up_complete, name="follow_up_complete"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<int:referral_id>/", views.referral_update, name="referral_update"),
    path("<int:case_id>/refer/", views.referral_create, name="refer"),
    path("notifications/", views.notification_list, name="notifications"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/do/<slug:transition>/", views.case_transition, name="transition"),
    path("<int:case_id>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
