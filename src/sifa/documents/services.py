"""Writes on documents: issue (render, hash, sign, store, trace), download (traced), revoke, sign.

Every state change and its audit entry share one transaction. Files are written through Django's
storage API inside that transaction; when it rolls back here, the files just written are deleted at
once. If a caller's outer transaction rolls back after `document_issue` returned, the files stay
behind without a row: `document_sweep_orphans` (command `sifa document_sweep`) removes such files
once they are older than a grace period.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from sifa.accounts.choices import AccountKind
from sifa.audit.services import audit_record
from sifa.core import idnumber
from sifa.core.errors import ErrorCode, SifaError
from sifa.documents import codes, offline, signing
from sifa.documents.choices import SignerRole
from sifa.documents.kinds import kind_get
from sifa.documents.layout import Issuer
from sifa.documents.models import Document, DocumentSignature
from sifa.documents.render_docx import render_docx
from sifa.documents.render_pdf import Stamp, render_pdf
from sifa.documents.selectors import REVOKE_ROLES, document_get
from sifa.documents.tasks import ensure_sweep_schedule
from sifa.regions.models import Organisation
from sifa.regions.selectors import division_get

logger = logging.getLogger(__name__)

STORAGE_PREFIX = "documents"
_CODE_ATTEMPTS = 5


def _issuer_organisation(actor: Any, division_code: str) -> Organisation | None:
    """The actor's organisation; staff may issue only for a division inside their own scope."""
    if actor is None or isinstance(actor, str):
        return None
    if getattr(actor, "kind", None) != AccountKind.STAFF:
        raise SifaError(ErrorCode.FORBIDDEN)
    prefix = actor.scope_prefix
    if not prefix or not division_code.startswith(prefix):
        raise SifaError(ErrorCode.FORBIDDEN, details={"division_code": division_code})
    organisation: Organisation | None = actor.organisation
    return organisation


_ID_OR_MOBILE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])")


def _has_identifier(text: str) -> bool:
    """A resident ID number (valid checksum) or a mobile number inside `text`."""
    return any((len(m) == 11 and m.startswith("1")) or idnumber.is_valid(m) for m in _ID_OR_MOBILE.findall(text))


