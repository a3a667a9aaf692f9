from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from sifa.regions.choices import PREFIX_LENGTH, DivisionLevel, OrganisationKind


class DivisionQuerySet(models.QuerySet["Division"]):
    def within(self, prefix: str) -> "DivisionQuerySet":
        return self.filter(code__startswith=prefix)


class Division(models.Model):
    """An administrative division (GB/T 2260 code; 9-digit townships, 12-digit villages).

    A division's `prefix` is the part of its code shared by everything beneath it.
    """

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering: ClassVar = ["code"]
        indexes: ClassVar = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[DivisionLevel(self.level)]]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def within(self, prefix: str) -> "OrganisationQuerySet":
        return self.filter(division__code__startswith=prefix)


class Organisation(models.Model):
    """A judicial bureau, judicial office, legal-aid centre, firm, committee … placed in a division."""

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=32, choices=OrganisationKind.choices)
    division = models.ForeignKey(Division, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    public_phone = models.CharField(_("对外电话"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering: ClassVar = ["division_id", "name"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["division", "name"], name="organisation_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_prefix(self) -> str:
        return self.division.prefix
