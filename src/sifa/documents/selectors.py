"""Reads of documents: staff through the one data-scope layer, the public by verification code."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from sifa.accounts.choices import Role
from sifa.core import crypto
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.scope import within_scope
from sifa.documents import codes, offline
from sifa.documents.kinds import kind_name
from sifa.documents.models import Document

# Who may revoke a document in their scope, and who may read documents (list, detail, download).
# The three MLPS administrators (system, security, audit) are not among them: their work is the
# platform and its audit log, not the files, which hold personal data.
REVOKE_ROLES = frozenset(
    {Role.BUREAU_STAFF, Role.LEGAL_AID_OFFICER, Role.NOTARY, Role.MEDIATOR, Role.ARBITRATION_STAFF}
)
READ_ROLES = REVOKE_ROLES | {Role.LAWYER, Role.SUPERVISOR}


def document_visible(*, user: Any) -> QuerySet[Document]:
    return within_scope(Document.objects.all(), user, roles=READ_ROLES)


def document_list(*, user: Any, q: str = "", kind: str = "", case_ref: str = "") -> QuerySet[Document]:
    """Documents in the user's scope, newest first; `q` matches the title or the code."""
    qs = document_visible(user=user)
    q = q.strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code=codes.normalise(q)))
    if kind:
        qs = qs.filter(kind=kind)
    if case_ref:
        qs = qs.filter(case_ref=case_ref)
    return qs


def document_get(*, user: Any, document_id: int) -> Document:
    """404 when missing or outside the user's scope: both look the same."""
    return get_object_or_404(document_visible(user=user).select_related("organisation"), pk=document_id)


def document_get_for_case_ref(*, case_ref: str, document_id: int) -> Document:
    """A document of one case, for the case engine to serve a citizen their own case's documents.

    The caller checks that the user owns `case_ref` first; this only ties the document to that case
    (another case's document answers 404)."""
    if not case_ref:
        raise SifaError(ErrorCode.NOT_FOUND)
    document = Document.objects.filter(case_ref=case_ref, pk=document_id).first()
    if document is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return document


def document_list_for_case_ref(*, case_ref: str) -> QuerySet[Document]:
    return Document.objects.filter(case_ref=case_ref) if case_ref else Document.objects.none()


@dataclass(frozen=True)
class SignerFact:
    """One signature as the public sees it: role, surname only, time, and whether it still holds."""

    role: str
    name: str
    signed_at: datetime
    phone_verified: bool
    valid: bool
    reason: str  # "" | superseded | tampered


def _surname_only(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


@dataclass(frozen=True)
class VerifyFacts:
    """What anyone may learn from a verification code: no personal data at all."""

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
    signers: tuple[SignerFact, ...] = ()

    @property
    def status(self) -> str:
        """valid | revoked | invalid_signature."""
        if not self.signature_valid:
            return "invalid_signature"
        return "revoked" if self.revoked else "valid"


def document_verify_facts(*, code: str) -> VerifyFacts:
    """The public facts of the document with this code; NOT_FOUND for an unknown code."""
    normalised = codes.normalise(code)
    if not codes.is_well_formed(normalised):
        raise SifaError(ErrorCode.NOT_FOUND)
    document = Document.objects.filter(code=normalised).first()
    if document is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return VerifyFacts(
        code=document.code,
        kind=document.kind,
        kind_name=kind_name(document.kind),
        title=document.title,
        issuer=document.issuer_name,
        issued_at=document.issued_at,
        sha256_pdf=document.sha256_pdf,
        sha256_docx=document.sha256_docx,
        signature=document.signature,
        key_id=document.key_id,
        signature_valid=offline.verify_hash(document.sha256_pdf, document.signature, crypto.public_key_b64()),
        revoked=document.revoked_at is not None,
        revoked_at=document.revoked_at,
        signers=_signers(document),
    )


def _signers(document: Document) -> tuple[SignerFact, ...]:
    from sifa.documents.services import signature_check  # the services module imports this one

    rows = []
    for signature in document.signatures.select_related("document").order_by("signed_at", "id"):
        check = signature_check(signature)
        rows.append(
            SignerFact(
                role=signature.get_signer_role_display(),
                name=_surname_only(signature.signer_name),
                signed_at=signature.signed_at,
                phone_verified=signature.phone_verified,
                valid=check.valid,
                reason=check.reason,
            )
        )
    return tuple(rows)
