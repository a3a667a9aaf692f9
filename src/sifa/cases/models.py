"""Cases and everything that hangs off them: events, attachments, documents, deadlines, ratings.

No domain logic here: the services move cases (`sifa.cases.services`), the selectors read them.
Personal identifiers given on an application form live encrypted in `Case.secret_data`; `data`
holds the other fields plus masked copies of the identifiers.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifa.core.fields import EncryptedTextField


class ServiceDefinition(models.Model):
    """One version of a service-type definition file, stored verbatim so old versions stay loadable."""

    code = models.CharField(_("服务类型代码"), max_length=48)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=64)
    sha256 = models.CharField(_("定义摘要"), max_length=64)
    source = models.TextField(_("定义原文（TOML）"))
    origin = models.CharField(_("来源文件"), max_length=255, blank=True)
    is_current = models.BooleanField(_("当前版本"), default=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务类型定义")
        verbose_name_plural = _("服务类型定义")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="servicedefinition_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="servicedefinition_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class Alert(models.TextChoices):
    NONE = "", _("正常")
    YELLOW = "yellow", _("临期")
    RED = "red", _("超期")


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> "CaseQuerySet":
        return self.filter(status=CaseStatus.OPEN)

    def overdue(self) -> "CaseQuerySet":
        return self.filter(alert=Alert.RED)


class Case(models.Model):
    """One application moving through the stages of its pinned service-definition version."""

    reference = models.CharField(_("案件编号"), max_length=40, unique=True)
    definition = models.ForeignKey(ServiceDefinition, verbose_name=_("服务类型定义"), on_delete=models.PROTECT)
    service_code = models.CharField(_("服务类型"), max_length=48, db_index=True)
    stage = models.CharField(_("当前环节"), max_length=48)
    status = models.CharField(_("状态"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    version = models.PositiveIntegerField(_("版本号"), default=1)
    division = models.ForeignKey("regions.Division", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        "regions.Organisation", verbose_name=_("办理机构"), null=True, blank=True, on_delete=models.PROTECT
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applied_cases",
    )
    applicant_name = models.CharField(_("申请人"), max_length=64, blank=True)
    title = models.CharField(_("事由"), max_length=200, blank=True)
    skill = models.CharField(_("所需专长"), max_length=32, blank=True)
    data = models.JSONField(_("申请信息"), default=dict, blank=True)
    secret_data = EncryptedTextField(_("申请信息（加密部分）"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64, blank=True)
    body_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Deadline supervision (E3): the clock of the stage `clock_stage`.
    clock_stage = models.CharField(max_length=48, blank=True)
    warn_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停计时"), null=True, blank=True)
    alert = models.CharField(_("期限状态"), max_length=8, choices=Alert.choices, default=Alert.NONE, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "alert", "warn_at"], name="case_scan_warn"),
            models.Index(fields=["status", "alert", "deadline_at"], name="case_scan_deadline"),
            models.Index(fields=["division", "status"], name="case_division_status"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseEvent(models.Model):
    """One traced step of a case (submission, transition, assignment, pause, alert, rating)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=48)
    name = models.CharField(_("名称"), max_length=64)
    from_stage = models.CharField(_("原环节"), max_length=48, blank=True)
    to_stage = models.CharField(_("新环节"), max_length=48, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=64, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("表单（不含身份证号码和电话）"), default=dict, blank=True)
    digest = models.CharField(_("表单与附件摘要"), max_length=64, blank=True)
    public = models.BooleanField(_("申请人可见"), default=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.action}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"cases/{timezone.now():%Y/%m}/{instance.sha256[:2]}/{instance.sha256}.{instance.kind}"


