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
