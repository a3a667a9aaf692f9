from django import forms
from django.utils.translation import gettext_lazy as _

from sifa.screening.choices import Registry, WarningStatus


class RulingForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("研判结论"),
        choices=[(WarningStatus.CONFIRMED, _("确认违规")), (WarningStatus.DISMISSED, _("排除"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("研判理由"), max_length=255, widget=forms.Textarea(attrs={"rows": 3}))


class RegistryImportForm(forms.Form):
    registry = forms.ChoiceField(label=_("信息库"), choices=Registry.choices)
    division_code = forms.CharField(label=_("所属区划代码"), max_length=12)
    file = forms.FileField(label=_("文件（Excel .xlsx 或 CSV，UTF-8 或 GBK）"))


class LicenceApplicationForm(forms.Form):
    name = forms.CharField(label=_("申请人姓名"), max_length=64)
    id_number = forms.CharField(label=_("居民身份证号码"), max_length=32)
    law_firm = forms.CharField(label=_("拟执业律所"), max_length=128)
    division_code = forms.CharField(label=_("受理区划代码"), max_length=12)


class JobForm(forms.Form):
    kind = forms.ChoiceField(label=_("核查类型"), choices=[])
    source_label = forms.CharField(label=_("比对数据来源（如：市场监管登记 2026年11月）"), max_length=128)
    division_code = forms.CharField(label=_("核查区划代码"), max_length=12)
    file = forms.FileField(label=_("比对数据 CSV（record_id,name,id_number,birth_date,gender，可加 role,entity）"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        from sifa.screening.choices import JobKind

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = JobKind.choices  # type: ignore[attr-defined]
