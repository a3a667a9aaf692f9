from django.urls import path

from sifa.mediation import views

app_name = "mediation"
urlpatterns = [
    # 公众通 (portal)
    path("file/", views.file, name="file"),
    path("file/mediators/", views.mediators, name="mediators"),
    path("my/<int:case_id>/", views.my_case, name="my_case"),
    path("my/<int:case_id>/sign/", views.my_sign, name="my_sign"),
    path("my/<int:case_id>/confirmation/", views.my_confirm, name="my_confirm"),
    path("my/<int:case_id>/confirmation/<int:application_id>.zip", views.my_package, name="my_package"),
    path("sign/<str:token>/", views.sign, name="sign"),
    path("sign/<str:token>/agreement.pdf", views.sign_pdf, name="sign_pdf"),
    path("verify/<str:code>/", views.signatures, name="signatures"),
    # 公务通 / 调务通 (workbench)
    path("", views.inbox, name="inbox"),
    path("cases/<int:case_id>/", views.detail, name="detail"),
    path("cases/<int:case_id>/assign/", views.assign, name="assign"),
    path("cases/<int:case_id>/accept/", views.accept, name="accept"),
    path("cases/<int:case_id>/sessions/", views.session, name="session"),
    path("cases/<int:case_id>/agreement/", views.agreement, name="agreement"),
    path("cases/<int:case_id>/invites/<int:party_id>/", views.resend, name="resend"),
    path("cases/<int:case_id>/seal/", views.seal, name="seal"),
    path("cases/<int:case_id>/refer/", views.refer, name="refer"),
    path("stats/", views.stats, name="stats"),
    path("stats/export.xlsx", views.stats_export, name="stats_export"),
    path("confirmations/", views.confirmations, name="confirmations"),
    path("confirmations/<int:application_id>/feedback/", views.confirmation_feedback, name="confirmation_feedback"),
    path("confirmations/<int:application_id>/package.zip", views.confirmation_package, name="confirmation_package"),
]
