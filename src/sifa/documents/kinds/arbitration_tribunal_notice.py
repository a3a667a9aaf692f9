"""组庭通知书: names the tribunal, read from the case's tribunal record (formed from the registry)."""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    from sifa.arbitration.selectors import tribunal_lines  # refuses a case without a tribunal record

    lines = tribunal_lines(text(context, "number"))
    body = Body(title="组庭通知书", number=f"（{text(context, 'number')}）")
    body.para(f"{text(context, 'claimant')}、{text(context, 'respondent')}：", indent=False)
    body.para("根据《中华人民共和国仲裁法》第三十条至第三十二条和本会仲裁规则的规定，本案仲裁庭组成如下：")
    for line in lines:
        body.para(line)
    body.para("当事人认为仲裁员有《中华人民共和国仲裁法》第三十四条规定情形的，有权在首次开庭前提出回避申请。")
    body.para("特此通知。")
    return body


KIND = DocumentKind(
    code="arbitration_tribunal_notice",
    name="组庭通知书",
    required=("number", "claimant", "respondent"),
    identity=IdentityPolicy.NONE,
    layout=layout,
    description="仲裁庭组成人员（取自本案组庭记录）与回避权利告知。",
)
