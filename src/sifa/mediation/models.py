"""人民调解 rows of its own, linked to the case of the `mediation` service type.

The case (stages, deadlines, handler, rating, follow-up) is the engine's. This app adds what the
flat application form cannot hold: every party with encrypted identifiers (several respondents),
the mediator the applicant chose (点餐式), the sessions (调解记录), the agreement with its signing
invitations, and the judicial-confirmation applications.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifa.core import idnumber, phone
from sifa.core.fields import EncryptedTextField


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class MediationParty(models.Model):
    """One party to the dispute; identifiers encrypted at rest and masked on every page."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="mediation_parties")
    role = models.CharField(_("当事人身份"), max_length=12, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("姓名或名称"), max_length=64)
    id_number = EncryptedTextField(_("居民身份证号码"), blank=True)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consents_to_confirmation = models.BooleanField(_("同意共同申请司法确认"), default=False)
    signature = models.ForeignKey(
        "documents.DocumentSignature", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("调解当事人")
        verbose_name_plural = _("调解当事人")
        ordering = ["case_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="mediationparty_case_position"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.position}"

    @property
    def id_number_masked(self) -> str:
        return idnumber.mask(self.id_number) if self.id_number else ""

    @property
    def phone_masked(self) -> str:
        return phone.mask(self.phone) if self.phone else ""

    @property
    def label(self) -> str:
        return str(self.get_role_display())


class MediationFiling(models.Model):
    """What the filing page adds to the case: the mediator the applicant chose, if any."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="mediation_filing")
    preferred_mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("当事人自选调解员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("调解申请补充信息")
        verbose_name_plural = _("调解申请补充信息")

    def __str__(self) -> str:
        return f"filing {self.case_id}"


class MediationSession(models.Model):
    """One mediation session (调解记录): when, where, who took part, what was said and agreed."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="mediation_sessions")
    held_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("调解地点"), max_length=200)
    participants = models.CharField(_("参加人员"), max_length=500)
    record = models.TextField(_("调解情况"), max_length=8000)
    agreed = models.TextField(_("达成的意见"), blank=True, max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"session {self.case_id} {self.held_at:%Y-%m-%d}"


class MediationAgreement(models.Model):
    """The 人民调解协议书 of a successful mediation; it takes effect when the committee seals it."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="mediation_agreement")
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")
    terms = models.TextField(_("协议内容"))
    performance = models.TextField(_("履行方式、时限"))
    amount = models.DecimalField(_("涉及金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sealed_at = models.DateTimeField(_("盖章生效时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("人民调解协议")
        verbose_name_plural = _("人民调解协议")

    def __str__(self) -> str:
        return f"agreement {self.case_id}"


class SigningInvite(models.Model):
    """An SMS invitation for a respondent to sign: a link token and a one-time code (both hashed)."""

    agreement = models.ForeignKey(MediationAgreement, on_delete=models.CASCADE, related_name="invites")
    party = models.ForeignKey(MediationParty, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("签署邀请")
        verbose_name_plural = _("签署邀请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invite {self.party_id}"


class ConfirmationOutcome(models.TextChoices):
    PENDING = "pending", _("已提交，待法院受理")
    ACCEPTED = "accepted", _("已受理")
    CONFIRMED = "confirmed", _("裁定确认有效")
    DISMISSED = "dismissed", _("驳回申请")


class ConfirmationApplication(models.Model):
    """A joint application for judicial confirmation (司法确认, 民事诉讼法第二百零五条)."""

    agreement = models.ForeignKey(MediationAgreement, on_delete=models.PROTECT, related_name="confirmations")
    court = models.CharField(_("受理法院"), max_length=128)
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")
    referral_id = models.PositiveBigIntegerField(_("转办记录"), null=True, blank=True)
    outcome = models.CharField(
        _("办理状态"), max_length=12, choices=ConfirmationOutcome.choices, default=ConfirmationOutcome.PENDING
    )
    note = models.TextField(_("法院反馈"), blank=True)
    manifest = models.JSONField(_("材料清单"), default=dict)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("司法确认申请")
        verbose_name_plural = _("司法确认申请")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=~Q(outcome="dismissed"),
                name="confirmation_one_open_per_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"confirmation {self.agreement_id}"
