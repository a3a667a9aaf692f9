"""Notarization (A8) writes. Each is one transaction with its audit entry; refusals are SifaErrors.

The case moves through the engine (`sifa.cases.services`); these services add what a definition
cannot express: the channel, the material checklist of the matter and its review, identity checks
through the adapter, the fee from the fee table, the gapless certificate number, the guard that a
certificate is issued only when the fee is paid, every item accepted and the identity matched, and
the in-person visits of "最多跑一次".
"""

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.cases import assignment
from sifa.cases import calendar as cal
from sifa.cases.models import Case, CaseStatus
from sifa.cases.selectors import case_get, case_secrets
from sifa.cases.services import case_submit, case_transition
from sifa.core import crypto, idnumber
from sifa.core.errors import ErrorCode, SifaError, invalid
from sifa.core.uploads import check_upload
from sifa.notary import identity, matters, notaries
from sifa.notary.choices import Channel, MaterialStatus, PaymentMethod, VisitPurpose
from sifa.notary.models import (
    Application,
    Certificate,
    CertificateCounter,
    FeeRecord,
    IdentityCheck,
    Material,
    NotaryProfile,
    Visit,
)
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

SERVICE = "notarization"
MATERIAL_TYPES = {"pdf", "png", "jpeg"}
PROVINCE_ABBREVIATIONS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "黔",
    "53": "滇", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}  # fmt: skip


# ---- helpers ---------------------------------------------------------------------------------


def _case_for_update(actor: User, case_id: int) -> Case:
    """The notarization case, locked, if the actor may see it (else NOT_FOUND)."""
    case_get(user=actor, case_id=case_id)  # the engine's visibility rule
    case = Case.objects.select_for_update().filter(pk=case_id, service_code=SERVICE).first()
    if case is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return case


def _require_notary(actor: User, case: Case, *, handler: bool = True) -> None:
    if actor.kind != AccountKind.STAFF or not actor.has_role(Role.NOTARY):
        raise SifaError(ErrorCode.FORBIDDEN)
    if handler and case.handler_id != actor.pk:
        raise SifaError(ErrorCode.FORBIDDEN, "只有本案承办公证员可以办理此操作。")


def _require_open(case: Case, *stages: str) -> None:
    if case.status != CaseStatus.OPEN or (stages and case.stage not in stages):
        raise SifaError(ErrorCode.CONFLICT, "案件当前环节不能办理此操作，请刷新。", details={"stage": case.stage})


def matter_of(case: Case) -> matters.Matter:
    return matters.catalogue().by_name(str(case.data.get("matter", "")))


def secret_of(case: Case, field: str) -> str:
    """A decrypted identifier of the application (kept encrypted by the engine)."""
    secret = case_secrets(case)
    return str(secret.get(field, ""))


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(65536):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _checked(upload: Any, field: str) -> str:
    try:
        return check_upload(upload, allowed=MATERIAL_TYPES, size=getattr(upload, "size", None))
    except SifaError as exc:
        raise SifaError(exc.code, exc.message, details={field: exc.message, **dict(exc.details)}) from None


def _store_material(case: Case, actor: User, item: matters.MaterialSpec, upload: Any, kind: str) -> Material:
    sha256, size = _sha256(upload)
    name = str(getattr(upload, "name", "") or f"{item.code}.{kind}").rsplit("/", 1)[-1][:200]
    material = Material.objects.filter(case=case, item=item.code).first() or Material(case=case, item=item.code)
    before = {"status": material.status, "sha256": material.sha256} if material.pk else None
    material.item_name = item.name
    material.status = MaterialStatus.UPLOADED
    material.name, material.kind, material.size, material.sha256 = name, kind, size, sha256
    material.uploaded_by, material.uploaded_at = actor, timezone.now()
    material.reviewed_by, material.reviewed_at = None, None
    upload.seek(0)
    material.file.save(name, File(upload), save=False)
    material.save()
    audit_record(
        actor=actor,
        action="notary.material_upload",
        target=material,
        before=before,
        after={"case": case.pk, "item": item.code, "sha256": sha256, "size": size},
    )
    return material


