"""Every shipped kind renders its facts; identity numbers are printed full, masked or not at all."""

import re
from typing import Any

import pytest

from sifa.core import idnumber
from sifa.core.errors import SifaError
from sifa.documents.kinds import registry
from sifa.documents.layout import cn_number, rmb_capital
from sifa.documents.services import document_issue
from sifa.documents.tests.conftest import PARTY_A_ID
from sifa.documents.tests.helpers import pdf_text

APPLICANT = {"name": "李秀英", "gender": "女", "id_number": PARTY_A_ID, "address": "济南市历下区文化东路 3 号"}

CASES: dict[str, tuple[dict[str, Any], list[str], str]] = {
    "legal_aid_decision": (
        {
            "applicant": APPLICANT,
            "applied_on": "2026年11月2日",
            "matter": "追索劳动报酬纠纷",
            "number": "济历法援决〔2026〕12号",
        },
        [
            "给予法律援助决定书",
            "济历法援决〔2026〕12号",
            "受援人：李秀英",
            "追索劳动报酬纠纷",
            "本机构决定给予你法律援助",
        ],
        "full",
    ),
    "legal_aid_assignment": (
        {"firm": "山东泉城律师事务所", "lawyer": "孙明", "recipient": APPLICANT, "matter": "追索劳动报酬纠纷一案"},
        ["指派通知书", "山东泉城律师事务所：", "现指派你单位孙明律师承办追索劳动报酬纠纷一案"],
        "masked",
    ),
    "legal_aid_closure": (
        {
            "recipient": "李秀英",
            "handler": "孙明律师",
            "matter": "追索劳动报酬纠纷",
            "closed_on": "2026年12月1日",
            "result": "经调解，用人单位支付工资 8,600.00 元。",
        },
        ["法律援助结案通知", "李秀英：", "已于2026年12月1日办结", "8,600.00 元"],
        "none",
    ),
    "notarial_certificate": (
        {
            "number": "（2026）鲁济历证字第 305 号",
            "applicants": [APPLICANT],
            "matter": "出生",
            "statement": "兹证明李秀英于一九五〇年一月一日在山东省济南市出生。",
            "notary": "周公证",
        },
        ["公证书", "（2026）鲁济历证字第 305 号", "申请人：李秀英", "公证事项：出生", "公证员：周公证"],
        "full",
    ),
    "generic_notice": (
        {"recipient": "李秀英", "heading": "补正材料通知书", "paragraphs": ["请于五个工作日内补正收入证明。"]},
        ["补正材料通知书", "李秀英：", "请于五个工作日内补正收入证明。"],
        "none",
    ),
}


def test_the_documents_apps_own_kinds_are_registered() -> None:
    # Kinds added by a service app (notary, arbitration, mediation …) are tested in that app.
    assert set(CASES) | {"mediation_agreement"} <= set(registry())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(CASES))
def test_kind_renders_its_facts_and_its_identity_policy(kind: str, make_staff: Any) -> None:
    context, expected, policy = CASES[kind]
    document = document_issue(
        actor=make_staff("370102"), kind=kind, title=registry()[kind].name, context=context, division_code="370102"
    )
    text = pdf_text(document.pdf.read())
    for phrase in expected:
        assert phrase in text, phrase
    assert re.search(r"历下区司法局 \d{4}年\d{1,2}月\d{1,2}日", text)  # the issuer (staff organisation), date
    assert (PARTY_A_ID in text) == (policy == "full")
    assert (idnumber.mask(PARTY_A_ID) in text) == (policy == "masked")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(CASES))
def test_kind_refuses_an_empty_context_naming_its_required_fields(kind: str, make_staff: Any) -> None:
    with pytest.raises(SifaError) as caught:
        document_issue(actor=make_staff("370102"), kind=kind, title="", context={}, division_code="370102")
    top_level = list(dict.fromkeys(spec.split(".")[0].split("[")[0] for spec in registry()[kind].required))
    assert caught.value.details["missing"] == top_level or set(caught.value.details["missing"]) >= set(top_level)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("105.5", "壹佰零伍元伍角整"),
        ("1005.07", "壹仟零伍元零柒分"),
        ("12345.60", "壹万贰仟叁佰肆拾伍元陆角整"),
        ("100000", "壹拾万元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("1002000", "壹佰万贰仟元整"),
        ("100000000", "壹亿元整"),
        ("120000300", "壹亿贰仟万零叁佰元整"),
    ],
)
def test_rmb_capital(amount: str, words: str) -> None:
    assert rmb_capital(amount) == words


def test_cn_number() -> None:
    assert [cn_number(n) for n in (1, 3, 10, 11, 20, 23, 99)] == ["一", "三", "十", "十一", "二十", "二十三", "九十九"]
