"""Judicial appraisal (A10) beyond the case engine: the register of institutions and their
categories, the commission (chosen and assigned institution, the two appraisers), declines, the
deadline extension and the report's hash. The case itself is a `cases.Case` of the service type
`appraisal` (definitions/appraisal.toml)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifa.appraisal.choices import Category


class Institution(models.Model):
    """A registered appraisal institution (登记的司法鉴定机构): licence, head, categories."""

    organisation = models.OneToOneField("regions.Organisation", on_delete=models.PROTECT, related_name="+")
    licence_number = models.CharField(_("许可证号"), max_length=40, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("机构负责人"),
    )

    class Meta:
        verbose_name = _("司法鉴定机构登记")
        verbose_name_plural = _("司法鉴定机构登记")

    def __str__(self) -> str:
        return str(self.organisation_id)


class InstitutionCategory(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("鉴定类别"), max_length=16, choices=Category.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "category"], name="appraisal_institution_category")
        ]

    def __str__(self) -> str:
        return self.category


class Commission(models.Model):
    """Who does the appraisal: the institution the applicant chose (if any), the one assigned, the two
    appraisers named on acceptance."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="appraisal_commission")
    requested = models.ForeignKey(
        "regions.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        "regions.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("鉴定委托")
        verbose_name_plural = _("鉴定委托")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_appraiser__isnull=True)
                | Q(second_appraiser__isnull=True)
                | ~Q(first_appraiser=models.F("second_appraiser")),
                name="appraisal_two_distinct_appraisers",
            )
        ]

    def __str__(self) -> str:
        return str(self.case_id)


class Decline(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="appraisal_declines")
    institution = models.ForeignKey("regions.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("理由"), max_length=1000)
    declined_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["declined_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.institution_id}"


class Extension(models.Model):
    """The one extension of the completion deadline (通则第二十八条: up to 30 working days)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="appraisal_extension")
    days = models.PositiveSmallIntegerField(_("延长工作日数"))
    reason = models.CharField(_("理由"), max_length=1000)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deadline_before = models.DateTimeField()
    deadline_after = models.DateTimeField()
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(days__gte=1, days__lte=30), name="appraisal_extension_days")]

    def __str__(self) -> str:
        return f"{self.case_id}: +{self.days}"


class Report(models.Model):
    """The uploaded appraisal report (the file is the case attachment; its SHA-256 is kept here too)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="appraisal_report")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.sha256
