from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sifa.core.fields import EncryptedTextField
from sifa.risk.choices import (
    Agency,
    AlertKind,
    AlertStatus,
    DiscrepancyType,
    DisputeType,
    ModelStatus,
    Outcome,
    RiskLevel,
    Ruling,
    RunStatus,
)


class LedgerBatch(models.Model):
    """One agency's case ledger as pushed through the API (E2). The file is kept encrypted:
    ledgers carry suspects' ID numbers."""

    agency = models.CharField(_("来源机关"), max_length=16, choices=Agency.choices)
    division = models.ForeignKey("regions.Division", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    filename = models.CharField(_("文件名"), max_length=255)
    kind = models.CharField(_("格式"), max_length=8)
    row_count = models.PositiveIntegerField(_("行数"))
    sha256 = models.CharField(max_length=64)
    content = EncryptedTextField(_("内容（加密）"))  # base64 of the uploaded bytes
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("案件台账")
        verbose_name_plural = _("案件台账")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["division", "agency", "-uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} {self.filename}"


class ReconciliationRun(models.Model):
    """A comparison of the newest three ledgers of a division; the scheduled task starts one per day."""

    division = models.ForeignKey("regions.Division", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    as_of = models.DateField(_("期限基准日"))
    police = models.ForeignKey(LedgerBatch, on_delete=models.PROTECT, related_name="+")
    procuratorate = models.ForeignKey(LedgerBatch, on_delete=models.PROTECT, related_name="+")
    court = models.ForeignKey(LedgerBatch, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField(_("各类差异数"), default=dict)
    error = models.TextField(_("错误"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账比对")
        verbose_name_plural = _("台账比对")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.division_id} {self.as_of}"


class Discrepancy(models.Model):
    """One row of a reconciliation's output, ruled on by a supervisor."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="discrepancies")
    division = models.ForeignKey("regions.Division", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    type = models.CharField(_("差异类型"), max_length=32, choices=DiscrepancyType.choices)
    police_case_no = models.CharField(_("公安案号"), max_length=128, blank=True)
    procuratorate_case_no = models.CharField(_("检察院案号"), max_length=128, blank=True)
    court_case_no = models.CharField(_("法院案号"), max_length=128, blank=True)
    detail = models.TextField(_("说明"))
    ruling = models.CharField(_("核查结论"), max_length=16, choices=Ruling.choices, default=Ruling.OPEN)
    ruling_note = models.TextField(_("核查意见"), blank=True)
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ruled_at = models.DateTimeField(_("核查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账差异")
        verbose_name_plural = _("台账差异")
        ordering = ["type", "police_case_no", "procuratorate_case_no", "court_case_no", "id"]
        indexes = [models.Index(fields=["division", "ruling", "type"])]

    def __str__(self) -> str:
        return f"{self.type} {self.police_case_no or self.procuratorate_case_no or self.court_case_no}"


class Dispute(models.Model):
    """A dispute reported from a village or township (矛盾纠纷排查), with its latest risk score (E5)."""

    division = models.ForeignKey("regions.Division", verbose_name=_("发生地（乡镇/村）"), on_delete=models.PROTECT)
    type = models.CharField(_("纠纷类型"), max_length=32, choices=DisputeType.choices)
    reported_on = models.DateField(_("排查上报日期"))
    description = models.TextField(_("纠纷情况"))
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    parties_count = models.PositiveIntegerField(_("涉及人数"), default=2)
    vulnerable_parties = models.PositiveIntegerField(_("弱势当事人人数（老幼病残孕）"), default=0)
    repeat_reports = models.PositiveIntegerField(_("重复上报次数"), default=0)
    failed_mediations = models.PositiveIntegerField(_("调解失败次数"), default=0)
    resolved_on = models.DateField(_("化解日期"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, blank=True, default="")
    score = models.PositiveSmallIntegerField(_("风险系数"), default=0)
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.BLUE)
    explanation = models.JSONField(_("评分依据"), default=dict)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-score", "-reported_on", "-id"]
        indexes = [models.Index(fields=["division", "reported_on"]), models.Index(fields=["level"])]
        constraints = [models.CheckConstraint(condition=models.Q(score__lte=100), name="dispute_score_max_100")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.reported_on}"


class AlertRule(models.Model):
    """Response advice the bureau edits: the most specific rule (division prefix, then type) applies."""

    kind = models.CharField(_("预警类别"), max_length=16, choices=AlertKind.choices)
    dispute_type = models.CharField(_("纠纷类型（空为全部）"), max_length=32, choices=DisputeType.choices, blank=True)
    division = models.ForeignKey("regions.Division", verbose_name=_("适用区划"), on_delete=models.PROTECT)
    advice = models.TextField(_("处置建议"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警处置规则")
        verbose_name_plural = _("预警处置规则")
        ordering = ["division_id", "kind", "dispute_type"]
        constraints = [
            models.UniqueConstraint(fields=["division", "kind", "dispute_type"], name="alertrule_unique_scope")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.dispute_type or '*'}"


class RiskAlert(models.Model):
    """A red alert on a dispute: raised by the scorer, ruled on (responded to) by an officer."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="alerts")
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("预警类别"), max_length=16, choices=AlertKind.choices)
    advice = models.TextField(_("处置建议"))
    rule = models.ForeignKey(AlertRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    response = models.TextField(_("处置情况"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    responded_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("预警时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("红色预警")
        verbose_name_plural = _("红色预警")
        ordering = ["status", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["dispute", "kind"], name="riskalert_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.dispute_id}"


class RiskNotification(models.Model):
    """In-app notice of an alert to an organisation (the township office and the county bureau)."""

    alert = models.ForeignKey(RiskAlert, on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey("regions.Organisation", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("预警通知")
        verbose_name_plural = _("预警通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["alert", "organisation"], name="risknotification_once")]

    def __str__(self) -> str:
        return f"{self.alert_id} -> {self.organisation_id}"


class RiskModel(models.Model):
    """A scorer trained on the bureau's own history; used only after an officer approves it."""

    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=ModelStatus.choices, default=ModelStatus.CANDIDATE)
    params = models.JSONField(_("模型参数"))
    metrics = models.JSONField(_("验证指标"))
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    trained_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("风险模型")
        verbose_name_plural = _("风险模型")
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"model {self.pk} ({self.status})"
