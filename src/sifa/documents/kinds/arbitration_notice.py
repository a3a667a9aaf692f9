"""仲裁通知书 (仲裁法第二十五条): to the respondent, with a copy of the application's claims and facts."""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, money, paragraphs


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    body = Body(title="仲裁通知书", number=f"（{text(context, 'number')}）")
    body.para(f"{text(context, 'respondent')}：", indent=False)
    body.para(
        f"申请人{text(context, 'claimant')}与你（单位）之间{text(context, 'cause')}一案，本会已依法受理。"
        f"根据《中华人民共和国仲裁法》第二十五条的规定，现将仲裁申请书副本（内容如下）、本会仲裁规则和仲裁员名册送达你（单位）。"
    )
    body.heading("仲裁申请书副本")
    body.para(f"申请人：{text(context, 'claimant')}；被申请人：{text(context, 'respondent')}。")
    body.para(f"请求金额：{money(text(context, 'amount'))}。")
    body.heading("仲裁请求：")
    for line in paragraphs(context["claims"]):
        body.para(line)
    body.heading("事实和理由：")
    for line in paragraphs(context["facts"]):
        body.para(line)
    body.para(
        "请你（单位）在收到本通知之日起十五日内向本会提交答辩书，并选定或者委托本会主任指定仲裁员。"
        "被申请人未提交答辩书的，不影响仲裁程序的进行。"
    )
    body.para("特此通知。")
    return body


KIND = DocumentKind(
    code="arbitration_notice",
    name="仲裁通知书",
    required=("number", "claimant", "respondent", "cause", "amount", "claims", "facts"),
    identity=IdentityPolicy.NONE,
    layout=layout,
    description="受理后向被申请人发出，附仲裁申请书副本（仲裁请求、事实和理由）。",
)
