from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    STAFF = "staff", _("工作人员")
    CITIZEN = "citizen", _("群众")


class Role(models.TextChoices):
    CITIZEN = "citizen", _("群众")
    MEDIATOR = "mediator", _("人民调解员")
    LAWYER = "lawyer", _("律师")
    NOTARY = "notary", _("公证员")
    ARBITRATOR = "arbitrator", _("仲裁员")
    ARBITRATION_STAFF = "arbitration_staff", _("仲裁工作人员")
    APPRAISER = "appraiser", _("司法鉴定人")
    LEGAL_AID_OFFICER = "legal_aid_officer", _("法律援助工作人员")
    BUREAU_STAFF = "bureau_staff", _("司法行政工作人员")
    SUPERVISOR = "supervisor", _("监督人员")
    INTEGRITY_OFFICER = "integrity_officer", _("廉政核查人员")
    ANALYST = "analyst", _("数据分析人员")
    AUDITOR = "auditor", _("审计管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


# MLPS level 3 (等保三级) "three administrators": no account holds two of these.
ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)

# Roles that see full resident ID and phone numbers (through the logged reveal action).
REVEAL_ROLES = frozenset(
    {Role.MEDIATOR, Role.LAWYER, Role.NOTARY, Role.LEGAL_AID_OFFICER, Role.BUREAU_STAFF, Role.INTEGRITY_OFFICER}
)

# Roles that register and update person records, and those that may read them, in their data scope.
PERSON_WRITE_ROLES = REVEAL_ROLES
PERSON_READ_ROLES = REVEAL_ROLES | {Role.SUPERVISOR, Role.ANALYST}
