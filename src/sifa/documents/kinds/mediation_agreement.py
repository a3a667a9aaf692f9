"""人民调解协议书, after the Ministry of Justice's people's-mediation document formats.

Parties sign this agreement, so it carries their full identity (name, gender, ethnicity, age,
occupation, contact, identity number, address). It is a contract between the parties; the files are
given to the parties and kept on the case, never shown on a page.
"""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, party_line, text
from sifa.documents.layout import Body, Issuer, cn_number, money, paragraphs

# Who a party is, after the name (人民调解协议书 format).
DETAILS = (("gender", "{}"), ("ethnicity", "{}"), ("age", "{}岁"), ("occupation", "职业或职务：{}"))


def _party(party: Mapping[str, Any]) -> str:
    return party_line(KIND, party, text(party, "label", "当事人"), details=DETAILS, address_label="单位或住址")


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    parties = list(context["parties"])
    body = Body(title="人民调解协议书", number=f"编号：{text(context, 'number')}" if text(context, "number") else "")
    for party in parties:
        body.para(_party(party), indent=False)
    body.heading("纠纷主要事实、争议事项：")
    for line in paragraphs(context["facts"]):
        body.para(line)
    if text(context, "amount"):
        body.para(f"涉及金额：{money(text(context, 'amount'))}。")
    body.heading("经调解，自愿达成如下协议：")
    for number, term in enumerate(paragraphs(context["terms"]), start=1):
        body.para(f"{cn_number(number)}、{term}")
    body.heading("履行方式、时限：")
    for line in paragraphs(context["performance"]):
        body.para(line)
    copies = int(context.get("copies") or len(parties) + 1)
    body.para(
        f"本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。"
        f"本协议书一式{cn_number(copies)}份，当事人、人民调解委员会各持一份。"
    )
    lines = [f"{text(p, 'label', '当事人')}（签名、盖章或按指印）：{text(p, 'name')}" for p in parties]
    lines.append(f"人民调解员（签名）：{text(context, 'mediator')}")
    if text(context, "recorder"):
        lines.append(f"记录人（签名）：{text(context, 'recorder')}")
    body.signatures(*lines)
    return body


KIND = DocumentKind(
    code="mediation_agreement",
    name="人民调解协议书",
    required=("parties", "parties[].name", "facts", "terms", "performance", "mediator"),
    identity=IdentityPolicy.FULL,
    layout=layout,
    description="当事人信息、纠纷事实与争议事项、协议内容、履行方式与时限、当事人与调解员签名、调解委员会印章。",
)
