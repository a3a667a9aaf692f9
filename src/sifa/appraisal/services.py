"""Judicial appraisal (A10) writes. One transaction each, audited; refusals are SifaErrors.

The case moves through the engine; these services add the rules a definition cannot express:
only institutions registered for the case's category (in the case's county, the engine's candidate
pool) can be chosen or assigned; acceptance names two distinct appraisers of the institution
(司法鉴定程序通则 第十九条); the extension (第二十八条) is approved by the institution's head,
at most 30 working days and once, and is added to the running deadline; the report is a PDF checked
by content whose SHA-256 is recorded and audited.
"""

import hashlib
from collections.abc import Mapping, Sequence
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.appraisal.models import Commission, Decline, Extension, Institution, Report
from sifa.audit.services import audit_record
from sifa.cases.models import Case, CaseStatus
from sifa.cases.selectors import case_get
from sifa.cases.services import case_participants_set, case_submit, case_transition
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.uploads import check_upload

SERVICE = "appraisal"
MAX_EXTENSION_DAYS = 30


def institutions_for(*, category: str, division_code: str) -> QuerySet[Institution]:
    """Registered institutions of `category` in the county of `division_code` with an active appraiser."""
    return (
        Institution.objects.select_related("organisation", "head")
        .filter(
            categories__category=category,
            organisation__division__code__startswith=division_code[:6],
            organisation__user__role_grants__role=Role.APPRAISER,
            organisation__user__is_active=True,
        )
        .distinct()
        .order_by("organisation__name")
    )


def _registered(institution_id: Any, case: Case | None, *, category: str, division: str) -> Institution:
    try:
        pk = int(institution_id)
    except (TypeError, ValueError):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"institution": "请选择鉴定机构"}) from None
    institution = institutions_for(category=category, division_code=division).filter(organisation_id=pk).first()
    if institution is None:
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            "所选机构不是本区县已登记该鉴定类别的司法鉴定机构。",
            details={"institution": f"请选择本区县已登记“{category}”的司法鉴定机构"},
        )
    return institution


def _lead(institution: Institution) -> User:
    """The appraiser the case is assigned to at the institution: its head if an appraiser, else the first."""
    if institution.head is not None and institution.head.is_active and institution.head.has_role(Role.APPRAISER):
        return institution.head
    user = (
        User.objects.filter(organisation=institution.organisation, role_grants__role=Role.APPRAISER, is_active=True)
        .order_by("id")
        .first()
    )
    if user is None:
        raise SifaError(ErrorCode.CONFLICT, "该机构没有可承办的鉴定人。")
    return user


def _case_for_update(actor: User, case_id: int) -> Case:
    case_get(user=actor, case_id=case_id)
    case = Case.objects.select_for_update().filter(pk=case_id, service_code=SERVICE).first()
    if case is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return case


def _require_stage(case: Case, *stages: str) -> None:
    if case.status != CaseStatus.OPEN or case.stage not in stages:
        raise SifaError(ErrorCode.CONFLICT, "案件当前环节不能办理此操作，请刷新。", details={"stage": case.stage})


def commission_of(case: Case) -> Commission:
    commission, _ = Commission.objects.get_or_create(case=case)
    return commission


# ---- intake ----------------------------------------------------------------------------------


def appraisal_intake(
    *,
    actor: User,
    data: Mapping[str, Any],
    files: Mapping[str, Any] | None = None,
    institution_id: Any = None,
    idempotency_key: str = "",
    on_behalf_of: User | None = None,
) -> Case:
    """Open an appraisal case; the applicant may choose a registered institution of the category in
    the county (点餐式): the choice is checked now and recorded, and the bureau's assignment follows it."""
    with transaction.atomic():
        case = case_submit(
            actor=actor,
            service_type=SERVICE,
            data=data,
            files=files,
            idempotency_key=idempotency_key,
            on_behalf_of=on_behalf_of,
        )
        if Commission.objects.filter(case=case).exists():  # an idempotent replay
            return case
        chosen = None
        if institution_id not in (None, ""):
            chosen = _registered(
                institution_id, case, category=str(case.data.get("category")), division=case.division_id
            )
        commission = Commission.objects.create(case=case, requested=chosen.organisation if chosen else None)
        audit_record(
            actor=actor,
            action="appraisal.intake",
            target=commission,
            after={"case": case.pk, "requested": chosen.organisation_id if chosen else None},
        )
    return case


def _assign(*, actor: User, case: Case, institution: Institution, chosen_by_applicant: bool) -> Case:
    """Fire the engine's assignment to the institution's lead appraiser and record the institution."""
    lead = _lead(institution)
    with transaction.atomic():
        moved = case_transition(
            actor=actor,
            case_id=case.pk,
            transition="assign_institution",
            data={"handler_id": lead.pk, "institution": institution.organisation.name},
            own_service=True,
        )
        commission = commission_of(moved)
        before = {"institution": commission.institution_id}
        commission.institution = institution.organisation
        commission.first_appraiser = commission.second_appraiser = None
        commission.save(update_fields=["institution", "first_appraiser", "second_appraiser"])
        audit_record(
            actor=actor,
            action="appraisal.assign",
            target=commission,
            before=before,
            after={"institution": institution.organisation_id, "chosen_by_applicant": chosen_by_applicant},
        )
        return moved