def _delete_quietly(storage: Storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - the sweep catches what is left
            logger.warning("could not delete stray document file %s", name)


def document_issue(
    *, actor: Any, kind: str, title: str, context: Mapping[str, Any], division_code: str, case_ref: str = ""
) -> Document:
    """Render the `kind` template into DOCX and PDF, sign the PDF hash, store both, trace it.

    `actor` is a staff user (the issuer; their organisation is printed and sealed, and
    `division_code` must lie in their scope) or None for the system, in which case
    `context["issuer"]` names the issuing organisation. `context["issuer"]` also overrides the
    printed name for staff (e.g. a mediation committee's full name). `title` appears on the public
    verification page: it must not contain personal data.
    """
    spec = kind_get(kind)
    title = (title or "").strip() or spec.name
    if len(title) > 200:
        raise SifaError(ErrorCode.INVALID_INPUT, "标题过长（最多 200 字）。", details={"title": "too_long"})
    if _has_identifier(title):
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            "标题会在公开核验页显示，不得包含证件号码或手机号码。",
            details={"title": "personal_data"},
        )
    division = division_get(division_code)
    organisation = _issuer_organisation(actor, division.code)
    issuer_name = str(context.get("issuer") or (organisation.name if organisation else "")).strip()
    if not issuer_name:
        raise SifaError(ErrorCode.INVALID_INPUT, "缺少出具机构。", details={"missing": ["issuer"]})
    issued_at = timezone.now()
    issuer = Issuer(
        name=issuer_name,
        on=timezone.localtime(issued_at).date(),
        seal_text=str(context.get("seal_text") or "").strip(),
    )
    body = spec.build(context, issuer)  # refuses missing fields before anything is written
    key_id = signing.current_key_id()
    storage = default_storage
    for attempt in range(_CODE_ATTEMPTS):
        code = codes.new_code()
        stamp = Stamp(code=code, url=codes.verify_url(code))
        pdf_bytes = render_pdf(body, issuer, stamp)
        docx_bytes = render_docx(body, issuer, stamp)
        sha_pdf, sha_docx = offline.sha256_hex(pdf_bytes), offline.sha256_hex(docx_bytes)
        written: list[str] = []
        try:
            with transaction.atomic():
                document = Document(
                    kind=spec.code,
                    title=title,
                    code=code,
                    sha256_pdf=sha_pdf,
                    sha256_docx=sha_docx,
                    signature=signing.sign_pdf_hash(sha_pdf),
                    key_id=key_id,
                    division=division,
                    organisation=organisation,
                    issuer_name=issuer_name,
                    case_ref=case_ref,
                    issued_by=actor if organisation is not None else None,
                    issued_at=issued_at,
                )
                document.pdf.save(f"{code}.pdf", ContentFile(pdf_bytes), save=False)
                written.append(str(document.pdf.name))
                document.docx.save(f"{code}.docx", ContentFile(docx_bytes), save=False)
                written.append(str(document.docx.name))
                document.save()
                audit_record(
                    actor=actor,
                    action="document.issue",
                    target=document,
                    after={
                        "kind": spec.code,
                        "code": code,
                        "sha256_pdf": sha_pdf,
                        "sha256_docx": sha_docx,
                        "key_id": key_id,
                        "division": division.code,
                        "case_ref": case_ref,
                    },
                )
        except IntegrityError:
            _delete_quietly(storage, written)
            if attempt + 1 < _CODE_ATTEMPTS and Document.objects.filter(code=code).exists():
                continue  # a code collision (one in 2^60): draw again
            raise
        except BaseException:
            _delete_quietly(storage, written)
            raise
        transaction.on_commit(ensure_sweep_schedule)
        return document
    raise SifaError(ErrorCode.CONFLICT)  # pragma: no cover


def document_download(*, actor: Any, document_id: int, fmt: str) -> tuple[Document, FieldFile]:
    """A staff download of the PDF or DOCX, in the user's scope, traced on the audit chain."""
    if fmt not in {"pdf", "docx"}:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"format": fmt})
    document = document_get(user=actor, document_id=document_id)
    with transaction.atomic():
        audit_record(actor=actor, action="document.download", target=document, after={"format": fmt})
    return document, document.pdf if fmt == "pdf" else document.docx


def document_revoke(*, actor: Any, document_id: int, reason: str) -> Document:
    """Revoke an issued document (it then verifies as 已撤销); needs a reason; traced."""
    reason = (reason or "").strip()
    if not reason:
        raise SifaError(ErrorCode.INVALID_INPUT, "请填写撤销理由。", details={"reason": "required"})
    if len(reason) > 500:
        raise SifaError(ErrorCode.INVALID_INPUT, "撤销理由过长（最多 500 字）。", details={"reason": "too_long"})
    visible = document_get(user=actor, document_id=document_id)
    if not actor.has_role(*REVOKE_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=visible.pk)
        if document.revoked_at is not None:
            raise SifaError(ErrorCode.CONFLICT, "该文书已被撤销。")
        document.revoked_at = timezone.now()
        document.revoked_reason = reason
        document.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(
            actor=actor,
            action="document.revoke",
            target=document,
            before={"revoked": False},
            after={"revoked": True, "reason": reason},
            purpose=reason,
        )
    return document


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    reason: str  # "" when valid; else superseded / tampered


def _signature_message(signature: DocumentSignature, code: str) -> bytes:
    fields = (
        "sifa-signature-v1",
        code,
        signature.sha256_pdf,
        signature.signer_role,
        signature.signer_name,
        "phone-verified" if signature.phone_verified else "phone-unverified",
        signature.signed_at.isoformat(),
    )
    return "\n".join(fields).encode()


