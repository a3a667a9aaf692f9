"""司法确认申请书: the parties' joint application to the basic-level people's court where the
mediation committee sits to confirm their people's mediation agreement (民事诉讼法第二百零五条,
《最高人民法院关于人民调解协议司法确认程序的若干规定》).

The court needs to identify the applicants, so the file carries their full identity numbers; it is
handed to the parties and the court in the filing package, never shown on a page.
"""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, party_line, text
from sifa.documents.layout import Body, Issuer, money, paragraphs


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    parties = list(context["parties"])
    body = Body(title="司法确认申请书", number=f"编号：{text(context, 'number')}" if text(context, "number") else "")
    for party in parties:
        body.para(party_line(KIND, party, "申请人"), indent=False)
    body.heading("请求事项：")
    body.para(
        f"请求确认申请人于{text(context, 'agreement_date')}经{text(context, 'committee')}主持调解达成的"
        f"人民调解协议（协议验证码：{text(context, 'agreement_code')}）有效。"
    )
    body.heading("事实与理由：")
    for line in paragraphs(context["facts"]):
        body.para(line)
    if text(context, "amount"):
        body.para(f"协议涉及金额：{money(text(context, 'amount'))}。")
    body.para("协议主要内容：", indent=False)
    for line in paragraphs(context["terms"]):
        body.para(line)
    body.para(
        "申请人依照《中华人民共和国民事诉讼法》第二百零五条的规定，自调解协议生效之日起三十日内，"
        f"共同向调解组织所在地基层人民法院即{text(context, 'court')}申请司法确认。"
    )
    body.para(
        "申请人承诺：出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；"
        "如因虚假陈述等原因导致协议被撤销或者被确认无效，愿意承担相应的民事责任和其他法律责任。"
    )
    body.para("此致", indent=False)
    body.para(text(context, "court"), indent=False)
    body.para("附：人民调解协议书一份；材料清单（含各文件 SHA-256 摘要）一份。", indent=False)
    body.signatures(*[f"申请人（签名）：{text(p, 'name')}" for p in parties])
    return body


KIND = DocumentKind(
    code="judicial_confirmation_application",
    name="司法确认申请书",
    required=(
        "parties",
        "parties[].name",
        "court",
        "committee",
        "agreement_date",
        "agreement_code",
        "facts",
        "terms",
    ),
    identity=IdentityPolicy.FULL,
    layout=layout,
    description="共同申请人身份信息、请求确认的调解协议、事实与理由、法律依据与承诺、受理法院。",
)
