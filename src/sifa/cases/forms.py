"""Django forms built from definition fields: the guided application form and transition forms.

The form only collects raw values and shows errors; typed validation is the engine's
(`definitions.clean_fields`), so the page, the API and the CLI refuse the same inputs the same way.
"""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifa.cases.definitions import FieldSpec
from sifa.cases.models import ReferralKind, ReferralStatus
from sifa.core.forms import add_errors
from sifa.regions.choices import DivisionLevel
from sifa.regions.models import Division, Organisation

__all__ = ["FollowUpForm", "RatingForm", "ReferralForm", "ReferralUpdateForm", "SpecForm", "add_errors", "field_for"]


def _division_choices(organisation_kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """Counties and townships an organisation that handles this service covers: its own county or
    township, or every county of its city (a city-level arbitration commission)."""
    handling = Organisation.objects.filter(kind__in=organisation_kinds)
    local = handling.filter(division__level__gte=DivisionLevel.COUNTY).values("division_id")
    cities = handling.filter(division__level=DivisionLevel.CITY).values("division_id")
    divisions = Division.objects.filter(Q(code__in=local) | Q(parent_id__in=cities, level=DivisionLevel.COUNTY))
    return [("", "请选择")] + [(d.code, d.name) for d in divisions.order_by("code")]


def field_for(spec: FieldSpec, organisation_kinds: tuple[str, ...] = ()) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "required": spec.required, "help_text": spec.help}
    if spec.type == "choice":
        return forms.ChoiceField(choices=[(c, c) for c in spec.choices], widget=forms.RadioSelect, **common)
    if spec.type == "division":
        return forms.ChoiceField(choices=_division_choices(organisation_kinds), **common)
    if spec.type == "bool":
        return forms.BooleanField(**common)
    if spec.type == "file":
        return forms.FileField(**common)
    if spec.type == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.type == "money":
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), max_length=20, **common)
    if spec.type in ("id_number", "phone"):
        mode = "numeric" if spec.type == "phone" else "text"
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off"}), max_length=32, **common
        )
    widget = forms.Textarea(attrs={"rows": 4}) if spec.max_length > 200 else forms.TextInput()
    return forms.CharField(widget=widget, max_length=spec.max_length, **common)


class SpecForm(forms.Form):
    """A form with one field per definition field (plus any extra fields given)."""

    def __init__(
        self, specs: tuple[FieldSpec, ...], *args: Any, organisation_kinds: tuple[str, ...] = (), **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.specs = specs
        for spec in specs:
            self.fields[spec.name] = field_for(spec, organisation_kinds)

    def raw_data(self) -> dict[str, Any]:
        """Raw text of the non-file fields (the engine validates types)."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            value = self.data.get(self.add_prefix(spec.name), "")
            if spec.type == "bool":
                out[spec.name] = "true" if value in ("on", "true", "1") else ""
            elif spec.type != "file":
                out[spec.name] = value
        return out

    def file_data(self) -> dict[str, Any]:
        names = {spec.name: self.add_prefix(spec.name) for spec in self.specs if spec.type == "file"}
        return {name: self.files[key] for name, key in names.items() if key in self.files}


class RatingForm(forms.Form):
    score = forms.ChoiceField(
        label=_("您对本次服务满意吗？"),
        choices=[("satisfied", _("满意")), ("basic", _("基本满意")), ("unsatisfied", _("不满意"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("意见和建议（可不填）"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(forms.Form):
    outcome = forms.CharField(label=_("回访结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("转办类别"), choices=ReferralKind.choices)
    authority = forms.CharField(label=_("接收单位"), max_length=128)
    reason = forms.CharField(label=_("转办理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("反馈状态"), choices=[c for c in ReferralStatus.choices if c[0] != "sent"])
    note = forms.CharField(label=_("反馈说明"), required=False, max_length=2000)
