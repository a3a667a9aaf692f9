from django import forms
from django.utils.translation import gettext_lazy as _

from sifa.risk.choices import Agency, Ruling


class LedgerUploadForm(forms.Form):
    agency = forms.ChoiceField(label=_("来源机关"), choices=Agency.choices)
    file = forms.FileField(label=_("台账文件（UTF-8 CSV 或 Excel）"))


class RulingForm(forms.Form):
    ruling = forms.ChoiceField(
        label=_("核查结论"),
        choices=[(Ruling.CONFIRMED, Ruling.CONFIRMED.label), (Ruling.DISMISSED, Ruling.DISMISSED.label)],
    )
    note = forms.CharField(label=_("核查意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
