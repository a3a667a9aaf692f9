"""Legal aid (A7) beyond the case engine: the subsidy (奖补) paid for a closed case."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubsidyRecord(models.Model):
    """The handling subsidy recorded for one closed legal-aid case and its lawyer."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="subsidy")
    lawyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    law_firm = models.ForeignKey("regions.Organisation", null=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("补贴金额（元）"), max_digits=10, decimal_places=2)
    basis = models.CharField(_("补贴标准"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("法律援助办案补贴")
        verbose_name_plural = _("法律援助办案补贴")
        ordering = ["-recorded_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="subsidy_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.amount}"


class ServicePoint(models.Model):
    """A legal-aid centre's public details beyond its organisation row: hours, map position, access.

    Address and phone stay on the organisation (`Organisation.address`, `public_phone`).
    """

    organisation = models.OneToOneField(
        "regions.Organisation", verbose_name=_("法律援助中心"), on_delete=models.PROTECT, related_name="service_point"
    )
    hours = models.CharField(_("办公时间"), max_length=200)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    accessibility = models.CharField(
        _("便民服务"), max_length=200, blank=True, help_text=_("如：无障碍通道、少数民族语言服务")
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("法律援助服务点")
        verbose_name_plural = _("法律援助服务点")
        ordering = ["organisation__division_id", "organisation__name"]
        constraints = [
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90), name="servicepoint_latitude"),
            models.CheckConstraint(condition=Q(longitude__gte=-180, longitude__lte=180), name="servicepoint_longitude"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.hours}"


class AidLawyer(models.Model):
    """A lawyer on a legal-aid centre's roster (法律援助律师名册): who an applicant may choose (A13)."""

    centre = models.ForeignKey(
        "regions.Organisation", verbose_name=_("法律援助中心"), on_delete=models.PROTECT, related_name="aid_roster"
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("律师"), on_delete=models.PROTECT, related_name="aid_rosters"
    )
    practising_since = models.PositiveSmallIntegerField(_("首次执业年份"))
    active = models.BooleanField(_("在册"), default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("法律援助律师名册")
        verbose_name_plural = _("法律援助律师名册")
        ordering = ["centre_id", "lawyer_id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "lawyer"], name="aidlawyer_once_per_centre"),
            models.CheckConstraint(
                condition=Q(practising_since__gte=1950, practising_since__lte=2100), name="aidlawyer_practising_since"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.lawyer_id}"


class LawyerChoice(models.Model):
    """The applicant's choice of lawyer (点餐式, A13) and, when staff assigned someone else, why."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="lawyer_choice")
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人选择的律师"), on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)
    override_reason = models.CharField(_("未按选择指派的理由"), max_length=500, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("申请人选择的律师")
        verbose_name_plural = _("申请人选择的律师")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.lawyer_id}"
