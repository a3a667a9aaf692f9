"""法律援助结案通知: the aided person is told that their legal-aid matter is closed, and how.

Addressed to the aided person by name; no identity number is needed, so none is printed.
"""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, paragraphs


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    body = Body(title="法律援助结案通知", number=text(context, "number"))
    body.para(f"{text(context, 'recipient')}：", indent=False)
    body.para(
        f"本机构指派{text(context, 'handler')}为你承办的{text(context, 'matter')}法律援助事项，"
        f"已于{text(context, 'closed_on')}办结。"
    )
    body.para(f"办理结果：{text(context, 'result')}")
    for line in paragraphs(context.get("notes")):
        body.para(line)
    body.para("如对法律援助服务有意见或建议，可通过本平台评价，或拨打公共法律服务热线 12348 反映。")
    body.para("特此通知。")
    return body


KIND = DocumentKind(
    code="legal_aid_closure",
    name="法律援助结案通知",
    required=("recipient", "handler", "matter", "closed_on", "result"),
    identity=IdentityPolicy.NONE,
    layout=layout,
    description="受援人、承办人员、援助事项、办结日期与结果。",
)
