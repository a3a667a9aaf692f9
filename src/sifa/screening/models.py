"""Verification system: registry people, restriction rules, warnings, licence applications.

Identifiers are encrypted at rest with a keyed hash beside them; blocking keys for the incremental
matcher are stored only as keyed hashes (`BlockKey`), so the index reveals no ID digits.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sifa.core.fields import EncryptedTextField
from sifa.screening.choices import (
    ApplicationStatus,
    DepartureType,
    JobKind,
    JobStatus,
    LicenceStatus,
    Registry,
    Relation,
    WarningSource,
    WarningStatus,
)


class RestrictionRule(models.Model):
    """How long a departure type bars practice (months; empty = for good). Editable by the bureau."""

    departure_type = models.CharField(_("离任方式"), max_length=16, choices=DepartureType.choices, unique=True)
    months = models.PositiveIntegerField(_("从业限制期（月）"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("从业限制规则")
        verbose_name_plural = _("从业限制规则")

    def __str__(self) -> str:
        return f"{self.get_departure_type_display()}: {self.months or '∞'}"


class RegistryPersonQuerySet(models.QuerySet["RegistryPerson"]):
    def warned(self) -> "RegistryPersonQuerySet":
        return self.filter(warning=True)


class RegistryPerson(models.Model):
    """One person in one registry, with the facts the rules need and a 预警 tag while restricted."""

    registry = models.CharField(_("信息库"), max_length=16, choices=Registry.choices, db_index=True)
    name = models.CharField(_("姓名"), max_length=64)
    name_norm = models.CharField(max_length=64, db_index=True)  # OpenCC/NFKC, no spaces: frequency counts
    id_number = EncryptedTextField(_("居民身份证号码"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    gender = models.CharField(_("性别"), max_length=1, blank=True)
    division = models.ForeignKey("regions.Division", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    former_unit = models.CharField(_("原单位或现单位"), max_length=128, blank=True)
    unit_division_code = models.CharField(_("单位所在区划代码"), max_length=12, blank=True)
    departure_type = models.CharField(_("离任方式"), max_length=16, choices=DepartureType.choices, blank=True)
    departure_date = models.DateField(_("离任日期"), null=True, blank=True)
    law_firm = models.CharField(_("执业律所"), max_length=128, blank=True)
    relation = models.CharField(_("亲属关系"), max_length=16, choices=Relation.choices, blank=True)
    relative_name = models.CharField(_("在职亲属姓名"), max_length=64, blank=True)
    licence_no = models.CharField(_("执业证号"), max_length=32, blank=True, db_index=True)
    licence_status = models.CharField(_("执业状态"), max_length=16, choices=LicenceStatus.choices, blank=True)
    suspended_from = models.DateField(_("停止执业起"), null=True, blank=True)
    suspended_until = models.DateField(_("停止执业止"), null=True, blank=True)
    restricted_until = models.DateField(_("从业限制截止"), null=True, blank=True)
    restricted_for_good = models.BooleanField(_("终身限制"), default=False)
    warning = models.BooleanField(_("预警"), default=False, db_index=True)
    import_batch = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegistryPersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("核查库人员")
        verbose_name_plural = _("核查库人员")
        ordering = ["-warning", "name", "id"]

    def __str__(self) -> str:
        return self.name


class BlockKey(models.Model):
    """Keyed hashes of a registry person's blocking keys: the index of the incremental check."""

    person = models.ForeignKey(RegistryPerson, on_delete=models.CASCADE, related_name="block_keys")
    key_hash = models.CharField(max_length=32, db_index=True)

    class Meta:
        verbose_name = _("比对索引")
        verbose_name_plural = _("比对索引")
        constraints = [models.UniqueConstraint(fields=["person", "key_hash"], name="blockkey_unique")]

    def __str__(self) -> str:
        return self.key_hash


class LicenceApplication(models.Model):
    """A lawyer-licence application, checked against the registries before it can be approved."""

    name = models.CharField(_("申请人姓名"), max_length=64)
    id_number = EncryptedTextField(_("居民身份证号码"))
    id_number_hash = models.CharField(max_length=64, db_index=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    gender = models.CharField(_("性别"), max_length=1, blank=True)
    law_firm = models.CharField(_("拟执业律所"), max_length=128)
    division = models.ForeignKey("regions.Division", verbose_name=_("受理区划"), on_delete=models.PROTECT)
    status = models.CharField(
        _("状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("律师执业申请")
        verbose_name_plural = _("律师执业申请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ScreeningWarning(models.Model):
    """A hit worth a human look, with its evidence; integrity officers in the region rule on it."""

    source = models.CharField(_("来源"), max_length=16, choices=WarningSource.choices)
    person = models.ForeignKey(
        RegistryPerson, verbose_name=_("核查库人员"), on_delete=models.PROTECT, related_name="warnings"
    )
    subject_name = models.CharField(_("被核查人"), max_length=64)
    subject_ref = models.CharField(_("业务编号"), max_length=64, blank=True)
    rule = models.CharField(_("触发规则"), max_length=32)
    score = models.FloatField(_("匹配分值"))
    reasons = models.CharField(_("匹配依据"), max_length=255)
    evidence = models.JSONField(_("证据"), default=dict)
    division = models.ForeignKey("regions.Division", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    application = models.ForeignKey(
        LicenceApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    blocked = models.BooleanField(_("已阻止"), default=False)
    override_reason = models.CharField(_("放行理由"), max_length=255, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    ruling_reason = models.CharField(_("研判理由"), max_length=255, blank=True)
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ruled_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("预警时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("核查预警")
        verbose_name_plural = _("核查预警")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(ruling_reason=""), name="warning_ruling_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.get_rule_display() if hasattr(self, 'get_rule_display') else self.rule}"


class ScreeningJob(models.Model):
    """A bulk screening run: registry people of the region against an uploaded external registry.

    The uploaded rows are kept encrypted only until the run ends; the hits become warnings.
    """

    kind = models.CharField(_("核查类型"), max_length=16, choices=JobKind.choices)
    source_label = models.CharField(_("比对数据来源"), max_length=128)
    source_text = EncryptedTextField(blank=True)
    source_rows = models.PositiveIntegerField(_("比对数据条数"), default=0)
    watch_rows = models.PositiveIntegerField(_("核查对象人数"), default=0)
    division = models.ForeignKey("regions.Division", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    pairs_scored = models.PositiveBigIntegerField(_("比对对数"), default=0)
    hits = models.PositiveIntegerField(_("命中"), default=0)
    error = models.CharField(_("错误"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量核查")
        verbose_name_plural = _("批量核查")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.source_label}"
