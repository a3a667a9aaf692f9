"""The API root: mounts each app's ninja router under /api/v1/ and maps errors once."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sifa.accounts.api import api_auth
from sifa.accounts.api import router as accounts_router
from sifa.appraisal.api import router as appraisal_router
from sifa.arbitration.api import router as arbitration_router
from sifa.audit.api import router as audit_router
from sifa.cases.api import router as cases_router
from sifa.consultation.api import router as consultation_router
from sifa.core.errors import ErrorCode, SifaError
from sifa.documents.api import router as documents_router
from sifa.legal_aid.api import router as legal_aid_router
from sifa.mediation.api import router as mediation_router
from sifa.notary.api import router as notary_router
from sifa.people.api import router as people_router
from sifa.reconsideration.api import router as reconsideration_router
from sifa.regions.api import router as regions_router
from sifa.risk.api import router as risk_router
from sifa.screening.api import router as screening_router
from sifa.wage_arrears.api import router as wage_arrears_router

api = NinjaAPI(
    title="Sifa 智慧司法平台 API",
    version="1",
    urls_namespace="api",
    auth=api_auth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request: HttpRequest, error: SifaError) -> HttpResponse:
    return api.create_response(request, error.as_body(), status=error.status)


@api.exception_handler(SifaError)
def on_sifa_error(request: HttpRequest, exc: SifaError) -> HttpResponse:
    return _error(request, exc)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details: Any = [{"loc": list(e.get("loc", [])), "msg": e.get("msg", "")} for e in exc.errors]
    return _error(request, SifaError(ErrorCode.INVALID_INPUT, details=details))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, SifaError(ErrorCode.NOT_FOUND))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, SifaError(ErrorCode.NOT_AUTHENTICATED))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises HttpError(400) when the body cannot be parsed (malformed JSON).
    code = {
        400: ErrorCode.MALFORMED_BODY,
        401: ErrorCode.NOT_AUTHENTICATED,
        403: ErrorCode.FORBIDDEN,
        404: ErrorCode.NOT_FOUND,
        409: ErrorCode.CONFLICT,
        429: ErrorCode.RATE_LIMITED,
    }.get(exc.status_code, ErrorCode.INVALID_INPUT)
    return _error(request, SifaError(code))


@api.get("/health", auth=None, tags=["system"], summary="健康检查")
def health(request: HttpRequest) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}


api.add_router("/accounts", accounts_router)
api.add_router("/regions", regions_router)
api.add_router("/people", people_router)
api.add_router("/audit", audit_router)
api.add_router("/cases", cases_router)
api.add_router("/documents", documents_router)
api.add_router("/legal-aid", legal_aid_router)
api.add_router("/consultation", consultation_router)
api.add_router("/reconsideration", reconsideration_router)
api.add_router("/screening", screening_router)
api.add_router("/risk", risk_router)
api.add_router("/mediation", mediation_router)
api.add_router("/wage-arrears", wage_arrears_router)
api.add_router("/notary", notary_router)
api.add_router("/arbitration", arbitration_router)
api.add_router("/appraisal", appraisal_router)
