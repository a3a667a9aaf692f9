"""受理通知书 (仲裁法第二十四条): to the claimant; cites the fee receipt, which must be on the case's fee ledger."""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, money


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    from sifa.arbitration.selectors import acceptance_check  # the fee guard, checked again at issue

    state = acceptance_check(text(context, "number"), text(context, "fee_receipt"))
    body = Body(title="受理通知书", number=f"（{text(context, 'number')}）")
    body.para(f"{text(context, 'claimant')}：", indent=False)
    body.para(
        f"你（单位）于{text(context, 'applied_on')}提交的与{text(context, 'respondent')}之间{text(context, 'cause')}"
        f"一案的仲裁申请书及仲裁协议，经审查，符合《中华人民共和国仲裁法》第二十一条规定的受理条件，"
        f"根据《中华人民共和国仲裁法》第二十四条的规定，本会决定予以受理。"
    )
    body.para(f"仲裁请求金额：{money(text(context, 'amount'))}。")
    if state.waived or state.deferred:
        body.para(f"仲裁费用：经批准{state.label}。")
    else:
        body.para(
            f"仲裁费用：已预交案件受理费{money(state.paid - state.refunded)}，票据号{text(context, 'fee_receipt')}。"
        )
    body.para("本会仲裁规则和仲裁员名册一并送达。请在收到本通知之日起十五日内选定或者委托本会主任指定仲裁员。")
    body.para("特此通知。")
    return body


KIND = DocumentKind(
    code="arbitration_acceptance_notice",
    name="受理通知书",
    required=("number", "claimant", "respondent", "cause", "amount", "fee_receipt"),
    identity=IdentityPolicy.NONE,
    layout=layout,
    description="仲裁委员会受理仲裁申请后向申请人发出；载明缴费情况（须与本案缴费记录一致）。",
)
