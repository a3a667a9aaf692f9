from django import forms
from django.utils.translation import gettext_lazy as _


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    id_number = forms.CharField(label=_("居民身份证号码"), max_length=32, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    division_code = forms.CharField(
        label=_("所属区划代码"), max_length=16, help_text=_("6 位（县级）、9 位（乡级）或 12 位（村级）区划代码。")
    )
    address = forms.CharField(label=_("住址"), max_length=255, required=False)


class RevealForm(forms.Form):
    purpose = forms.CharField(
        label=_("查看事由"), max_length=200, min_length=4, help_text=_("例如：办理法律援助申请需核对身份。")
    )