# ---- application -----------------------------------------------------------------------------


def notary_apply(
    *,
    actor: User,
    channel: str,
    data: Mapping[str, Any],
    files: Mapping[str, Any] | None = None,
    idempotency_key: str = "",
    partner: str = "",
    on_behalf_of: User | None = None,
    office_id: int | None = None,
    preferred_notary_id: int | None = None,
) -> Case:
    """Open a notarization case through a channel, with the checklist files given (item code -> file).

    Web: the citizen themself. Partner API: a staff machine account, for the citizen identified by
    the application's phone (`on_behalf_of`). Window: a notary of the office, for the citizen.
    Every file is checked before anything is written; a replay with the same key returns the case.
    `office_id` names the office applied to (its county becomes the application's division);
    `preferred_notary_id` the applicant's choice of notary (点餐式), who must belong to that office.
    """
    if channel not in Channel.values:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"channel": "未知的申请渠道"})
    if channel == Channel.WEB and actor.kind != AccountKind.CITIZEN:
        raise SifaError(ErrorCode.FORBIDDEN)
    if channel == Channel.WINDOW and not actor.has_role(Role.NOTARY):
        raise SifaError(ErrorCode.FORBIDDEN)
    if channel == Channel.PARTNER and actor.kind != AccountKind.STAFF:
        raise SifaError(ErrorCode.FORBIDDEN)
    try:
        matter = matters.catalogue().by_name(str(data.get("matter", "")))
    except SifaError:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"matter": "请选择公证事项"}) from None
    files = {k: v for k, v in (files or {}).items() if v is not None}
    checked: dict[str, tuple[matters.MaterialSpec, Any, str]] = {}
    errors: dict[str, str] = {}
    for code, upload in files.items():
        try:
            item = matter.material(code)
            checked[code] = (item, upload, _checked(upload, code))
        except SifaError as exc:
            errors[code] = exc.message
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    office = None
    if office_id is not None:
        office = Organisation.objects.filter(pk=office_id, kind=OrganisationKind.NOTARY_OFFICE).first()
        if office is None:
            raise invalid("office", "请选择公证机构")
        data = {**data, "division": office.division_id}
    with transaction.atomic():
        case = case_submit(
            actor=actor, service_type=SERVICE, data=data, idempotency_key=idempotency_key, on_behalf_of=on_behalf_of
        )
        if Application.objects.filter(case=case).exists():  # an idempotent replay
            return case
        office = office or case.organisation
        preferred = None
        if preferred_notary_id is not None:
            preferred = notaries.office_notary(office.pk if office else None, preferred_notary_id)
            if preferred is None:
                # Raised inside the transaction: the case just opened is rolled back with it.
                raise invalid("preferred_notary", "所选公证员不属于您申请的公证机构，请重新选择")
        application = Application.objects.create(
            case=case,
            channel=channel,
            partner=partner[:64],
            office=office,
            matter_code=matter.code,
            preferred_notary=preferred,
        )
        for item, upload, kind in checked.values():
            _store_material(case, actor, item, upload, kind)
        audit_record(
            actor=actor,
            action="notary.apply",
            target=application,
            after={
                "case": case.pk,
                "channel": channel,
                "matter": matter.code,
                "items": sorted(checked),
                "office": office.pk if office else None,
                "preferred_notary": preferred.pk if preferred else None,
            },
        )
        return case


