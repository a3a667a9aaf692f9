"""农民工欠薪求助 (A2): the typed figures of a request (for the answer and the statistics) and the
labour authorities that clues are forwarded to.

The request itself is a case of the engine's `wage_arrears` service type (stages, deadlines,
rating, follow-up); the worker's ID number and phone live encrypted in that case. Here only a keyed
hash of the ID number is kept, so statistics can count distinct workers without the number.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LabourOfficeKind(models.TextChoices):
    INSPECTION = "inspection", _("劳动保障监察机构")
    ARBITRATION = "arbitration", _("劳动人事争议仲裁委员会")


class LabourOffice(models.Model):
    """A county's labour inspection or labour-dispute arbitration body (outside the platform)."""

    division = models.ForeignKey("regions.Division", verbose_name=_("所在区县"), on_delete=models.PROTECT)
    kind = models.CharField(_("类型"), max_length=16, choices=LabourOfficeKind.choices)
    name = models.CharField(_("名称"), max_length=128)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("劳动保障机构")
        verbose_name_plural = _("劳动保障机构")
        ordering = ["division_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["division", "kind"], name="labouroffice_one_per_kind")]

    def __str__(self) -> str:
        return self.name


class WageRequest(models.Model):
    """One worker's request for help with unpaid wages; `case` is its engine case."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="wage_request")
    worker_hash = models.CharField(_("身份证号码摘要"), max_length=64, db_index=True)
    division = models.ForeignKey("regions.Division", verbose_name=_("项目所在区县"), on_delete=models.PROTECT)
    employer_name = models.CharField(_("用人单位"), max_length=128)
    employer_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    project_name = models.CharField(_("工程项目"), max_length=128)
    amount_owed = models.DecimalField(_("欠薪金额（元）"), max_digits=12, decimal_places=2)
    period_start = models.DateField(_("欠薪开始月份"))
    period_end = models.DateField(_("欠薪结束月份"))
    workers_affected = models.PositiveIntegerField(_("涉及人数"))
    has_contract = models.BooleanField(_("有书面合同"))
    has_records = models.BooleanField(_("有工资条或考勤记录"))
    has_iou = models.BooleanField(_("有欠条或结算单"))
    still_working = models.BooleanField(_("劳动关系存续"))
    legal_aid_case = models.OneToOneField(
        "cases.Case", verbose_name=_("法律援助申请"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.OneToOneField(
        "cases.Referral", verbose_name=_("转交记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("求助时间"), default=timezone.now)

    class Meta:
        verbose_name = _("欠薪求助")
        verbose_name_plural = _("欠薪求助")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["division", "created_at"], name="wagerequest_division_month")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_owed__gt=0), name="wagerequest_amount_positive"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="wagerequest_period_order"),
            models.CheckConstraint(condition=Q(workers_affected__gte=1), name="wagerequest_workers_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.employer_name}"
