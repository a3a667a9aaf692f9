from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifa.accounts.choices import ADMIN_ROLES, AccountKind, Role
from sifa.core.fields import EncryptedTextField


class SifaUserManager(UserManager["User"]):
    def staff(self) -> "models.QuerySet[User]":
        return self.filter(kind=AccountKind.STAFF)


class User(AbstractUser):
    """A staff member (belongs to an organisation) or a citizen (logs in by phone + SMS code)."""

    kind = models.CharField(_("账号类型"), max_length=16, choices=AccountKind.choices, default=AccountKind.STAFF)
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    organisation = models.ForeignKey(
        "regions.Organisation", verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT
    )
    phone = EncryptedTextField(_("手机号码"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)

    objects = SifaUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AccountKind.CITIZEN, organisation__isnull=True)
                | Q(kind=AccountKind.STAFF, organisation__isnull=False)
                | Q(is_superuser=True),
                name="user_staff_has_organisation",
            ),
            models.UniqueConstraint(
                fields=["phone_hash"],
                condition=Q(kind=AccountKind.CITIZEN) & ~Q(phone_hash=""),
                name="user_citizen_phone_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_citizen(self) -> bool:
        return self.kind == AccountKind.CITIZEN

    @property
    def role_set(self) -> frozenset[str]:
        cached: Any = getattr(self, "_role_set", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_set = cached
        return frozenset(cached)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def scope_prefix(self) -> str | None:
        """The division-code prefix of everything this staff user may see; None for citizens."""
        if self.organisation_id is None:
            return None
        return self.organisation.scope_prefix  # type: ignore[union-attr]


class RoleGrant(models.Model):
    """One role held by one user. The three administrator roles are exclusive (database constraint)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授予")
        verbose_name_plural = _("角色授予")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role__in=ADMIN_ROLES), name="rolegrant_one_admin_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class SmsCode(models.Model):
    """A one-time login code sent to a phone; stored hashed, single use, short-lived."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"SMS code {self.pk}"


class ApiToken(models.Model):
    """A machine token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return self.name
