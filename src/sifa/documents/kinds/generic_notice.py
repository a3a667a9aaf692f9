"""通知书: a plain notice (any service), addressed by name; prints no identity number."""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, paragraphs


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    body = Body(title=text(context, "heading", "通知书"), number=text(context, "number"))
    body.para(f"{text(context, 'recipient')}：", indent=False)
    for line in paragraphs(context["paragraphs"]):
        body.para(line)
    body.para("特此通知。")
    return body


KIND = DocumentKind(
    code="generic_notice",
    name="通知书",
    required=("recipient", "paragraphs"),
    identity=IdentityPolicy.NONE,
    layout=layout,
    description="收件人与正文段落；可用 heading 改写标题（如“补正材料通知书”）。",
)