class Attachment(models.Model):
    """An uploaded material, checked by content; its SHA-256 goes into the event's audit digest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    field = models.CharField(_("材料项"), max_length=48)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class CaseDocument(models.Model):
    """A document issued on the case (the file itself lives in the documents app)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    document_id = models.PositiveBigIntegerField(_("文书"))
    kind = models.CharField(_("文书种类"), max_length=64)
    title = models.CharField(_("标题"), max_length=200)
    code = models.CharField(_("验证码"), max_length=16)
    sha256_pdf = models.CharField(max_length=64)
    stage = models.CharField(max_length=48, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("案件文书")
        verbose_name_plural = _("案件文书")
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    """An in-app message for a user (handler, supervisor, applicant)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类别"), max_length=32)
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.message


class Defect(models.Model):
    """A defect warning raised by a definition's defect rule (E3)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="defects")
    rule = models.CharField(_("规则"), max_length=48)
    message = models.CharField(_("内容"), max_length=200)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("瑕疵预警")
        verbose_name_plural = _("瑕疵预警")
        constraints = [models.UniqueConstraint(fields=["case", "rule"], name="defect_case_rule")]

    def __str__(self) -> str:
        return self.rule


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Rating(models.Model):
    """The applicant's satisfaction rating of a closed case (A5); one per case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.CharField(_("评价"), max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待回访")
    DONE = "done", _("已回访")


class FollowUp(models.Model):
    """The follow-up visit (回访) opened by a rating below 满意, for the organisation's supervisor."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="follow_up")
    organisation = models.ForeignKey("regions.Organisation", null=True, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    status = models.CharField(max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    due_at = models.DateTimeField(_("回访期限"))
    outcome = models.TextField(_("回访结果"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("回访任务")
        verbose_name_plural = _("回访任务")
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"follow-up {self.case_id}"


class HandlerProfile(models.Model):
    """Assignment preferences of a staff member: skill tags and a capacity weight."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handler_profile")
    skills = models.JSONField(_("专长"), default=list, blank=True)
    weight = models.PositiveSmallIntegerField(_("承办能力权重"), default=1)
    available = models.BooleanField(_("可分配"), default=True)
    licence_no = models.CharField(_("执业证号"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("承办人设置")
        verbose_name_plural = _("承办人设置")

    def __str__(self) -> str:
        return str(self.user_id)


class AssignmentCursor(models.Model):
    """Round-robin position per pool (the pool key names division prefix, role and organisation kinds)."""

    pool = models.CharField(max_length=200, unique=True)
    last_user_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.pool


def case_public(case: Case) -> dict[str, Any]:
    """What any screen may show about a case (identifiers stay masked in `data`)."""
    return {"reference": case.reference, "stage": case.stage, "status": case.status}


class ReferralKind(models.TextChoices):
    LEGAL_AID = "legal_aid", _("法律援助")
    LITIGATION = "litigation", _("诉讼")
    ARBITRATION = "arbitration", _("仲裁")
    LABOUR_INSPECTION = "labour_inspection", _("劳动保障监察")
    JUDICIAL_CONFIRMATION = "judicial_confirmation", _("司法确认")
    MEDIATION = "mediation", _("人民调解")
    OTHER = "other", _("其他")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("已转出")
    RECEIVED = "received", _("已接收")
    ACCEPTED = "accepted", _("已受理")
    DECLINED = "declined", _("不予受理")
    DONE = "done", _("已办结")


class Referral(models.Model):
    """A case handed on to another case on the platform or to an outside authority, with its feedback."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("转办类别"), max_length=24, choices=ReferralKind.choices)
    authority = models.CharField(_("接收单位"), max_length=128)
    reason = models.TextField(_("转办理由"))
    target_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="referred_from", verbose_name=_("转入案件")
    )
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("文书")
    )
    status = models.CharField(_("状态"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"referral {self.pk} of case {self.case_id}"


class ReferralUpdate(models.Model):
    """One piece of feedback on a referral (received, accepted, declined, done), in order."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("状态"), max_length=12, choices=ReferralStatus.choices)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.status}"


class CaseParticipant(models.Model):
    """Staff who work a case beside its handler (the second appraiser, a co-mediator): they see it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("角色"), max_length=32)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("案件参与人")
        verbose_name_plural = _("案件参与人")
        constraints: ClassVar = [models.UniqueConstraint(fields=["case", "user"], name="case_participant_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.case_id}"
