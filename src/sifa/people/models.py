from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sifa.core.fields import EncryptedTextField


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PersonQuerySet(models.QuerySet["Person"]):
    def within(self, prefix: str) -> "PersonQuerySet":
        return self.filter(division__code__startswith=prefix)


class Person(models.Model):
    """A resident known to the bureau (party, applicant, subject). Identifiers encrypted at rest."""

    name = models.CharField(_("姓名"), max_length=64)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=128, db_index=True)
    name_initials = models.CharField(_("姓名首字母"), max_length=32, db_index=True)
    id_number = EncryptedTextField(_("居民身份证号码"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    address = models.CharField(_("住址"), max_length=255, blank=True)
    division = models.ForeignKey("regions.Division", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~models.Q(id_number_hash=""), name="person_id_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
