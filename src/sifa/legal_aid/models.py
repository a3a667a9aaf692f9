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
