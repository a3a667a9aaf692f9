from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(
        label=_("上传 PDF 文件核验"),
        help_text=_("选择您收到的 PDF 文书，系统计算其摘要并与登记记录比对；文件不会被保存。"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class VerifyLookupForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"), max_length=20, help_text=_("文书页脚印有 12 位验证码，例如 ABCD-EFGH-JKMN。")
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("将记入审计日志。")
    )