def notary_assign(
    *,
    actor: User,
    case_id: int,
    handler_id: int | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Accept the application and assign its notary through the engine's `accept` transition: by
    default the notary the applicant chose, else the accepting notary; assigning anyone but the
    applicant's choice needs a written reason (kept, traced, shown to the applicant). Only a notary
    of the office applied to may be assigned."""
    application = Application.objects.filter(case_id=case_id, case__service_code=SERVICE).first()
    chosen = application.preferred_notary_id if application else None
    if handler_id is None:
        handler_id = chosen or actor.pk
    reason = assignment.override_reason(chosen=chosen, assigned=handler_id, reason=reason, provider="公证员")
    overridden = bool(reason)
    office_id = application.office_id if application else None
    if office_id and notaries.office_notary(office_id, handler_id) is None:
        raise invalid("handler_id", "只能指派本公证机构的公证员")
    with transaction.atomic():
        data: dict[str, Any] = {"handler_id": handler_id}
        if overridden:
            data["opinion"] = f"未按申请人选择指派：{reason}"
        case = case_transition(
            actor=actor,
            case_id=case_id,
            transition="accept",
            data=data,
            expected_version=expected_version,
            own_service=True,
        )
        if application is not None and chosen is not None:
            before = {"override_reason": application.override_reason}
            if overridden:
                application.override_reason, application.overridden_by = reason, actor
                application.overridden_at = timezone.now()
                application.save(update_fields=["override_reason", "overridden_by", "overridden_at"])
            audit_record(
                actor=actor,
                action="notary.notary_override" if overridden else "notary.notary_choice_followed",
                target=application,
                before=before,
                after={"case": case.pk, "chosen": chosen, "assigned": case.handler_id, "reason": reason},
            )
        return case


def notary_profile_set(*, actor: User | None, notary_id: int, practising_since: int) -> NotaryProfile:
    """Record the year a notary first practised (shown to applicants choosing a notary). Bureau
    staff whose scope covers the notary's office, or the system (actor None: imports, demo)."""
    practising_since = assignment.practising_since(practising_since)
    with transaction.atomic():
        notary = User.objects.select_related("organisation").filter(pk=notary_id, role_grants__role=Role.NOTARY).first()
        if notary is None or notary.organisation is None:
            raise SifaError(ErrorCode.NOT_FOUND)
        if actor is not None and not (
            actor.has_role(Role.BUREAU_STAFF)
            and actor.scope_prefix
            and notary.organisation.division_id.startswith(actor.scope_prefix)
        ):
            raise SifaError(ErrorCode.NOT_FOUND)
        profile = NotaryProfile.objects.select_for_update().filter(user=notary).first()
        before = {"practising_since": profile.practising_since} if profile else None
        profile = profile or NotaryProfile(user=notary)
        profile.practising_since, profile.updated_by = int(practising_since), actor
        profile.updated_at = timezone.now()
        profile.save()
        audit_record(
            actor=actor,
            action="notary.profile_set",
            target=profile,
            before=before,
            after={"notary": notary.pk, "practising_since": profile.practising_since},
        )
        return profile


def channel_of(case: Case) -> str:
    application = Application.objects.filter(case=case).first()
    return application.channel if application else Channel.WEB


# ---- materials -------------------------------------------------------------------------------


def material_upload(*, actor: User, case_id: int, item: str, upload: Any) -> Material:
    """The applicant (or a notary of the office, scanning at the window) uploads one checklist item."""
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        if actor.kind == AccountKind.STAFF:
            _require_notary(actor, case, handler=False)
        elif case.applicant_id != actor.pk:
            raise SifaError(ErrorCode.NOT_FOUND)
        _require_open(case, "submitted", "handling", "correction")
        spec = matter_of(case).material(item)
        current = Material.objects.filter(case=case, item=item).first()
        if current is not None and current.status == MaterialStatus.ACCEPTED:
            raise SifaError(ErrorCode.CONFLICT, "该材料已审核通过，无需重新上传。", details={"item": item})
        kind = _checked(upload, item)
        return _store_material(case, actor, spec, upload, kind)


def material_review(*, actor: User, case_id: int, item: str, decision: str, note: str = "") -> Material:
    """The handling notary accepts an item or asks for a correction (补正, with what is wrong)."""
    note = (note or "").strip()
    if decision not in (MaterialStatus.ACCEPTED, MaterialStatus.CORRECTION):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"decision": "请选择通过或需补正"})
    if decision == MaterialStatus.CORRECTION and not note:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"note": "请写明需补正的内容"})
    if len(note) > 500:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"note": "最长 500 字"})
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_notary(actor, case)
        _require_open(case, "handling")
        material = Material.objects.select_for_update().filter(case=case, item=item).first()
        if material is None:
            raise SifaError(ErrorCode.CONFLICT, "该材料尚未上传。", details={"item": item})
        before = {"status": material.status}
        material.status, material.note = decision, note
        material.reviewed_by, material.reviewed_at = actor, timezone.now()
        material.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action="notary.material_review",
            target=material,
            before=before,
            after={"status": decision, "note": note, "sha256": material.sha256},
        )
        return material


