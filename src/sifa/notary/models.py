"""Notarization (A8) beyond the case engine: channel, material checklist, identity checks, fee,
certificate numbers and in-person visits ("最多跑一次"). The case itself is a `cases.Case` of the
service type `notarization` (definitions/notarization.toml)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifa.notary.choices import Channel, MaterialStatus, PaymentMethod, VisitPurpose


class Application(models.Model):
    """How a notarization case came in (channel, partner) and which office it asked for."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="notary_application")
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices)
    partner = models.CharField(_("合作方"), max_length=64, blank=True)
    office = models.ForeignKey(
        "regions.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter_code = models.CharField(_("公证事项"), max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    # 点餐式 (A13): the notary the applicant chose, and why the office assigned someone else.
    preferred_notary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人选择的公证员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_reason = models.CharField(_("未按选择指派的理由"), max_length=500, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("公证申请渠道")
        verbose_name_plural = _("公证申请渠道")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.channel}"


def _material_path(instance: "Material", filename: str) -> str:
    return f"notary/{instance.case_id}/{instance.item}-{instance.sha256[:16]}.{instance.kind}"


class Material(models.Model):
    """One checklist item of a case: the latest file uploaded for it and the notary's review."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notary_materials")
    item = models.CharField(_("材料项"), max_length=32)
    item_name = models.CharField(_("材料名称"), max_length=64)
    status = models.CharField(_("审核状态"), max_length=16, choices=MaterialStatus.choices)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_material_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("公证材料")
        verbose_name_plural = _("公证材料")
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="notary_material_one_per_item")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.item}"


class IdentityCheck(models.Model):
    """One identity check through the configured adapter. The number is kept masked plus a keyed
    hash (to tell which number was checked), never in full."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notary_identity_checks")
    name = models.CharField(_("姓名"), max_length=64)
    id_masked = models.CharField(_("身份证号码（遮蔽）"), max_length=32)
    id_hash = models.CharField(max_length=64)
    matched = models.BooleanField(_("核验一致"))
    source = models.CharField(_("数据来源"), max_length=100)
    detail = models.CharField(_("核验结果说明"), max_length=200)
    checked_at = models.DateTimeField(_("核验时间"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("身份核验记录")
        verbose_name_plural = _("身份核验记录")
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.matched}"


class FeeRecord(models.Model):
    """The fee of a case, computed from the fee table and recorded when paid (one per case)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="notary_fee")
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    basis = models.CharField(_("收费依据"), max_length=200)
    payment_method = models.CharField(_("支付方式"), max_length=16, choices=PaymentMethod.choices)
    receipt_number = models.CharField(_("票据号码"), max_length=40, unique=True)
    paid_at = models.DateTimeField(_("缴费时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("公证收费记录")
        verbose_name_plural = _("公证收费记录")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="notary_fee_not_negative")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.amount}"


class CertificateCounter(models.Model):
    """The last certificate serial of an office in a year; locked while a certificate is issued so
    numbers are gapless (a failed issue rolls its increment back)."""

    office = models.ForeignKey("regions.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="notary_counter_office_year")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class Certificate(models.Model):
    """A notarial certificate issued for a case: its official number and verification code."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="notary_certificate")
    office = models.ForeignKey("regions.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(_("公证书编号"), max_length=64, unique=True)
    document_code = models.CharField(_("验证码"), max_length=16)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("公证书")
        verbose_name_plural = _("公证书")
        constraints = [models.UniqueConstraint(fields=["office", "year", "serial"], name="notary_certificate_serial")]

    def __str__(self) -> str:
        return self.number


class Visit(models.Model):
    """An in-person visit of the applicant to the office ("最多跑一次": a second one needs a reason)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notary_visits")
    visited_on = models.DateField(_("到场日期"))
    purpose = models.CharField(_("事由"), max_length=16, choices=VisitPurpose.choices)
    reason = models.CharField(_("再次到场的原因"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("当事人到场记录")
        verbose_name_plural = _("当事人到场记录")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.visited_on}"


class NotaryProfile(models.Model):
    """What an applicant choosing a notary may read about them beyond name and office (A13)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notary_profile")
    practising_since = models.PositiveSmallIntegerField(_("首次执业年份"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("公证员执业信息")
        verbose_name_plural = _("公证员执业信息")
        constraints = [
            models.CheckConstraint(
                condition=Q(practising_since__gte=1950, practising_since__lte=2100), name="notaryprofile_since"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.practising_since}"
