from django.db import models
from django.utils.translation import gettext_lazy as _


class SignerRole(models.TextChoices):
    PARTY = "party", _("当事人")
    AGENT = "agent", _("委托代理人")
    MEDIATOR = "mediator", _("人民调解员")
    RECORDER = "recorder", _("记录人")


class IdentityPolicy(models.TextChoices):
    """How a kind prints resident identity numbers inside its files (never on any page)."""

    FULL = "full", _("完整证件号码")
    MASKED = "masked", _("脱敏证件号码")
    NONE = "none", _("不显示证件号码")
