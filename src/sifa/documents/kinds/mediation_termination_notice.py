"""终止调解告知书: the committee tells the applicant that mediation has ended without agreement and
where the dispute may go next (诉讼, 仲裁, 法律援助), 人民调解法第二十六条. Prints no identity number.
"""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, paragraphs


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    body = Body(title="终止调解告知书", number=f"编号：{text(context, 'number')}" if text(context, "number") else "")
    body.para(f"{text(context, 'recipient')}：", indent=False)
    body.para(
        f"你（单位）于{text(context, 'applied_on')}申请调解的与{text(context, 'respondents')}之间的"
        f"{text(context, 'matter')}纠纷，经本委员会调解，未能达成调解协议。"
    )
    for line in paragraphs(context["reason"]):
        body.para(f"调解不成的原因：{line}")
    body.para("依照《中华人民共和国人民调解法》第二十六条的规定，本委员会决定终止调解。")
    body.para(text(context, "next_step"))
    body.para("特此告知。")
    return body


KIND = DocumentKind(
    code="mediation_termination_notice",
    name="终止调解告知书",
    required=("recipient", "respondents", "matter", "reason", "next_step"),
    identity=IdentityPolicy.NONE,
    layout=layout,
    description="申请人、被申请人、纠纷事由、调解不成的原因、终止调解的依据、转办去向（诉讼、仲裁、法律援助）。",
)
