"""The worker's guided form, in plain words and clear sections (typed checks are the services')."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifa.regions.choices import DivisionLevel, OrganisationKind
from sifa.regions.models import Division, Organisation
from sifa.regions.selectors import division_full_name, division_paths

YES_NO = [("有", _("有")), ("没有", _("没有"))]
STILL = [("是", _("是，还在干")), ("否", _("否，已经不干了"))]


def county_choices() -> list[Any]:
    """Counties of the provinces served here (a province-level judicial bureau exists), by city."""
    provinces = Organisation.objects.filter(
        kind=OrganisationKind.JUDICIAL_BUREAU, division__level=DivisionLevel.PROVINCE
    ).values_list("division_id", flat=True)
    groups: list[Any] = [("", _("请选择"))]
    for province in sorted(set(provinces)):
        counties = list(
            Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith=province[:2]).order_by("code")
        )
        paths = division_paths(counties)
        by_city: dict[str, list[tuple[str, str]]] = {}
        for county in counties:
            path = paths[county.code]
            city = division_full_name(path[-1], path[:-1]) if path else ""
            by_city.setdefault(city, []).append((county.code, county.name))
        groups += list(by_city.items())
    return groups


def _text(label: Any, max_length: int, **kw: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, **kw)


class WageForm(forms.Form):
    # 1 about you
    applicant_name = _text(_("您的姓名"), 64)
    id_number = _text(
        _("居民身份证号码"), 32, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"})
    )
    phone = _text(_("手机号码"), 32, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}))
    # 2 who owes you
    employer_name = _text(_("欠钱的单位或老板"), 128, help_text=_("写公司名称或包工头的姓名。"))
    employer_credit_code = _text(
        _("统一社会信用代码（不知道可以不填）"),
        32,
        required=False,
        help_text=_("营业执照上的 18 位代码。"),
    )
    # 3 where you worked
    project_name = _text(_("工程项目名称"), 128, help_text=_("如：某某小区 3 号楼工程。"))
    division = forms.ChoiceField(label=_("干活的地方在哪个区县"), choices=())
    # 4 how much and how long
    amount_owed = _text(
        _("被欠了多少工资（元）"), 20, widget=forms.TextInput(attrs={"inputmode": "decimal"}), help_text=_("如 12000")
    )
    period_start = _text(
        _("从哪个月开始欠"), 10, widget=forms.TextInput(attrs={"type": "month"}), help_text=_("如 2026-03")
    )
    period_end = _text(_("欠到哪个月"), 10, widget=forms.TextInput(attrs={"type": "month"}), help_text=_("如 2026-06"))
    workers_affected = _text(
        _("一起被欠薪的有几个人（包括您自己）"), 6, widget=forms.TextInput(attrs={"inputmode": "numeric"}), initial="1"
    )
    # 5 what proof you have
    has_contract = forms.ChoiceField(label=_("签过书面劳动合同吗"), choices=YES_NO, widget=forms.RadioSelect)
    has_records = forms.ChoiceField(label=_("有工资条、考勤记录或工友证明吗"), choices=YES_NO, widget=forms.RadioSelect)
    has_iou = forms.ChoiceField(label=_("老板写过欠条或工资结算单吗"), choices=YES_NO, widget=forms.RadioSelect)
    still_working = forms.ChoiceField(label=_("现在还在这个工地或单位干活吗"), choices=STILL, widget=forms.RadioSelect)
    evidence = forms.FileField(
        label=_("证据材料（可不上传）"), required=False, help_text=_("合同、工资条、考勤表、欠条的照片或 PDF。")
    )
    facts = _text(_("还想说的情况（可不填）"), 2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    SECTIONS = (
        (_("第一步：您是谁"), ("applicant_name", "id_number", "phone")),
        (_("第二步：谁欠您的钱"), ("employer_name", "employer_credit_code")),
        (_("第三步：在哪里干活"), ("project_name", "division")),
        (_("第四步：欠了多少、多久"), ("amount_owed", "period_start", "period_end", "workers_affected")),
        (_("第五步：手上有什么证据"), ("has_contract", "has_records", "has_iou", "still_working", "evidence", "facts")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = county_choices()  # type: ignore[attr-defined]

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def raw_data(self) -> dict[str, Any]:
        return {name: self.data.get(name, "") for name in self.fields if name != "evidence"}


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label=_("我确认以上情况属实，申请法律援助（请求支付劳动报酬）；如有虚假愿承担法律责任。"), required=True
    )


class ForwardForm(forms.Form):
    opinion = forms.CharField(
        label=_("核实意见"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="经电话核实，情况基本属实。",
    )


class FeedbackForm(forms.Form):
    status = forms.ChoiceField(
        label=_("监察机构反馈"),
        choices=[
            ("received", _("已接收")),
            ("accepted", _("已受理")),
            ("declined", _("不予受理")),
            ("done", _("已办结")),
        ],
    )
    note = forms.CharField(label=_("反馈情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(
        label=_("办理结果（办结时填）"),
        required=False,
        choices=[("", "—")] + [(o, o) for o in ("已追回全部欠薪", "已追回部分欠薪", "转入仲裁或诉讼", "求助人撤回")],
    )
    amount_recovered = forms.CharField(
        label=_("追回金额（元，办结时填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
