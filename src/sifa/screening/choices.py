from django.db import models
from django.utils.translation import gettext_lazy as _

from sifa.accounts.choices import Role


class Registry(models.TextChoices):
    """The four databases of the verification system, plus serving officers and lawyers."""

    RETIRED = "retired", _("法院检察院退休人员在律所从业")
    RESIGNED = "resigned", _("法院检察院辞去公职人员在律所从业")
    DEPARTED = "departed", _("其他从法院检察院离任后在律所从业")
    RELATIVE = "relative", _("法院检察院工作人员近亲属在律所从业")
    OFFICER = "officer", _("在职政法干警及近亲属")
    LAWYER = "lawyer", _("律师执业状态")


DEPARTED_REGISTRIES = (Registry.RETIRED, Registry.RESIGNED, Registry.DEPARTED)


class DepartureType(models.TextChoices):
    RETIRED = "retired", _("退休")
    RESIGNED = "resigned", _("辞去公职")
    TRANSFERRED = "transferred", _("调离")
    DISMISSED = "dismissed", _("被辞退或开除")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("配偶")
    PARENT = "parent", _("父母")
    CHILD = "child", _("子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他近亲属")


class LicenceStatus(models.TextChoices):
    PRACTISING = "practising", _("执业")
    SUSPENDED = "suspended", _("停止执业")
    REVOKED = "revoked", _("吊销执业证书")


class WarningSource(models.TextChoices):
    LICENCE = "licence", _("律师执业申请审核")
    CASE = "case", _("代理人、辩护人登记")
    BULK = "bulk", _("批量核查")
    INCREMENTAL = "incremental", _("单人核查")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待研判")
    CONFIRMED = "confirmed", _("确认违规")
    DISMISSED = "dismissed", _("排除")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    CHECKED = "checked", _("已核查")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")


REVIEW_ROLES = frozenset({Role.INTEGRITY_OFFICER})
REGISTRY_ROLES = frozenset({Role.INTEGRITY_OFFICER, Role.BUREAU_STAFF})
LICENCE_ROLES = frozenset({Role.BUREAU_STAFF, Role.INTEGRITY_OFFICER})


class JobKind(models.TextChoices):
    BUSINESS = "business", _("三个违规：干警及近亲属对照市场监管、税务登记")
    MULTI_CERT = "multi_cert", _("一人多证：律师对照其他证照、职务登记")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("比对中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


JOB_WATCH_REGISTRIES = {
    JobKind.BUSINESS: (Registry.OFFICER, Registry.RELATIVE),
    JobKind.MULTI_CERT: (Registry.LAWYER,),
}
