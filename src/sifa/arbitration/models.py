"""仲裁 (A9) rows of its own: the arbitrator registry (application, training, exam, registration,
evaluation), the arbitration fee ledger, the tribunal of a case, the service (送达) of documents and
the litigation-risk checks (E1) of the acceptance review.

The cases themselves are cases of the `arbitration` service type (sifa.cases). Names, ID numbers
and phones of arbitrators are stored encrypted (`EncryptedTextField`) with a keyed hash of the ID
number for duplicate checks; pages and the API show them masked.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifa.arbitration.choices import (
    ArbitratorStatus,
    ChosenBy,
    FeeKind,
    Grade,
    MemberRole,
    PartyRole,
    Qualification,
    RiskLevel,
    ServiceMethod,
    ServiceResult,
    ServiceStatus,
    TribunalForm,
)
from sifa.core.fields import EncryptedTextField


class Arbitrator(models.Model):
    """A person in a commission's registry, from application to registration (聘任) and removal."""

    commission = models.ForeignKey(
        "regions.Organisation", verbose_name=_("仲裁委员会"), on_delete=models.PROTECT, related_name="+"
    )
    name = EncryptedTextField(_("姓名"))
    name_masked = models.CharField(_("姓名（脱敏）"), max_length=32)
    id_number = EncryptedTextField(_("居民身份证号码"))
    id_hash = models.CharField(max_length=64, db_index=True)
    phone = EncryptedTextField(_("联系电话"))
    qualification = models.CharField(_("资格条件"), max_length=20, choices=Qualification.choices)
    years_of_practice = models.PositiveSmallIntegerField(_("从业年限"))
    speciality = models.CharField(_("专业领域"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=12, choices=ArbitratorStatus.choices, default=ArbitratorStatus.APPLIED
    )
    certificate_number = models.CharField(_("聘书编号"), max_length=40, blank=True)
    term_start = models.DateField(_("聘期起"), null=True, blank=True)
    term_end = models.DateField(_("聘期止"), null=True, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arbitrator_records",
    )
    review_opinion = models.TextField(_("审核意见"), blank=True)
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("仲裁员")
        verbose_name_plural = _("仲裁员名册")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "id_hash"], name="arbitrator_one_per_commission"),
            models.UniqueConstraint(
                fields=["commission", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="arbitrator_certificate_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(term_start__isnull=False, term_end__isnull=False),
                name="arbitrator_registered_has_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_masked}（{self.get_status_display()}）"


def _file_path(instance: "ArbitratorFile", filename: str) -> str:
    return f"arbitration/{timezone.now():%Y/%m}/{instance.sha256}.{instance.kind}"


class ArbitratorFile(models.Model):
    """A material of an application (certificates, title proof), checked by content."""

    arbitrator = models.ForeignKey(Arbitrator, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_file_path, max_length=200)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    """A training session (岗前培训 or 继续教育) of a commission."""

    commission = models.ForeignKey("regions.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("培训名称"), max_length=100)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on}）"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="attendances")
    arbitrator = models.ForeignKey(Arbitrator, on_delete=models.CASCADE, related_name="attendances")
    hours = models.DecimalField(_("参训学时"), max_digits=5, decimal_places=1)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "arbitrator"], name="attendance_once"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="attendance_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.arbitrator_id}@{self.session_id}"


class ExamRecord(models.Model):
    arbitrator = models.ForeignKey(Arbitrator, on_delete=models.CASCADE, related_name="exams")
    taken_on = models.DateField(_("考试日期"))
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1)
    pass_mark = models.DecimalField(_("合格分数线"), max_digits=5, decimal_places=1)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100, pass_mark__gt=0, pass_mark__lte=100),
                name="exam_score_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.arbitrator_id}: {self.score}/{self.pass_mark}"

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_mark


class Evaluation(models.Model):
    """The annual evaluation (年度考评) of a registered arbitrator."""

    arbitrator = models.ForeignKey(Arbitrator, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("年度"))
    case_count = models.PositiveIntegerField(_("承办案件数"))
    closed_count = models.PositiveIntegerField(_("已结案件数"))
    on_time_rate = models.DecimalField(_("按期结案率"), max_digits=5, decimal_places=4, null=True, blank=True)
    complaints = models.PositiveIntegerField(_("当事人投诉数"))
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices)
    comment = models.TextField(_("评语"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["arbitrator", "year"], name="evaluation_once_a_year")]

    def __str__(self) -> str:
        return f"{self.arbitrator_id} {self.year}: {self.grade}"


