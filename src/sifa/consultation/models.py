"""留言咨询 (A1) rows of its own: the duty roster, the expert-review policy and the review samples.

The questions themselves are cases of the `consultation` service type (sifa.cases); this app adds
who is on duty when, and the expert grading of a random sample of answers.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DutyShift(models.Model):
    """A lawyer on duty for an organiser's region from `starts_at` to `ends_at` (half-open)."""

    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("值班律师"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("值班区域"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("排班人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="dutyshift_ends_after_start"),
        ]
        indexes = [models.Index(fields=["division", "starts_at", "ends_at"], name="dutyshift_window")]

    def __str__(self) -> str:
        return f"{self.lawyer_id} {self.starts_at:%Y-%m-%d %H:%M}"


class ReviewPolicy(models.Model):
    """The share of answers drawn for expert review in a region (the nearest policy up the tree)."""

    division = models.OneToOneField(
        "regions.Division", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    rate = models.DecimalField(
        _("抽查比例"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("1"))],
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("点评抽查比例")
        verbose_name_plural = _("点评抽查比例")
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0) & Q(rate__lte=1), name="reviewpolicy_rate_range"),
        ]

    def __str__(self) -> str:
        return f"{self.division_id}: {self.rate}"


class Grade(models.TextChoices):
    A = "A", _("A 优秀")
    B = "B", _("B 良好")
    C = "C", _("C 合格")
    D = "D", _("D 不合格")


GRADE_POINTS = {Grade.A: 4, Grade.B: 3, Grade.C: 2, Grade.D: 1}


class ReviewSample(models.Model):
    """One answer drawn for expert review (专家监督点评), graded A-D with a comment."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="review_samples")
    answer_event = models.OneToOneField("cases.CaseEvent", on_delete=models.CASCADE, related_name="review_sample")
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("解答律师"), on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT, related_name="+")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)
    draw_seed = models.CharField(max_length=32)
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices, blank=True)
    comment = models.TextField(_("点评意见"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("点评专家"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("点评时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家点评抽查")
        verbose_name_plural = _("专家点评抽查")
        ordering = ["-drawn_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade="", reviewer__isnull=True, reviewed_at__isnull=True)
                | (Q(grade__in=["A", "B", "C", "D"]) & Q(reviewer__isnull=False) & Q(reviewed_at__isnull=False)),
                name="reviewsample_grade_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.answer_event_id}: {self.grade or '-'}"
