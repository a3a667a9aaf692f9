"""给予法律援助决定书: the centre's decision to grant legal aid, served on the applicant.

It is the applicant's proof of entitlement (shown to courts and other bodies), so it carries their
full identity number.
"""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, paragraphs


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    applicant = context["applicant"]
    body = Body(title="给予法律援助决定书", number=text(context, "number"))
    parts = [text(applicant, "name")]
    if text(applicant, "gender"):
        parts.append(text(applicant, "gender"))
    identity = KIND.identity_text(text(applicant, "id_number"))
    if identity:
        parts.append(f"公民身份号码：{identity}")
    if text(applicant, "address"):
        parts.append(f"住址：{text(applicant, 'address')}")
    body.para("受援人：" + "，".join(parts), indent=False)
    basis = text(context, "legal_basis", "《中华人民共和国法律援助法》第四十一条、第四十三条")
    body.para(
        f"你于{text(context, 'applied_on')}就{text(context, 'matter')}向本机构申请法律援助。"
        f"经审查，你的申请符合法律援助条件。根据{basis}的规定，本机构决定给予你法律援助。"
    )
    body.para(f"法律援助形式：{text(context, 'aid_form', '代理')}。")
    for line in paragraphs(context.get("notes")):
        body.para(line)
    body.para(
        "本机构将依法指派法律援助人员为你提供法律援助。请你如实提供与本事项有关的情况和材料，配合法律援助人员工作。"
    )
    body.para("特此决定。")
    return body


KIND = DocumentKind(
    code="legal_aid_decision",
    name="给予法律援助决定书",
    required=("applicant", "applicant.name", "applied_on", "matter"),
    identity=IdentityPolicy.FULL,
    layout=layout,
    description="受援人身份、申请事项、审查结论与法律依据、援助形式。",
)
