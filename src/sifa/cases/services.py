"""Case writes: submit, transition, rate, follow up. Each is one transaction with its audit entry.

A transition locks the case row (`select_for_update`), checks the caller's expected version, the
stage, the role and the data scope, moves the stage, restarts or pauses the deadline clock, issues
the stage's documents, writes the case event and the audit entry, and schedules notifications on
commit. Submissions carry an idempotency key: the same key and body give back the same case, the
same key with another body is refused (409).
"""

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from sifa.accounts.choices import AccountKind
from sifa.accounts.models import User
from sifa.audit.services import audit_record, canonical_json, state_digest
from sifa.cases import assignment, hooks, registry
from sifa.cases import calendar as cal
from sifa.cases.access import can_see
from sifa.cases.definitions import SENSITIVE_TYPES, Definition, FieldSpec, StageSpec, TransitionSpec, clean_fields
from sifa.cases.models import (
    Alert,
    Attachment,
    Case,
    CaseDocument,
    CaseEvent,
    CaseParticipant,
    CaseStatus,
    Defect,
    FollowUp,
    FollowUpStatus,
    Rating,
    Satisfaction,
)
from sifa.cases.notify import notify, recipients, supervisors_for
from sifa.cases.selectors import case_secrets, handling_organisation, own_service_only
from sifa.core import idnumber, phone
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.uploads import check_upload
from sifa.regions.models import Division

Files = Mapping[str, Any]  # field name -> uploaded file (Django UploadedFile or a binary stream)


@dataclass(frozen=True)
class Upload:
    field: str
    name: str
    kind: str
    size: int
    sha256: str
    stream: IO[bytes]


# ---- helpers ---------------------------------------------------------------------------------


def _mask(spec_type: str, value: str) -> str:
    return idnumber.mask(value) if spec_type == "id_number" else phone.mask(value)


