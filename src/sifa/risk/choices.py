from django.db import models
from django.utils.translation import gettext_lazy as _

from sifa.accounts.choices import Role


class Agency(models.TextChoices):
    POLICE = "police", _("公安机关")
    PROCURATORATE = "procuratorate", _("人民检察院")
    COURT = "court", _("人民法院")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("比对中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class DiscrepancyType(models.TextChoices):
    MISSING_IN_PROCURATORATE = "missing_in_procuratorate", _("已移送未受理（检察院缺失）")
    MISSING_IN_COURT = "missing_in_court", _("已起诉未受理（法院缺失）")
    NO_UPSTREAM = "no_upstream", _("上游案件不存在")
    PERSON_MISMATCH = "person_mismatch", _("当事人不一致")
    CHARGE_MISMATCH = "charge_mismatch", _("罪名不一致")
    DATE_ORDER = "date_order", _("日期顺序倒置")
    OVERDUE = "overdue", _("超过法定期限")
    DUPLICATE = "duplicate", _("重复登记")


class Ruling(models.TextChoices):
    OPEN = "open", _("待核查")
    CONFIRMED = "confirmed", _("确认问题")
    DISMISSED = "dismissed", _("排除（有合理解释）")


# Who pushes ledgers (bureau staff collecting them from the three agencies) and who rules on them.
LEDGER_PUSH_ROLES = frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR})
SUPERVISION_ROLES = frozenset({Role.SUPERVISOR})
