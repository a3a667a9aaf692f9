"""Choices of 仲裁 (A9): registry states, qualification bases, fee records, service methods and results."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArbitratorStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    APPROVED = "approved", _("审核通过（待培训考试）")
    REJECTED = "rejected", _("未通过审核")
    REGISTERED = "registered", _("已聘任")
    EXPIRED = "expired", _("聘期届满")
    REMOVED = "removed", _("已解聘")


class Qualification(models.TextChoices):
    """仲裁法第十三条: the five ways to qualify as an arbitrator."""

    ARBITRATION_WORK = "arbitration_work", _("从事仲裁工作满八年")
    LAWYER = "lawyer", _("从事律师工作满八年")
    JUDGE = "judge", _("曾任法官满八年")
    RESEARCH = "research", _("从事法律研究、教学工作并具有高级职称")
    PROFESSIONAL = "professional", _("具有法律知识、从事经济贸易等专业工作并具有高级职称或者具有同等专业水平")


EIGHT_YEAR_BASES = {Qualification.ARBITRATION_WORK, Qualification.LAWYER, Qualification.JUDGE}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class FeeKind(models.TextChoices):
    ASSESSED = "assessed", _("核定应缴")
    PAID = "paid", _("已缴纳")
    REFUNDED = "refunded", _("已退费")
    WAIVED = "waived", _("免交")
    DEFERRED = "deferred", _("缓交")


class TribunalForm(models.TextChoices):
    SOLE = "sole", _("独任仲裁庭（一名仲裁员）")
    THREE = "three", _("合议仲裁庭（三名仲裁员）")


class MemberRole(models.TextChoices):
    SOLE = "sole", _("独任仲裁员")
    PRESIDING = "presiding", _("首席仲裁员")
    MEMBER = "member", _("仲裁员")


class ChosenBy(models.TextChoices):
    CLAIMANT = "claimant", _("申请人选定")
    RESPONDENT = "respondent", _("被申请人选定")
    JOINT = "joint", _("双方共同选定")
    CHAIRMAN = "chairman", _("仲裁委员会主任指定")


class PartyRole(models.TextChoices):
    CLAIMANT = "claimant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class ServiceMethod(models.TextChoices):
    ELECTRONIC = "electronic", _("电子送达")
    POSTAL = "postal", _("邮寄送达")
    DIRECT = "direct", _("直接送达")
    PUBLIC = "public", _("公告送达")


class ServiceResult(models.TextChoices):
    SIGNED = "signed", _("已签收")
    REFUSED = "refused", _("拒收")
    RETURNED = "returned", _("退回")
    UNDELIVERED = "undelivered", _("未送达")
    READ = "read", _("已阅")
    ANNOUNCED = "announced", _("已公告")


class ServiceStatus(models.TextChoices):
    PENDING = "pending", _("待送达")
    SERVED = "served", _("已送达")


class RiskLevel(models.TextChoices):
    """Level of the E1 litigation-risk score (sifa.risk.litigation.level_of: high >= 60, medium >= 30)."""

    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