def _split_sensitive(specs: tuple[FieldSpec, ...], cleaned: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Identifiers out of the plain data (kept masked there) and into the encrypted part."""
    plain, secret = dict(cleaned), {}
    for spec in specs:
        if spec.type in SENSITIVE_TYPES and spec.name in plain:
            secret[spec.name] = plain[spec.name]
            plain[spec.name] = _mask(spec.type, plain[spec.name])
    return plain, secret


def _uploads(specs: tuple[FieldSpec, ...], files: Files | None) -> list[Upload]:
    """Check every file field (size, type by content) and hash it; required files must be present."""
    files = files or {}
    found: list[Upload] = []
    errors: dict[str, str] = {}
    for spec in specs:
        if spec.type != "file":
            continue
        upload = files.get(spec.name)
        if upload is None:
            if spec.required:
                errors[spec.name] = "请上传材料"
            continue
        try:
            kind = check_upload(upload, allowed=set(spec.file_types), size=getattr(upload, "size", None))
        except SifaError as exc:
            errors[spec.name] = exc.message
            continue
        digest = hashlib.sha256()
        size = 0
        upload.seek(0)
        while chunk := upload.read(65536):
            digest.update(chunk)
            size += len(chunk)
        upload.seek(0)
        name = str(getattr(upload, "name", "") or f"{spec.name}.{kind}").rsplit("/", 1)[-1][:200]
        found.append(Upload(spec.name, name, kind, size, digest.hexdigest(), upload))
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    return found


def _store(case: Case, event: CaseEvent, uploads: list[Upload], actor: User | None) -> None:
    for up in uploads:
        attachment = Attachment(
            case=case,
            event=event,
            field=up.field,
            name=up.name,
            kind=up.kind,
            size=up.size,
            sha256=up.sha256,
            uploaded_by=actor,
        )
        up.stream.seek(0)
        attachment.file.save(up.name, File(up.stream), save=False)
        attachment.save()


def _digest(cleaned: dict[str, Any], uploads: list[Upload]) -> str:
    """Keyed digest of the form data and the attachments' SHA-256 (what the audit entry carries)."""
    return state_digest({"form": cleaned, "attachments": sorted(u.sha256 for u in uploads)})


def _actor_label(actor: User | None) -> str:
    if actor is None:
        return "系统"
    return (actor.full_name or actor.username)[:64] if actor.kind == AccountKind.STAFF else "申请人"


def _event_on_stage(case: Case, actor: User, action: str, name: str, **fields: Any) -> CaseEvent:
    """An event that leaves the case on its stage (reassignment, rating)."""
    return CaseEvent.objects.create(
        case=case,
        action=action,
        name=name,
        from_stage=case.stage,
        to_stage=case.stage,
        actor=actor,
        actor_label=_actor_label(actor),
        **fields,
    )


def _start_clock(case: Case, stage: StageSpec, now: datetime) -> None:
    if stage.deadline is None:
        case.clock_stage, case.deadline_at, case.warn_at, case.paused_at, case.alert = "", None, None, None, Alert.NONE
        return
    d = stage.deadline
    case.clock_stage = stage.code
    case.deadline_at = cal.due(now, d.days, d.calendar)
    case.warn_at = cal.warn_from(case.deadline_at, d.warn_days, d.calendar)
    case.paused_at = None
    case.alert = Alert.NONE


def _move_clock(case: Case, spec: Definition, old: StageSpec, new: StageSpec, now: datetime) -> None:
    """Pause while waiting for the applicant; resume with the deadline pushed back; else restart."""
    if new.waiting_for_applicant and old.deadline and old.deadline.pausable and case.paused_at is None:
        case.paused_at = now
        return
    if case.paused_at is not None and case.clock_stage == new.code and new.deadline is not None:
        kind = new.deadline.calendar
        if case.deadline_at is None:
            _start_clock(case, new, now)
            return
        case.deadline_at = cal.shift(case.deadline_at, case.paused_at, now, kind)
        case.warn_at = cal.warn_from(case.deadline_at, new.deadline.warn_days, kind)
        case.paused_at = None
        case.alert = Alert.RED if now >= case.deadline_at else Alert.YELLOW if now >= case.warn_at else Alert.NONE
        return
    _start_clock(case, new, now)


MAX_EXTENSION_DAYS = 366


def _extension_days(t: TransitionSpec, cleaned: dict[str, Any]) -> int:
    if not t.extend_by:
        return 0
    raw = str(cleaned.get(t.extend_by, "")).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_EXTENSION_DAYS:
        raise SifaError(ErrorCode.INVALID_INPUT, details={t.extend_by: "请填写延长的天数（正整数）"})
    return int(raw)


def _extend_clock(case: Case, new: StageSpec, days: int, now: datetime) -> None:
    """Keep the running deadline and add `days` to it (an approved extension), in `new`'s calendar."""
    assert new.deadline is not None  # the definition guarantees it (extend_by needs a deadline)
    assert case.deadline_at is not None
    kind = new.deadline.calendar
    case.clock_stage = new.code
    case.deadline_at = cal.due(case.deadline_at - timedelta(microseconds=1), days, kind)
    case.warn_at = cal.warn_from(case.deadline_at, new.deadline.warn_days, kind)
    case.paused_at = None
    case.alert = Alert.RED if now >= case.deadline_at else Alert.YELLOW if now >= case.warn_at else Alert.NONE


def _check_defects(case: Case, spec: Definition, event_codes: set[str]) -> list[Defect]:
    raised = []
    kinds = set(case.documents.values_list("kind", flat=True))
    for rule in spec.defects:
        if rule.stage != case.stage:
            continue
        missing_doc = rule.requires_document and rule.requires_document not in kinds
        missing_event = rule.requires_event and rule.requires_event not in event_codes
        if missing_doc or missing_event:
            defect, created = Defect.objects.get_or_create(
                case=case, rule=rule.code, defaults={"message": rule.message}
            )
            if created:
                raised.append(defect)
    return raised


def _document_context(
    case: Case, spec: Definition, t: TransitionSpec, mapping: dict[str, str], cleaned: dict[str, Any]
) -> dict[str, Any]:
    """Case variables, then the definition's mapping onto the template's context keys."""
    secret = case_secrets(case)
    variables: dict[str, Any] = {
        **case.data,
        **secret,
        **{k: v for k, v in cleaned.items() if k not in ("handler_id", "strategy")},
        "reference": case.reference,
        "case_ref": case.reference,
        "service_name": spec.name,
        "applicant_name": case.applicant_name,
        "title": case.title,
        "organisation": case.organisation.name if case.organisation else "",
        "handler_name": case.handler.full_name if case.handler else "",
        "handler_organisation": case.handler.organisation.name if case.handler and case.handler.organisation else "",
        "transition": t.name,
        "applied_on": f"{cal.local_date(case.created_at):%Y年%-m月%-d日}",
        "today": f"{cal.local_date(timezone.now()):%Y年%-m月%-d日}",
    }
    context: dict[str, Any] = {}
    for key, source in mapping.items():
        value = source[1:] if source.startswith("=") else variables.get(source, "")
        target = context
        *parents, leaf = key.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return context


def _issue_documents(case: Case, spec: Definition, t: TransitionSpec, actor: User, cleaned: dict[str, Any]) -> None:
    if not t.documents:
        return
    from sifa.documents.services import document_issue  # the documents app's agreed interface

    for doc in t.documents:
        issued = document_issue(
            actor=actor,
            kind=doc.kind,
            title=doc.title,
            context=_document_context(case, spec, t, doc.context, cleaned),
            division_code=case.division_id,
            case_ref=case.reference,
        )
        CaseDocument.objects.create(
            case=case,
            document_id=issued.pk,
            kind=doc.kind,
            title=doc.title,
            code=issued.code,
            sha256_pdf=issued.sha256_pdf,
            stage=case.stage,
        )


def case_participants_set(*, actor: User, case: Case, users: list[User], role: str) -> None:
    """Name the staff who work the case beside its handler in `role` (they see it), traced."""
    CaseParticipant.objects.filter(case=case, role=role).exclude(user__in=users).delete()
    for user in users:
        CaseParticipant.objects.get_or_create(case=case, user=user, defaults={"role": role})
    audit_record(
        actor=actor, action="case.participants", target=case, after={"role": role, "users": [u.pk for u in users]}
    )


def case_document_attach(*, actor: User, case: Case, document: Any) -> CaseDocument:
    """File a document a service issued itself (outside a transition) on its case, traced.

    The document must have been issued for this case (`case_ref`); the case page, the applicant's
    page and the defect rules (`requires_document`) then see it like a transition's document.
    """
    if document.case_ref != case.reference:
        raise SifaError(ErrorCode.INVALID_INPUT, "文书不属于该案件。", details={"document": document.pk})
    attached = CaseDocument.objects.create(
        case=case,
        document_id=document.pk,
        kind=document.kind,
        title=document.title,
        code=document.code,
        sha256_pdf=document.sha256_pdf,
        stage=case.stage,
    )
    audit_record(actor=actor, action="case.document.attach", target=case, after={"document": document.code})
    return attached


def _audit(actor: User | None, action: str, case: Case, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    """The case's entry on the audit chain (its number is not read here: the ledger may number at commit)."""
    audit_record(actor=actor, action=action, target=case, before=before, after=after)


def _state(case: Case) -> dict[str, Any]:
    return {
        "stage": case.stage,
        "status": case.status,
        "version": case.version,
        "handler": case.handler_id,
        "definition": f"{case.service_code}@{case.definition.version}:{case.definition.sha256}",
    }


# ---- submit ------------------------------------------------------------------------------------


def _body_sha256(service_type: str, cleaned: dict[str, Any], uploads: list[Upload]) -> str:
    body = {"service_type": service_type, "data": cleaned, "files": sorted((u.field, u.sha256) for u in uploads)}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def _replay(actor: User, key: str, body_sha256: str) -> Case | None:
    existing = Case.objects.filter(submitted_by=actor, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.body_sha256 != body_sha256:
        raise SifaError(ErrorCode.IDEMPOTENCY_KEY_REUSED, details={"reference": existing.reference})
    return existing


def case_submit(
    *,
    actor: User,
    service_type: str,
    data: Mapping[str, Any],
    files: Files | None = None,
    idempotency_key: str = "",
    on_behalf_of: User | None = None,
) -> Case:
    """Open a case of the current version of `service_type` for the actor (citizen or staff).

    A staff actor may name the citizen account the case is for (`on_behalf_of`: a window intake or
    a referral); that citizen becomes the applicant and follows the case in 我的办件.
    """
    if not getattr(actor, "is_authenticated", False):
        raise SifaError(ErrorCode.NOT_AUTHENTICATED)
    row, spec = registry.definition_current(service_type)
    kind = "citizen" if actor.kind == AccountKind.CITIZEN else "staff"
    if kind not in spec.applicant_roles:
        raise SifaError(ErrorCode.FORBIDDEN)
    if on_behalf_of is not None and (kind != "staff" or on_behalf_of.kind != AccountKind.CITIZEN):
        raise SifaError(
            ErrorCode.INVALID_INPUT, "只有工作人员可以为群众代为申请。", details={"on_behalf_of": "invalid"}
        )
    if len(idempotency_key) > 64:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"idempotency_key": "最长 64 个字符"})
    cleaned = clean_fields(spec.fields, dict(data))
    uploads = _uploads(spec.fields, files)
    body_sha256 = _body_sha256(service_type, cleaned, uploads)
    if idempotency_key and (existing := _replay(actor, idempotency_key, body_sha256)) is not None:
        return existing
    try:
        return _create(actor, row, spec, cleaned, uploads, idempotency_key, body_sha256, on_behalf_of)
    except IntegrityError:
        # A concurrent submission with the same key committed first: answer with its case.
        if idempotency_key and (existing := _replay(actor, idempotency_key, body_sha256)) is not None:
            return existing
        raise


def _division_of(spec: Definition, cleaned: dict[str, Any], actor: User) -> Division:
    for f in spec.fields:
        if f.type == "division" and f.name in cleaned:
            return Division.objects.get(code=cleaned[f.name])
    if actor.organisation_id:
        return actor.organisation.division  # type: ignore[union-attr]
    raise SifaError(ErrorCode.INVALID_DIVISION)


@transaction.atomic
def _create(
    actor: User,
    row: Any,
    spec: Definition,
    cleaned: dict[str, Any],
    uploads: list[Upload],
    key: str,
    body: str,
    on_behalf_of: User | None = None,
) -> Case:
    now = timezone.now()
    plain, secret = _split_sensitive(spec.fields, cleaned)
    division = _division_of(spec, cleaned, actor)
    stage = spec.stage(spec.initial_stage)
    case = Case(
        reference=f"{spec.reference_prefix}{cal.local_date(now):%Y%m%d}{secrets.token_hex(3).upper()}",
        definition=row,
        service_code=spec.code,
        stage=stage.code,
        division=division,
        organisation=handling_organisation(division.code, spec.organisation_kinds),
        applicant=on_behalf_of or (actor if actor.kind == AccountKind.CITIZEN else None),
        applicant_name=str(plain.get("applicant_name", ""))[:64],
        title=str(plain.get("title", "") or spec.name)[:200],
        skill=str(plain.get(spec.skill_field, ""))[:32] if spec.skill_field else "",
        data=plain,
        secret_data=json.dumps(secret, ensure_ascii=False) if secret else "",
        submitted_by=actor,
        idempotency_key=key,
        body_sha256=body,
        created_at=now,
        updated_at=now,
    )
    _start_clock(case, stage, now)
    with transaction.atomic():  # savepoint: a duplicate key fails here, not the outer transaction
        case.save()
    digest = _digest(cleaned, uploads)
    event = CaseEvent.objects.create(
        case=case,
        action="submit",
        name="提交申请",
        to_stage=stage.code,
        actor=actor,
        actor_label=_actor_label(actor),
        data=plain,
        digest=digest,
        at=now,
    )
    _store(case, event, uploads, actor)
    _audit(actor, "case.submit", case, None, {**_state(case), "form": digest, "applicant": case.applicant_id})
    notify(
        case=case,
        users=recipients(case, ["applicant"]),
        kind="submitted",
        message=f"您的{spec.name}（{case.reference}）已提交，请留意办理进度。",
    )
    return case


# ---- transition --------------------------------------------------------------------------------


def _may_fire(actor: User, case: Case, t: TransitionSpec) -> bool:
    if t.scope == "applicant":
        return case.applicant_id is not None and case.applicant_id == actor.pk
    if actor.kind != AccountKind.STAFF or not actor.has_role(*t.roles):
        return False
    if t.scope == "handler":
        return case.handler_id == actor.pk
    prefix = actor.scope_prefix or ""
    return bool(prefix) and case.division_id.startswith(prefix)


def _visible(actor: User, case: Case) -> bool:
    return can_see(actor, case)


def case_transition(
    *,
    actor: User,
    case_id: int,
    transition: str,
    data: Mapping[str, Any] | None = None,
    files: Files | None = None,
    expected_version: int | None = None,
    own_service: bool = False,
) -> Case:
    """Fire `transition` on the case; 409 STALE_VERSION if someone moved it first.

    A transition marked `generic = false` is fired only by its service's own code (`own_service`),
    which does what the engine alone cannot (checks across records, its own documents, referrals).
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("definition").filter(pk=case_id).first()
        if case is None or not _visible(actor, case):
            raise SifaError(ErrorCode.NOT_FOUND)
        if expected_version is not None and case.version != expected_version:
            raise SifaError(ErrorCode.STALE_VERSION, details={"version": case.version})
        spec = registry.parsed(case.definition)
        t = spec.transition(transition)
        if case.stage not in t.source or case.status != CaseStatus.OPEN:
            raise SifaError(
                ErrorCode.STALE_VERSION, "案件当前环节不能执行此操作，请刷新。", details={"stage": case.stage}
            )
        if not _may_fire(actor, case, t):
            raise SifaError(ErrorCode.FORBIDDEN)
        if not own_service and own_service_only(case, t):
            page = spec.staff_page.replace("{id}", str(case.pk))
            raise SifaError(
                ErrorCode.FORBIDDEN, "此操作须在本事项的办理页面进行。", details={"transition": t.code, "page": page}
            )
        raw = dict(data or {})
        cleaned = clean_fields(t.fields, raw)
        uploads = _uploads(t.fields, files)
        before = _state(case)
        now = timezone.now()
        old, new = spec.stage(case.stage), spec.stage(t.to)
        if t.assign:
            strategy = str(raw.get("strategy") or t.assign)
            handler_id = raw.get("handler_id")
            try:
                handler_pk = int(handler_id) if handler_id not in (None, "") else None
            except (TypeError, ValueError):
                raise SifaError(ErrorCode.INVALID_INPUT, details={"handler_id": "无效"}) from None
            if strategy not in assignment.STRATEGIES:
                raise SifaError(ErrorCode.INVALID_INPUT, details={"strategy": strategy})
            assert t.assign_role is not None
            handler = assignment.pick(
                case=case,
                strategy=strategy,
                role=t.assign_role,
                organisation_kinds=tuple(t.assign_organisation_kinds),
                handler_id=handler_pk,
            )
            hooks.representative_check(actor=actor, case=case, handler=handler, role=t.assign_role)
            case.handler = handler
            cleaned["handler_id"], cleaned["strategy"] = handler.pk, "manual" if handler_pk else strategy
        extension = _extension_days(t, cleaned)
        case.stage = new.code
        case.version += 1
        case.updated_at = now
        if extension and case.deadline_at is not None:
            _extend_clock(case, new, extension, now)
        else:
            _move_clock(case, spec, old, new, now)
        if new.terminal:
            case.status, case.closed_at = CaseStatus.CLOSED, now
            case.clock_stage, case.deadline_at, case.warn_at, case.paused_at, case.alert = "", None, None, None, ""
        case.save()
        _issue_documents(case, spec, t, actor, cleaned)
        plain, _secret = _split_sensitive(t.fields, cleaned)
        digest = _digest(cleaned, uploads)
        comment = str(
            cleaned.get("opinion") or cleaned.get("reason") or cleaned.get("missing") or cleaned.get("summary") or ""
        )
        event = CaseEvent.objects.create(
            case=case,
            action=t.code,
            name=t.name,
            from_stage=old.code,
            to_stage=new.code,
            actor=actor,
            actor_label=_actor_label(actor),
            comment=comment[:2000],
            data=plain,
            digest=digest,
            at=now,
        )
        _store(case, event, uploads, actor)
        event_codes = set(case.events.values_list("action", flat=True))
        _check_defects(case, spec, event_codes)
        _audit(actor, f"case.{t.code}"[:100], case, before, {**_state(case), "form": digest})
        if t.notify:
            public = new.public_name or new.name
            notify(
                case=case,
                users=recipients(case, t.notify),
                kind="stage",
                message=f"{spec.name}（{case.reference}）：{t.name}，当前环节：{public}。",
            )
        return case


def case_assign(*, actor: User, case_id: int, handler_id: int, expected_version: int | None = None) -> Case:
    """Reassign the handler of an open case (manual), traced; needs the oversight of the case's scope."""
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("definition").filter(pk=case_id).first()
        if case is None or not _visible(actor, case) or actor.kind != AccountKind.STAFF:
            raise SifaError(ErrorCode.NOT_FOUND)
        if expected_version is not None and case.version != expected_version:
            raise SifaError(ErrorCode.STALE_VERSION, details={"version": case.version})
        spec = registry.parsed(case.definition)
        assigners = [t for t in spec.transitions if t.assign]
        if not assigners or case.status != CaseStatus.OPEN or case.handler_id is None:
            raise SifaError(ErrorCode.STALE_VERSION, "案件当前不能改派。")
        t = assigners[0]
        prefix = actor.scope_prefix or "-"
        if not actor.has_role(*t.roles) or not case.division_id.startswith(prefix):
            raise SifaError(ErrorCode.FORBIDDEN)
        assert t.assign_role is not None
        handler = assignment.pick(
            case=case,
            strategy="manual",
            role=t.assign_role,
            organisation_kinds=tuple(t.assign_organisation_kinds),
            handler_id=handler_id,
        )
        hooks.representative_check(actor=actor, case=case, handler=handler, role=t.assign_role)
        before = _state(case)
        case.handler, case.version, case.updated_at = handler, case.version + 1, timezone.now()
        case.save(update_fields=["handler", "version", "updated_at"])
        _event_on_stage(case, actor, "reassign", "改派承办人", data={"handler_id": handler.pk}, public=False)
        _audit(actor, "case.reassign", case, before, _state(case))
        notify(case=case, users=[handler], kind="assigned", message=f"案件（{case.reference}）已改派给您承办。")
        return case


# ---- satisfaction and follow-up (A5) -----------------------------------------------------------


def case_rate(*, actor: User, case_id: int, score: str, comment: str = "") -> Rating:
    """The applicant rates a closed case once; below 满意 opens a follow-up task for the supervisor."""
    if score not in Satisfaction.values:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"score": "请选择满意、基本满意或不满意"})
    if len(comment) > 1000:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"comment": "最长 1000 字"})
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("definition").filter(pk=case_id).first()
        if case is None or case.applicant_id != actor.pk:
            raise SifaError(ErrorCode.NOT_FOUND)
        if case.status != CaseStatus.CLOSED:
            raise SifaError(ErrorCode.CONFLICT, "案件办结后才能评价。")
        if Rating.objects.filter(case=case).exists():
            raise SifaError(ErrorCode.CONFLICT, "您已评价过此案件。")
        spec = registry.parsed(case.definition)
        rating = Rating.objects.create(case=case, score=score, comment=comment)
        _event_on_stage(
            case,
            actor,
            "rate",
            "满意度评价",
            data={"score": score},
            digest=state_digest({"score": score, "comment": comment}),
        )
        _audit(actor, "case.rate", case, None, {"score": score, "comment": comment})
        if score != Satisfaction.SATISFIED:
            supervisors = supervisors_for(case)
            now = timezone.now()
            follow_up = FollowUp.objects.create(
                case=case,
                organisation=case.organisation,
                assignee=supervisors[0] if supervisors else None,
                due_at=cal.due(now, spec.follow_up_days, "working"),
                created_at=now,
            )
            audit_record(
                actor=actor, action="case.follow_up.open", target=follow_up, after={"case": case.pk, "score": score}
            )
            notify(
                case=case,
                users=supervisors[:1],
                kind="follow_up",
                message=f"案件（{case.reference}）评价为“{rating.get_score_display()}”，请在期限内回访。",
            )
        return rating


