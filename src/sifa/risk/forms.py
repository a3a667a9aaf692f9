from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifa.risk.choices import Agency, AlertKind, DisputeType, Ruling


class LedgerUploadForm(forms.Form):
    agency = forms.ChoiceField(label=_("来源机关"), choices=Agency.choices)
    file = forms.FileField(label=_("台账文件（UTF-8 CSV 或 Excel）"))


class RulingForm(forms.Form):
    ruling = forms.ChoiceField(
        label=_("核查结论"),
        choices=[(Ruling.CONFIRMED, Ruling.CONFIRMED.label), (Ruling.DISMISSED, Ruling.DISMISSED.label)],
    )
    note = forms.CharField(label=_("核查意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DisputeForm(forms.Form):
    division_code = forms.ChoiceField(label=_("发生地（乡镇/村）"))
    type = forms.ChoiceField(label=_("纠纷类型"), choices=DisputeType.choices)
    reported_on = forms.DateField(label=_("排查上报日期"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("纠纷情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    amount = forms.DecimalField(label=_("涉及金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2)
    parties_count = forms.IntegerField(label=_("涉及人数"), min_value=1, initial=2)
    vulnerable_parties = forms.IntegerField(label=_("弱势当事人人数（老幼病残孕）"), min_value=0, initial=0)
    repeat_reports = forms.IntegerField(label=_("重复上报次数"), min_value=0, initial=0)
    failed_mediations = forms.IntegerField(label=_("调解失败次数"), min_value=0, initial=0)

    def __init__(self, *args: Any, divisions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = divisions  # type: ignore[attr-defined]


class AlertResponseForm(forms.Form):
    response = forms.CharField(label=_("处置情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class AlertRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("预警类别"), choices=AlertKind.choices)
    dispute_type = forms.ChoiceField(
        label=_("纠纷类型"), choices=[("", _("全部类型")), *DisputeType.choices], required=False
    )
    advice = forms.CharField(label=_("处置建议"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ModelDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批结论"), choices=[("approve", _("批准使用（替代规则评分）")), ("reject", _("不批准"))]
    )
    note = forms.CharField(label=_("审批意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LitigationCheckForm(forms.Form):
    cases = forms.FileField(label=_("案件文件（cases.csv 或 Excel）"))
    parties = forms.FileField(label=_("当事人文件（parties.csv 或 Excel）"))
    since = forms.DateField(
        label=_("只看该日期及以后立案的案件（可不填）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