def correction_request(*, actor: User, case_id: int) -> Case:
    """Notify the applicant of every item to correct or still missing; the deadline clock pauses."""
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_notary(actor, case)
        _require_open(case, "handling")
        rows = {m.item: m for m in Material.objects.filter(case=case)}
        lines = []
        for spec in matter_of(case).materials:
            row = rows.get(spec.code)
            if row is None:
                lines.append(f"{spec.name}：未上传")
            elif row.status == MaterialStatus.CORRECTION:
                lines.append(f"{spec.name}：{row.note}")
        if not lines:
            raise SifaError(ErrorCode.CONFLICT, "没有需要补正的材料：请先将有问题的材料标记为“需补正”。")
        return case_transition(
            actor=actor,
            case_id=case.pk,
            transition="request_correction",
            data={"missing": "；".join(lines)[:1000]},
            expected_version=case.version,
            own_service=True,
        )


def correction_submit(*, actor: User, case_id: int) -> Case:
    """The applicant hands the corrected materials back; every item must be uploaded again."""
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        if case.applicant_id != actor.pk:
            raise SifaError(ErrorCode.NOT_FOUND)
        _require_open(case, "correction")
        pending = missing_items(case)
        if pending:
            raise SifaError(
                ErrorCode.INVALID_INPUT, "还有材料需要上传或补正。", details={"items": [s.name for s in pending]}
            )
        return case_transition(
            actor=actor, case_id=case.pk, transition="resubmit", expected_version=case.version, own_service=True
        )


def missing_items(case: Case) -> list[matters.MaterialSpec]:
    """Checklist items not uploaded yet, or marked for correction and not uploaded again."""
    rows = {m.item: m.status for m in Material.objects.filter(case=case)}
    return [s for s in matter_of(case).materials if rows.get(s.code) in (None, MaterialStatus.CORRECTION)]


# ---- identity --------------------------------------------------------------------------------


def identity_verify(*, actor: User, case_id: int) -> IdentityCheck:
    """Check the applicant's name and number through the configured adapter; recorded and audited
    (the number only masked, plus a keyed hash)."""
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_notary(actor, case)
        _require_open(case, "handling", "correction")
        number = secret_of(case, "id_number")
        name = case.applicant_name
        result = identity.adapter().verify(name, number)
        check = IdentityCheck.objects.create(
            case=case,
            name=name[:64],
            id_masked=idnumber.mask(number),
            id_hash=crypto.lookup_hash(number, context="notary.identity"),
            matched=result.matched,
            source=result.source[:100],
            detail=result.detail[:200],
            checked_at=result.checked_at,
            checked_by=actor,
        )
        audit_record(
            actor=actor,
            action="notary.identity_check",
            target=check,
            after={
                "case": case.pk,
                "id": check.id_masked,
                "matched": result.matched,
                "source": result.source,
                "checked_at": result.checked_at,
            },
        )
        return check


# ---- fee -------------------------------------------------------------------------------------