def document_sign(
    *,
    actor: Any,
    document: Document,
    signer_name: str,
    signer_role: str,
    phone_verified: bool,
    sha256_pdf: str | None = None,
) -> DocumentSignature:
    """Record one signer's signature over the document's current PDF hash.

    `sha256_pdf` is the hash of the file the signer was shown; when given it must be the document's
    current hash (else CONFLICT: they read another version). Parties and agents must have passed
    an SMS check on their phone (`phone_verified`). The row is countersigned with the platform key
    over (code, hash, role, name, phone check, time), so a later edit of the row shows.
    """
    signer_name = (signer_name or "").strip()
    if not signer_name or len(signer_name) > 64:
        raise SifaError(ErrorCode.INVALID_INPUT, "请填写签名人姓名。", details={"signer_name": "required"})
    if signer_role not in SignerRole.values:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"signer_role": signer_role})
    if signer_role in {SignerRole.PARTY, SignerRole.AGENT} and not phone_verified:
        raise SifaError(ErrorCode.FORBIDDEN, "当事人须先通过手机验证码验证后签名。", details={"phone_verified": False})
    with transaction.atomic():
        current = Document.objects.select_for_update().get(pk=document.pk)
        if current.revoked_at is not None:
            raise SifaError(ErrorCode.CONFLICT, "该文书已被撤销，不能签名。")
        if sha256_pdf is not None and sha256_pdf.lower() != current.sha256_pdf:
            raise SifaError(ErrorCode.CONFLICT, "文书已更新，请阅读最新版本后再签名。", details={"sha256_pdf": "stale"})
        signature = DocumentSignature(
            document=current,
            signer_name=signer_name,
            signer_role=signer_role,
            phone_verified=phone_verified,
            sha256_pdf=current.sha256_pdf,
            signed_at=timezone.now(),
            signed_by=actor if getattr(actor, "pk", None) else None,
        )
        signature.seal = signing.sign_bytes(_signature_message(signature, current.code))
        try:
            with transaction.atomic():
                signature.save()
        except IntegrityError:
            raise SifaError(ErrorCode.CONFLICT, "该签名人已签署此文书。") from None
        audit_record(
            actor=actor,
            action="document.sign",
            target=current,
            after={"role": signer_role, "sha256_pdf": current.sha256_pdf, "phone_verified": phone_verified},
        )
    return signature


def signature_check(signature: DocumentSignature) -> SignatureCheck:
    """A signature counts only over the document's current hash and with an intact countersignature."""
    document = signature.document
    if not signing.verify_bytes(_signature_message(signature, document.code), signature.seal):
        return SignatureCheck(False, "tampered")
    if signature.sha256_pdf != document.sha256_pdf:
        return SignatureCheck(False, "superseded")
    return SignatureCheck(True, "")


def document_sweep_orphans(*, older_than: timedelta = timedelta(hours=1), now: datetime | None = None) -> list[str]:
    """Delete stored document files that no row refers to and that are older than `older_than`.

    They are left by a caller's transaction that rolled back after `document_issue` wrote them.
    Returns the deleted names.
    """
    storage = default_storage
    referenced = set(Document.objects.values_list("pdf", flat=True)) | set(
        Document.objects.values_list("docx", flat=True)
    )
    cutoff = (now or timezone.now()) - older_than
    deleted: list[str] = []

    def walk(folder: str) -> None:
        if not storage.exists(folder):
            return
        folders, files = storage.listdir(folder)
        for name in files:
            path = f"{folder}/{name}"
            if path not in referenced and storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                deleted.append(path)
        for sub in folders:
            walk(f"{folder}/{sub}")

    walk(STORAGE_PREFIX)
    if deleted:
        logger.info("deleted %d stray document file(s)", len(deleted))
    return deleted
