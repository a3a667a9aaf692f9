"""Issued documents (DOCX + PDF, hashed and signed) and the parties' signatures on them.

A `Document` row holds no personal data: names and identity numbers live only inside the two
files. What the row keeps (kind, title, issuer, hashes, signature) is what the public verification
page may show.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sifa.documents.choices import SignerRole
from sifa.regions.models import Division, Organisation


def _upload_to(instance: "Document", filename: str) -> str:
    # documents/2026/11/ABCD2345EFGH.pdf: the code is unique, so a name never collides.
    return f"documents/{instance.issued_at:%Y/%m}/{filename}"


class DocumentQuerySet(models.QuerySet["Document"]):
    def active(self) -> "DocumentQuerySet":
        return self.filter(revoked_at__isnull=True)


class Document(models.Model):
    """One issued document: the rendered files, their SHA-256, and an Ed25519 signature over the PDF hash."""

    kind = models.CharField(_("文书种类"), max_length=64)
    title = models.CharField(_("标题"), max_length=200)
    code = models.CharField(_("验证码"), max_length=16, unique=True)
    sha256_pdf = models.CharField(_("PDF 摘要（SHA-256）"), max_length=64)
    sha256_docx = models.CharField(_("DOCX 摘要（SHA-256）"), max_length=64)
    signature = models.CharField(_("签名（Ed25519，Base64）"), max_length=100)
    key_id = models.CharField(_("公钥指纹"), max_length=64)
    division = models.ForeignKey(Division, verbose_name=_("所属区划"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("出具机构"), null=True, blank=True, on_delete=models.PROTECT
    )
    issuer_name = models.CharField(_("出具机构名称"), max_length=128)
    case_ref = models.CharField(_("案件编号"), max_length=64, blank=True, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出具人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("出具时间"))
    pdf = models.FileField(_("PDF 文件"), upload_to=_upload_to, max_length=200)
    docx = models.FileField(_("DOCX 文件"), upload_to=_upload_to, max_length=200)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销理由"), max_length=500, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering: ClassVar = ["-issued_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["division", "-issued_at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_reason="")
                | models.Q(revoked_at__isnull=False) & ~models.Q(revoked_reason=""),
                name="document_revoked_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.code}）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def verify_url(self) -> str:
        from sifa.documents.codes import verify_url

        return verify_url(self.code)


class DocumentSignature(models.Model):
    """A party's (or mediator's) signature on a document, bound to the PDF hash it was given.

    When the document is reissued with a new hash, signatures over the old hash no longer count:
    `is_valid_for(document)` compares the hash, and the Ed25519 countersignature binds the signer's
    name, role, phone check and time to that hash so the row cannot be edited unnoticed.
    """

    document = models.ForeignKey(Document, verbose_name=_("文书"), on_delete=models.PROTECT, related_name="signatures")
    signer_name = models.CharField(_("签名人"), max_length=64)
    signer_role = models.CharField(_("签名身份"), max_length=32, choices=SignerRole.choices)
    phone_verified = models.BooleanField(_("手机号已验证"), default=False)
    sha256_pdf = models.CharField(_("所签 PDF 摘要"), max_length=64)
    signed_at = models.DateTimeField(_("签名时间"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seal = models.CharField(_("平台签名（Ed25519，Base64）"), max_length=100)

    class Meta:
        verbose_name = _("文书签名")
        verbose_name_plural = _("文书签名")
        ordering: ClassVar = ["signed_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["document", "sha256_pdf", "signer_name", "signer_role"], name="documentsignature_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signer_name}（{self.get_signer_role_display()}）"