def institution_assign(*, actor: User, case_id: int, institution_id: Any = None) -> Case:
    """Bureau staff assign the case to a registered institution of its category in its county; without
    an institution given, the one the applicant chose."""
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        if not actor.has_role(Role.BUREAU_STAFF):
            raise SifaError(ErrorCode.FORBIDDEN)
        _require_stage(case, "assigning")
        if institution_id in (None, ""):
            requested = commission_of(case).requested_id
            if requested is None:
                raise SifaError(ErrorCode.INVALID_INPUT, details={"institution": "请选择鉴定机构"})
            institution_id = requested
        institution = _registered(
            institution_id, case, category=str(case.data.get("category")), division=case.division_id
        )
        chosen = institution.organisation_id == commission_of(case).requested_id
        return _assign(actor=actor, case=case, institution=institution, chosen_by_applicant=chosen)


# ---- institution -----------------------------------------------------------------------------


def _require_handler(actor: User, case: Case) -> None:
    if actor.kind != AccountKind.STAFF or not actor.has_role(Role.APPRAISER) or case.handler_id != actor.pk:
        raise SifaError(ErrorCode.FORBIDDEN, "只有本案承办鉴定人可以办理此操作。")


def commission_accept(*, actor: User, case_id: int, appraiser_ids: Sequence[Any], opinion: str = "") -> Case:
    """The institution accepts and names two distinct appraisers of its own (通则第十九条)."""
    try:
        ids = [int(i) for i in appraiser_ids if str(i).strip()]
    except (TypeError, ValueError):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"appraisers": "无效的鉴定人"}) from None
    if len(ids) != 2 or ids[0] == ids[1]:
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            "司法鉴定应当指定两名鉴定人。",
            details={"appraisers": "请选择两名不同的鉴定人"},
        )
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_handler(actor, case)
        _require_stage(case, "institution_review")
        people = list(
            User.objects.filter(
                pk__in=ids,
                organisation=actor.organisation,
                role_grants__role=Role.APPRAISER,
                is_active=True,
            ).distinct()
        )
        if len(people) != 2:
            raise SifaError(ErrorCode.INVALID_INPUT, details={"appraisers": "鉴定人必须是本机构在册的司法鉴定人"})
        people.sort(key=lambda u: ids.index(u.pk))
        moved = case_transition(
            actor=actor,
            case_id=case.pk,
            transition="accept",
            data={"appraisers": "、".join(u.full_name for u in people), "opinion": opinion},
            expected_version=case.version,
            own_service=True,
        )
        commission = commission_of(moved)
        commission.first_appraiser, commission.second_appraiser = people
        case_participants_set(actor=actor, case=moved, users=list(people), role="appraiser")
        commission.accepted_at = timezone.now()
        commission.save(update_fields=["first_appraiser", "second_appraiser", "accepted_at"])
        audit_record(
            actor=actor,
            action="appraisal.accept",
            target=commission,
            after={"appraisers": [u.pk for u in people], "deadline": moved.deadline_at},
        )
        return moved


