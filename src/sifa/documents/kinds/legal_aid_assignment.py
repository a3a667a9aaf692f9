"""指派通知书: the legal-aid centre assigns a law firm (and lawyer) to an aided person's matter.

It goes to the firm, which receives the full file through the case; the notice itself prints the
aided person's identity number masked.
"""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, paragraphs


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    recipient = context["recipient"]
    body = Body(title="指派通知书", number=text(context, "number"))
    body.para(f"{text(context, 'firm')}：", indent=False)
    identity = KIND.identity_text(text(recipient, "id_number"))
    who = text(recipient, "name") + (f"（公民身份号码：{identity}）" if identity else "")
    body.para(
        f"根据《中华人民共和国法律援助法》的规定，本机构决定给予{who}法律援助，"
        f"现指派你单位{text(context, 'lawyer')}律师承办{text(context, 'matter')}。"
    )
    deadline = text(context, "contact_within_days", "5")
    body.para(
        f"请你单位自收到本通知之日起{deadline}个工作日内与受援人签订委托协议，"
        "依法履行法律援助义务，并在案件办结后按规定提交结案材料。"
    )
    for line in paragraphs(context.get("notes")):
        body.para(line)
    body.para("特此通知。")
    return body


KIND = DocumentKind(
    code="legal_aid_assignment",
    name="指派通知书",
    required=("firm", "lawyer", "recipient", "recipient.name", "matter"),
    identity=IdentityPolicy.MASKED,
    layout=layout,
    description="承办单位、承办律师、受援人（证件号码脱敏）、援助事项、办理要求。",
)
