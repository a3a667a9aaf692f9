from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from sifa.core.api import BoundedPagination, ErrorOut
from sifa.people import ledger, selectors, services
from sifa.people.presenters import person_masked

router = Router(tags=["people"])


class PersonOut(Schema):
    """A person with identifiers masked (see presenters.person_masked)."""

    id: int
    name: str
    gender: str
    birth_year: int | None
    id_number_masked: str
    phone_masked: str
    division_code: str
    division_name: str
    address: str

    @staticmethod
    def resolve_birth_year(obj: Any) -> int | None:
        return _masked(obj)["birth_year"]

    @staticmethod
    def resolve_id_number_masked(obj: Any) -> str:
        return str(_masked(obj)["id_number_masked"])

    @staticmethod
    def resolve_phone_masked(obj: Any) -> str:
        return str(_masked(obj)["phone_masked"])

    @staticmethod
    def resolve_division_code(obj: Any) -> str:
        return str(_masked(obj)["division_code"])

    @staticmethod
    def resolve_division_name(obj: Any) -> str:
        return str(_masked(obj)["division_name"])


def _masked(obj: Any) -> dict[str, Any]:
    return obj if isinstance(obj, dict) else person_masked(obj)


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    id_number: str = Field("", max_length=32)
    phone: str = Field("", max_length=20)
    division_code: str = Field(..., max_length=16)
    address: str = Field("", max_length=255)


class RevealIn(Schema):
    purpose: str = Field(..., max_length=200)


class RevealOut(Schema):
    id_number: str
    phone: str


@router.get("/", response=list[PersonOut], summary="人员列表（本辖区，证件号码已脱敏）")
@paginate(BoundedPagination)
def person_list(request: HttpRequest, q: str = "") -> Any:
    return selectors.person_list(user=request.user, q=q)


class ImportRowError(Schema):
    row: int
    code: str
    message: str
    details: Any


class ImportOut(Schema):
    created: int
    committed: bool
    errors: list[ImportRowError]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/export.xlsx", summary="导出人员列表（Excel，脱敏）")
def person_export(request: HttpRequest, q: str = "") -> HttpResponse:
    body = ledger.person_export(actor=request.user, q=q)  # type: ignore[arg-type]
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="people.xlsx"'
    return response


@router.post(
    "/import", response={200: ImportOut, 422: ImportOut | ErrorOut}, summary="从 Excel/CSV 导入人员台账（逐行报告错误）"
)
def person_import(request: HttpRequest, file: File[UploadedFile], partial: bool = False) -> Any:
    report = ledger.person_import(actor=request.user, upload=file, partial=partial)  # type: ignore[arg-type]
    return Status(200 if report.committed else 422, report)


@router.get("/{person_id}", response=PersonOut, summary="人员详情（留痕）")
def person_detail(request: HttpRequest, person_id: int) -> dict[str, Any]:
    return person_masked(services.person_open(actor=request.user, person_id=person_id))  # type: ignore[arg-type]


@router.post("/", response={201: PersonOut}, summary="登记人员")
def person_create(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    person = services.person_create(actor=request.user, data=services.PersonData(**payload.dict()))  # type: ignore[arg-type]
    return Status(201, person_masked(person))


@router.post("/{person_id}/reveal", response=RevealOut, summary="查看完整证件号码和电话（须说明事由，留痕）")
def person_reveal(request: HttpRequest, person_id: int, payload: RevealIn) -> Any:
    return services.person_reveal(actor=request.user, person_id=person_id, purpose=payload.purpose)  # type: ignore[arg-type]