def commission_decline(*, actor: User, case_id: int, reason: str) -> Case:
    """The institution declines with a reason; the case goes back to assignment."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"reason": "请填写不予受理的理由（1000 字以内）"})
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_handler(actor, case)
        _require_stage(case, "institution_review")
        commission = commission_of(case)
        institution = commission.institution or actor.organisation
        if institution is None:
            raise SifaError(ErrorCode.FORBIDDEN)
        moved = case_transition(
            actor=actor,
            case_id=case.pk,
            transition="decline",
            data={"reason": reason},
            expected_version=case.version,
            own_service=True,
        )
        decline = Decline.objects.create(case=moved, institution=institution, reason=reason, declined_by=actor)
        commission.institution = None
        commission.save(update_fields=["institution"])
        audit_record(
            actor=actor,
            action="appraisal.decline",
            target=decline,
            after={"institution": institution.pk, "reason": reason},
        )
        return moved


def extension_approve(*, actor: User, case_id: int, days: int, reason: str) -> Extension:
    """The institution's head extends the completion deadline once by up to 30 working days; the days
    are added to the running deadline (not counted from today)."""
    reason = (reason or "").strip()
    errors = {}
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = "延长时限为 1 至 30 个工作日"
    if not reason or len(reason) > 1000:
        errors["reason"] = "请填写延长理由（1000 字以内）"
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_stage(case, "appraising")
        commission = commission_of(case)
        institution = Institution.objects.filter(organisation=commission.institution).first()
        if institution is None or institution.head_id != actor.pk or not actor.has_role(Role.APPRAISER):
            raise SifaError(ErrorCode.FORBIDDEN, "延长鉴定时限须经本机构负责人批准。")
        if Extension.objects.filter(case=case).exists():
            raise SifaError(ErrorCode.CONFLICT, "鉴定时限已延长过一次。")
        before = case.deadline_at
        if before is None:
            raise SifaError(ErrorCode.CONFLICT, "案件没有正在计算的鉴定时限。")
        moved = case_transition(
            actor=actor,
            case_id=case.pk,
            transition="extend",
            data={"days": str(days), "reason": reason, "approver": actor.full_name[:64]},
            expected_version=case.version,
            own_service=True,
        )
        after = moved.deadline_at  # the engine added the days to the running deadline (extend_by)
        assert after is not None
        extension = Extension.objects.create(
            case=moved, days=days, reason=reason, approved_by=actor, deadline_before=before, deadline_after=after
        )
        audit_record(
            actor=actor,
            action="appraisal.extend",
            target=extension,
            before={"deadline": before},
            after={"deadline": after, "days": days, "reason": reason},
        )
        moved.refresh_from_db()
        return extension


# ---- report ----------------------------------------------------------------------------------


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(65536):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def report_upload(*, actor: User, case_id: int, upload: Any, summary: str) -> Report:
    """Upload the appraisal report (PDF by content); the case closes; the SHA-256 is audited."""
    summary = (summary or "").strip()
    if upload is None:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"report": "请上传鉴定意见书"})
    try:
        check_upload(upload, allowed={"pdf"}, size=getattr(upload, "size", None))
    except SifaError as exc:
        raise SifaError(exc.code, exc.message, details={"report": exc.message}) from None
    if not summary or len(summary) > 2000:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"summary": "请填写鉴定意见摘要（2000 字以内）"})
    sha256, size = _sha256(upload)
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        _require_handler(actor, case)
        _require_stage(case, "appraising", "extended")
        commission = commission_of(case)
        if commission.first_appraiser_id is None or commission.second_appraiser_id is None:
            raise SifaError(ErrorCode.CONFLICT, "尚未指定两名鉴定人，不能出具鉴定意见。")
        moved = case_transition(
            actor=actor,
            case_id=case.pk,
            transition="submit_report",
            data={"summary": summary},
            files={"report": upload},
            expected_version=case.version,
            own_service=True,
        )
        name = str(getattr(upload, "name", "") or "report.pdf").rsplit("/", 1)[-1][:200]
        report = Report.objects.create(case=moved, name=name, size=size, sha256=sha256, uploaded_by=actor)
        audit_record(
            actor=actor,
            action="appraisal.report",
            target=report,
            after={"case": moved.pk, "sha256": sha256, "size": size},
        )
        return report


# ---- register --------------------------------------------------------------------------------


def institution_register(
    *,
    actor: User | None,
    organisation: Any,
    categories: Sequence[str],
    licence_number: str = "",
    head: User | None = None,
) -> Institution:
    """Register (or update) an appraisal institution's categories, licence and head. Bureau staff
    whose scope covers it, or the system (`actor=None`, e.g. the demo loader)."""
    from sifa.appraisal.choices import Category
    from sifa.appraisal.models import InstitutionCategory
    from sifa.regions.choices import OrganisationKind

    if organisation.kind != OrganisationKind.APPRAISAL_INSTITUTION:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"organisation": "不是司法鉴定机构"})
    unknown = [c for c in categories if c not in Category.values]
    if unknown or not categories:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"categories": "请选择登记的鉴定类别"})
    if actor is not None:
        prefix = actor.scope_prefix or ""
        if not actor.has_role(Role.BUREAU_STAFF) or not prefix or not organisation.division_id.startswith(prefix):
            raise SifaError(ErrorCode.FORBIDDEN)
    if head is not None and (head.organisation_id != organisation.pk or not head.has_role(Role.APPRAISER)):
        raise SifaError(ErrorCode.INVALID_INPUT, details={"head": "负责人必须是本机构的司法鉴定人"})
    with transaction.atomic():
        institution, created = Institution.objects.get_or_create(organisation=organisation)
        before = (
            None
            if created
            else {
                "categories": sorted(institution.categories.values_list("category", flat=True)),
                "head": institution.head_id,
            }
        )
        institution.licence_number, institution.head = licence_number[:40], head
        institution.save(update_fields=["licence_number", "head"])
        institution.categories.exclude(category__in=categories).delete()
        for c in categories:
            InstitutionCategory.objects.get_or_create(institution=institution, category=c)
        audit_record(
            actor=actor or "system:appraisal",
            action="appraisal.institution_register",
            target=institution,
            before=before,
            after={"categories": sorted(categories), "head": head.pk if head else None, "licence": licence_number},
        )
        return institution
