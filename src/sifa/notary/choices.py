from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("网上申请（门户网站）")
    PARTNER = "partner", _("合作方接口（APP、公众号、自助终端等）")
    WINDOW = "window", _("窗口申请")


class MaterialStatus(models.TextChoices):
    UPLOADED = "uploaded", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    CORRECTION = "correction", _("需补正")


class PaymentMethod(models.TextChoices):
    WECHAT = "wechat", _("微信支付")
    ALIPAY = "alipay", _("支付宝")
    UNIONPAY = "unionpay", _("银行卡")
    CASH = "cash", _("现金")


class VisitPurpose(models.TextChoices):
    SUBMIT = "submit", _("递交或核对原件")
    SIGN = "sign", _("当面签字")
    INTERVIEW = "interview", _("询问谈话")
    COLLECT = "collect", _("领取公证书")
    OTHER = "other", _("其他")
