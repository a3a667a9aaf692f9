from django.urls import include, path

from sifa.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/", include("sifa.accounts.urls")),
    path("workbench/", include("sifa.workbench.urls")),
    path("people/", include("sifa.people.urls")),
    path("regions/", include("sifa.regions.urls")),
    path("audit/", include("sifa.audit.urls")),
    path("cases/", include("sifa.cases.urls")),
    path("documents/", include("sifa.documents.urls")),
    path("verify/", include("sifa.documents.verify_urls")),
    path("legal-aid/", include("sifa.legal_aid.urls")),
    path("consultation/", include("sifa.consultation.urls")),
    path("reconsideration/", include("sifa.reconsideration.urls")),
    path("mediation/", include("sifa.mediation.urls")),
    path("wage-arrears/", include("sifa.wage_arrears.urls")),
    path("notary/", include("sifa.notary.urls")),
    path("arbitration/", include("sifa.arbitration.urls")),
    path("appraisal/", include("sifa.appraisal.urls")),
    path("screening/", include("sifa.screening.urls")),
    path("risk/", include("sifa.risk.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("sifa.portal.urls")),
]

handler400 = "sifa.portal.views.bad_request"
handler403 = "sifa.portal.views.forbidden"
handler404 = "sifa.portal.views.not_found"
handler500 = "sifa.portal.views.server_error"
