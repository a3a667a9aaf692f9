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
LITIGATION_CHECK_ROLES = frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR, Role.ANALYST})


class DisputeType(models.TextChoices):
    MARRIAGE_FAMILY = "marriage_family", _("婚姻家庭纠纷")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    LAND = "land", _("土地山林纠纷")
    LABOUR = "labour", _("劳动争议（含欠薪）")
    DEMOLITION = "demolition", _("征地拆迁纠纷")
    CONTRACT = "contract", _("合同债务纠纷")
    MEDICAL = "medical", _("医疗纠纷")
    TRAFFIC = "traffic", _("交通事故纠纷")
    PROPERTY = "property", _("物业纠纷")
    OTHER = "other", _("其他纠纷")


class RiskLevel(models.TextChoices):
    BLUE = "blue", _("低风险（蓝）")
    YELLOW = "yellow", _("一般风险（黄）")
    ORANGE = "orange", _("较高风险（橙）")
    RED = "red", _("高风险（红）")


class AlertKind(models.TextChoices):
    CRIMINAL = "criminal", _("可能民转刑")
    COLLECTIVE = "collective", _("可能引发群体性事件")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    RESPONDED = "responded", _("已处置")


class Outcome(models.TextChoices):
    UNKNOWN = "", _("未结")
    RESOLVED = "resolved", _("化解")
    CRIMINAL = "criminal", _("转为刑事案件")
    COLLECTIVE = "collective", _("引发群体性事件")


class ModelStatus(models.TextChoices):
    CANDIDATE = "candidate", _("待审批")
    APPROVED = "approved", _("已批准使用")
    REJECTED = "rejected", _("未批准")
    RETIRED = "retired", _("已停用")


# Who reports disputes (township judicial offices, mediators), who responds to alerts, who edits rules.
DISPUTE_REPORT_ROLES = frozenset({Role.BUREAU_STAFF, Role.MEDIATOR})
ALERT_RESPOND_ROLES = frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR})
DISPUTE_READ_ROLES = frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR, Role.ANALYST, Role.MEDIATOR})
RULE_EDIT_ROLES = frozenset({Role.BUREAU_STAFF, Role.SUPERVISOR})
MODEL_APPROVE_ROLES = frozenset({Role.SUPERVISOR})
MODEL_TRAIN_ROLES = frozenset({Role.ANALYST, Role.SUPERVISOR})
