"""Documents API: public verification facts and public key (no login), staff list and detail in scope."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from sifa.core import crypto
from sifa.core.api import BoundedPagination, ErrorOut
from sifa.documents import offline, selectors
from sifa.documents.kinds import kind_name
from sifa.documents.models import Document

router = Router(tags=["documents"])


class VerifyOut(Schema):
    """What anyone may learn from a verification code: no personal data."""

    code: str
    kind: str
    kind_name: str
    title: str
    issuer: str
    issued_at: datetime
    sha256_pdf: str
    sha256_docx: str
    signature: str
    key_id: str
    signature_valid: bool
    revoked: bool
    revoked_at: datetime | None
    status: str


class PublicKeyOut(Schema):
    algorithm: str
    public_key: str
    key_id: str
    message_format: str


class DocumentOut(Schema):
    id: int
    kind: str
    kind_name: str
    title: str
    code: str
    issuer_name: str
    division_code: str
    case_ref: str
    issued_at: datetime
    sha256_pdf: str
    sha256_docx: str
    revoked_at: datetime | None
    revoked_reason: str
    verify_url: str

    @staticmethod
    def resolve_kind_name(obj: Document) -> str:
        return kind_name(obj.kind)

    @staticmethod
    def resolve_division_code(obj: Document) -> str:
        return str(obj.division_id)


@router.get("/verify/{code}", auth=None, response={200: VerifyOut, 404: ErrorOut}, summary="核验文书（公开）")
def verify(request: HttpRequest, code: str) -> VerifyOut:
    facts = selectors.document_verify_facts(code=code)
    return VerifyOut(**{**facts.__dict__, "status": facts.status})


@router.get("/public-key", auth=None, response=PublicKeyOut, summary="平台文书签名公钥（公开）")
def public_key(request: HttpRequest) -> PublicKeyOut:
    key = crypto.public_key_b64()
    return PublicKeyOut(
        algorithm="Ed25519",
        public_key=key,
        key_id=offline.key_id(key),
        message_format="sifa-document-v1:<sha256 of the PDF, lower-case hex>",
    )


@router.get("/", response=list[DocumentOut], summary="本辖区文书列表")
@paginate(BoundedPagination)
def document_list(request: HttpRequest, q: str = "", kind: str = "", case_ref: str = "") -> QuerySet[Document]:
    return selectors.document_list(user=request.user, q=q, kind=kind, case_ref=case_ref)


@router.get("/{int:document_id}", response={200: DocumentOut, 404: ErrorOut}, summary="文书详情（本辖区）")
def document_detail(request: HttpRequest, document_id: int) -> Document:
    return selectors.document_get(user=request.user, document_id=document_id)