def follow_up_complete(*, actor: User, follow_up_id: int, outcome: str) -> FollowUp:
    """The supervisor records the outcome of the follow-up visit."""
    outcome = outcome.strip()
    if not outcome or len(outcome) > 2000:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"outcome": "请填写回访结果（2000 字以内）"})
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().select_related("case").filter(pk=follow_up_id).first()
        prefix = actor.scope_prefix if actor.kind == AccountKind.STAFF else None
        if follow_up is None or not prefix or not follow_up.case.division_id.startswith(prefix):
            raise SifaError(ErrorCode.NOT_FOUND)
        if not actor.has_role("supervisor"):
            raise SifaError(ErrorCode.FORBIDDEN)
        if follow_up.status != FollowUpStatus.OPEN:
            raise SifaError(ErrorCode.CONFLICT, "回访已办结。")
        follow_up.status, follow_up.outcome = FollowUpStatus.DONE, outcome
        follow_up.done_by, follow_up.done_at = actor, timezone.now()
        follow_up.save(update_fields=["status", "outcome", "done_by", "done_at"])
        CaseEvent.objects.create(
            case=follow_up.case,
            action="follow_up",
            name="回访",
            actor=actor,
            actor_label=_actor_label(actor),
            comment=outcome,
            digest=state_digest({"outcome": outcome}),
            public=False,
        )
        audit_record(actor=actor, action="case.follow_up.done", target=follow_up, after={"outcome": outcome})
        return follow_up