class FeeRecord(models.Model):
    """One line of a case's fee ledger: assessed, paid, refunded, waived or deferred."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="arbitration_fees")
    kind = models.CharField(_("类别"), max_length=10, choices=FeeKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, default=0)
    receipt_number = models.CharField(_("票据号"), max_length=40, blank=True)
    reason = models.CharField(_("理由或依据"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_amount_non_negative"),
            models.UniqueConstraint(
                fields=["receipt_number"], condition=~Q(receipt_number=""), name="fee_receipt_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.amount}"


class Tribunal(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="arbitration_tribunal")
    form = models.CharField(_("组庭方式"), max_length=8, choices=TribunalForm.choices)
    formed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    formed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"tribunal {self.case_id}"


class TribunalMember(models.Model):
    tribunal = models.ForeignKey(Tribunal, on_delete=models.CASCADE, related_name="members")
    arbitrator = models.ForeignKey(Arbitrator, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("职责"), max_length=10, choices=MemberRole.choices)
    chosen_by = models.CharField(_("产生方式"), max_length=10, choices=ChosenBy.choices)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tribunal", "arbitrator"], name="tribunal_member_once")]

    def __str__(self) -> str:
        return f"{self.tribunal_id}: {self.arbitrator_id}"


class Delivery(models.Model):
    """The service (送达) of one issued document to one party, with its attempts."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="arbitration_deliveries")
    document_id = models.PositiveBigIntegerField(_("文书"))
    document_title = models.CharField(_("文书"), max_length=200)
    party_role = models.CharField(_("受送达人身份"), max_length=10, choices=PartyRole.choices)
    party_name = models.CharField(_("受送达人"), max_length=64)
    method = models.CharField(_("送达方式"), max_length=10, choices=ServiceMethod.choices)
    consent = models.BooleanField(_("当事人同意电子送达"), default=False)
    address = models.CharField(_("送达地址"), max_length=200, blank=True)
    tracking_number = models.CharField(_("邮件号"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=ServiceStatus.choices, default=ServiceStatus.PENDING)
    due_at = models.DateTimeField(_("送达期限"))
    served_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("当事人查阅时间"), null=True, blank=True)
    receipt_document_id = models.PositiveBigIntegerField(_("送达回证"), null=True, blank=True)
    receipt_code = models.CharField(max_length=16, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("送达")
        verbose_name_plural = _("送达")
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(method="electronic") | Q(consent=True), name="delivery_e_consent"),
            models.CheckConstraint(
                condition=~Q(method="postal") | ~Q(tracking_number=""), name="delivery_postal_tracking"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_status_due")]

    def __str__(self) -> str:
        return f"{self.document_title} → {self.party_role}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("时间"))
    method = models.CharField(_("送达方式"), max_length=10, choices=ServiceMethod.choices)
    result = models.CharField(_("结果"), max_length=12, choices=ServiceResult.choices)
    signed_by = models.CharField(_("签收人"), max_length=64, blank=True)
    tracking_number = models.CharField(_("邮件号"), max_length=40, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.result}"


class LitigationCheck(models.Model):
    """One E1 check of an application at the acceptance review: what the reviewing staff saw.

    A row per check (a recheck adds a row), so the supervision page and later reviewers see the
    result the case was accepted on, when it was computed and against how much history. Warnings are
    stored as shown (type, label, category, points, evidence with phones masked); no identifier is
    stored in clear. A high level must be acknowledged, with a reason, before acceptance.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="arbitration_litigation_checks")
    computed_at = models.DateTimeField(_("检查时间"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("申请提交时间（比对此前的案件）"))
    history_cases = models.PositiveIntegerField(_("比对的仲裁案件数"))
    history_parties = models.PositiveIntegerField(_("比对的当事人记录数"))
    score = models.PositiveSmallIntegerField(_("风险分"))
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices)
    warnings = models.JSONField(_("预警"), default=list, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("计算用时（毫秒）"), default=0)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledgement = models.TextField(_("核查说明"), blank=True)

    class Meta:
        verbose_name = _("诉讼风险检查")
        verbose_name_plural = _("诉讼风险检查")
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="litigationcheck_score_range"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True, acknowledgement="")
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False) & ~Q(acknowledgement=""),
                name="litigationcheck_acknowledged_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["case", "-computed_at"], name="litigationcheck_case_time")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score} ({self.level})"

    @property
    def blocks_acceptance(self) -> bool:
        return self.level == RiskLevel.HIGH and self.acknowledged_at is None
