"""公证书: a notarial certificate. It certifies facts about identified persons, so it prints their
full identity numbers (as paper certificates do); the notary signs it and the notary office seals it.
"""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, paragraphs


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    body = Body(title="公证书", number=text(context, "number"))
    for person in context["applicants"]:
        parts = [text(person, "name")]
        for key in ("gender", "birth_date"):
            if text(person, key):
                parts.append(text(person, key))
        identity = KIND.identity_text(text(person, "id_number"))
        if identity:
            parts.append(f"公民身份号码：{identity}")
        body.para(f"{text(person, 'label', '申请人')}：" + "，".join(parts), indent=False)
    body.para(f"公证事项：{text(context, 'matter')}", indent=False)
    for line in paragraphs(context["statement"]):
        body.para(line)
    body.signatures(f"公证员：{text(context, 'notary')}")
    return body


KIND = DocumentKind(
    code="notarial_certificate",
    name="公证书",
    required=("number", "applicants", "applicants[].name", "matter", "statement", "notary"),
    identity=IdentityPolicy.FULL,
    layout=layout,
    description="公证书编号、申请人身份、公证事项、证词、公证员，公证处印章。",
)