def fee_quote(case: Case) -> Decimal:
    return matter_of(case).fee


def fee_record(
    *,
    actor: User,
    case_id: int,
    payment_method: str,
    receipt_number: str,
    amount: Any = None,
    paid_at: datetime | None = None,
) -> FeeRecord:
    """Record the payment of the fee computed from the fee table (once per case)."""
    receipt_number = (receipt_number or "").strip()
    errors: dict[str, str] = {}
    if payment_method not in PaymentMethod.values:
        errors["payment_method"] = "请选择支付方式"
    if not receipt_number or len(receipt_number) > 40:
        errors["receipt_number"] = "请填写票据号码（40 字以内）"
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_notary(actor, case)
        _require_open(case, "handling", "correction")
        quote = fee_quote(case)
        if amount not in (None, ""):
            try:
                given = Decimal(str(amount))
            except InvalidOperation:
                raise SifaError(ErrorCode.INVALID_INPUT, details={"amount": "金额格式有误"}) from None
            if given != quote:
                raise SifaError(
                    ErrorCode.INVALID_INPUT,
                    f"缴费金额应为收费表所列的 {quote} 元。",
                    details={"amount": f"应为 {quote} 元"},
                )
        if FeeRecord.objects.filter(case=case).exists():
            raise SifaError(ErrorCode.CONFLICT, "本案已登记缴费。")
        paid_at = paid_at or timezone.now()
        if paid_at > timezone.now():
            raise SifaError(ErrorCode.INVALID_INPUT, details={"paid_at": "缴费时间不能晚于现在"})
        if cal.local_date(paid_at) < cal.local_date(case.created_at):
            raise SifaError(ErrorCode.INVALID_INPUT, details={"paid_at": "缴费时间不能早于申请日期"})
        try:
            with transaction.atomic():
                record = FeeRecord.objects.create(
                    case=case,
                    amount=quote,
                    basis=f"{matters.catalogue().basis}：{matter_of(case).name} {quote} 元",
                    payment_method=payment_method,
                    receipt_number=receipt_number,
                    paid_at=paid_at,
                    recorded_by=actor,
                )
        except IntegrityError:
            raise SifaError(ErrorCode.CONFLICT, "票据号码已被使用。", details={"receipt_number": "重复"}) from None
        audit_record(
            actor=actor,
            action="notary.fee_record",
            target=record,
            after={
                "case": case.pk,
                "amount": quote,
                "payment_method": payment_method,
                "receipt_number": receipt_number,
                "paid_at": paid_at,
            },
        )
        return record


# ---- certificate -----------------------------------------------------------------------------


def certificate_word(office: Organisation) -> str:
    """The office's word in certificate numbers, e.g. 济南市泉城公证处 -> 鲁济泉证字."""
    province = PROVINCE_ABBREVIATIONS.get(office.division_id[:2], "")
    name = office.name
    city = ""
    if "市" in name[:5]:
        city_name, _, rest = name.partition("市")
        city, name = city_name[:1], rest
    return f"{province}{city}{name[:1]}证字"


