"""裁决书 (仲裁法第五十四条): claims, facts, the tribunal's reasoning, the rulings, fees, signatures."""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, cn_number, money, paragraphs


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    from sifa.arbitration.selectors import tribunal_lines

    lines = tribunal_lines(text(context, "number"))
    body = Body(title="裁决书", number=f"（{text(context, 'number')}）")
    claimant = f"申请人：{text(context, 'claimant')}"
    if text(context, "claimant_address"):
        claimant += f"，住所地：{text(context, 'claimant_address')}"
    respondent = f"被申请人：{text(context, 'respondent')}"
    if text(context, "respondent_address"):
        respondent += f"，住所地：{text(context, 'respondent_address')}"
    body.para(claimant + "。", indent=False)
    body.para(respondent + "。", indent=False)
    body.para(
        f"本会根据申请人与被申请人之间的仲裁协议和申请人于{text(context, 'applied_on')}提交的仲裁申请，"
        f"受理了双方之间{text(context, 'cause')}一案。"
        f"本案仲裁庭由{'、'.join(lines)}组成，依法进行了审理。现已审理终结。"
    )
    body.heading("一、仲裁请求")
    body.para(f"请求金额：{money(text(context, 'claim_amount'))}。")
    for line in paragraphs(context["claims"]):
        body.para(line)
    body.heading("二、事实和理由")
    for line in paragraphs(context["facts"]):
        body.para(line)
    body.heading("三、仲裁庭意见")
    for line in paragraphs(context["reasoning"]):
        body.para(line)
    body.heading("四、裁决")
    body.para(
        f"依照《中华人民共和国仲裁法》第五十四条的规定，裁决如下："
        f"被申请人向申请人支付{money(text(context, 'award_amount'))}。"
    )
    for number, ruling in enumerate(paragraphs(context["rulings"]), start=1):
        body.para(f"（{cn_number(number)}）{ruling}")
    body.para(f"仲裁费用负担：{text(context, 'fee_burden')}。")
    body.para("本裁决为终局裁决，自作出之日起发生法律效力（《中华人民共和国仲裁法》第五十七条）。")
    body.signatures(*[f"{line}（签名）" for line in lines])
    return body


KIND = DocumentKind(
    code="arbitration_award",
    name="裁决书",
    required=(
        "number",
        "claimant",
        "respondent",
        "cause",
        "claim_amount",
        "claims",
        "facts",
        "award_amount",
        "reasoning",
        "rulings",
        "fee_burden",
    ),
    identity=IdentityPolicy.NONE,
    layout=layout,
    description="仲裁请求、争议事实、裁决理由、裁决结果、仲裁费用负担和裁决日期；仲裁员署名（取自组庭记录）。",
)
