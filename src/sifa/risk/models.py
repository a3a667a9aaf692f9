from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sifa.core.fields import EncryptedTextField
from sifa.risk.choices import Agency, DiscrepancyType, Ruling, RunStatus


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