def _next_serial(office: Organisation, year: int) -> int:
    CertificateCounter.objects.get_or_create(office=office, year=year)
    counter = CertificateCounter.objects.select_for_update().get(office=office, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def statement_draft(case: Case) -> str:
    matter = matter_of(case)
    number = secret_of(case, "id_number")
    birth = ""
    if idnumber.is_valid(number):
        d = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        birth = f"{d.year}年{d.month}月{d.day}日"
    today = cal.local_date(timezone.now())
    return matter.statement.format(
        name=case.applicant_name,
        birth=birth,
        details=str(case.data.get("details", "")),
        today=f"{today.year}年{today.month}月{today.day}日",
    )


def issue_blockers(case: Case) -> list[str]:
    """What still stands between the case and its certificate (empty: it may be issued)."""
    blockers = []
    rows = {m.item: m.status for m in Material.objects.filter(case=case)}
    not_accepted = [s.name for s in matter_of(case).materials if rows.get(s.code) != MaterialStatus.ACCEPTED]
    if not_accepted:
        blockers.append("材料未全部审核通过：" + "、".join(not_accepted))
    latest = IdentityCheck.objects.filter(case=case).order_by("-checked_at", "-id").first()
    if latest is None:
        blockers.append("尚未核验申请人身份")
    elif not latest.matched:
        blockers.append("身份核验不一致")
    if not FeeRecord.objects.filter(case=case).exists():
        blockers.append("尚未缴纳公证费")
    return blockers


def certificate_issue(*, actor: User, case_id: int, statement: str = "") -> Certificate:
    """Issue the notarial certificate: guards, the next number of the office and year (gapless:
    the counter row is locked and rolls back with a failure), then the engine's `issue` transition,
    which renders, seals and files the certificate with its /verify code."""
    statement = (statement or "").strip()
    if len(statement) > 3000:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"statement": "最长 3000 字"})
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_notary(actor, case)
        _require_open(case, "handling")
        blockers = issue_blockers(case)
        if blockers:
            raise SifaError(
                ErrorCode.CONFLICT, "暂不能出具公证书：" + "；".join(blockers), details={"blockers": blockers}
            )
        office = actor.organisation
        if office is None:
            raise SifaError(ErrorCode.FORBIDDEN)
        year = cal.local_date(timezone.now()).year
        serial = _next_serial(office, year)
        number = f"（{year}）{certificate_word(office)}第{serial}号"
        moved = case_transition(
            actor=actor,
            case_id=case.pk,
            transition="issue",
            data={"certificate_number": number, "statement": statement or statement_draft(case)},
            expected_version=case.version,
            own_service=True,
        )
        from sifa.documents.selectors import document_list_for_case_ref

        document = document_list_for_case_ref(case_ref=moved.reference).filter(kind="notarial_certificate").first()
        if document is None:  # the definition no longer issues it: refuse rather than number nothing
            raise SifaError(ErrorCode.CONFLICT, "公证书未能生成。")
        certificate = Certificate.objects.create(
            case=moved,
            office=office,
            year=year,
            serial=serial,
            number=number,
            document_code=document.code,
            issued_by=actor,
        )
        audit_record(
            actor=actor,
            action="notary.certificate_issue",
            target=certificate,
            after={"case": moved.pk, "number": number, "code": document.code, "sha256_pdf": document.sha256_pdf},
        )
        return certificate


# ---- visits ("最多跑一次") -----------------------------------------------------------------------


def visit_record(*, actor: User, case_id: int, visited_on: date, purpose: str, reason: str = "") -> Visit:
    """Record an in-person visit; any visit after the first needs the reason it was necessary."""
    reason = (reason or "").strip()
    if purpose not in VisitPurpose.values:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"purpose": "请选择到场事由"})
    if len(reason) > 500:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"reason": "最长 500 字"})
    if visited_on > cal.local_date(timezone.now()):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"visited_on": "到场日期不能晚于今天"})
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_notary(actor, case, handler=False)
        if visited_on < cal.local_date(case.created_at):
            raise SifaError(ErrorCode.INVALID_INPUT, details={"visited_on": "到场日期不能早于申请日期"})
        earlier = Visit.objects.filter(case=case).count()
        if earlier and not reason:
            raise SifaError(
                ErrorCode.INVALID_INPUT,
                "“最多跑一次”：当事人再次到场须写明原因。",
                details={"reason": "请写明当事人需要再次到场的原因"},
            )
        visit = Visit.objects.create(
            case=case, visited_on=visited_on, purpose=purpose, reason=reason, recorded_by=actor
        )
        audit_record(
            actor=actor,
            action="notary.visit_record",
            target=visit,
            after={"case": case.pk, "visited_on": visited_on, "purpose": purpose, "number": earlier + 1},
        )
        return visit
