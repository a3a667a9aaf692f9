"""公证书: a notarial certificate. It certifies facts about identified persons, so it prints their
full identity numbers (as paper certificates do); the notary signs it and the notary office seals it.

Context: `number` (（2026）鲁济泉证字第1号), `applicants[]{name, gender, birth_date, id_number, label}`,
`matter` (公证事项, e.g. 出生), `statement` (证词; paragraphs separated by blank lines or a list),
`notary`. A single applicant may also be given as the mapping `applicant{…}` (what a case-engine
definition can build with dotted keys); it counts as `applicants = [applicant]`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer, paragraphs


def _normalised(context: Mapping[str, Any]) -> Mapping[str, Any]:
    if not context.get("applicants") and isinstance(context.get("applicant"), Mapping):
        return {**context, "applicants": [context["applicant"]]}
    return context


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    context = _normalised(context)
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


@dataclass(frozen=True)
class _NotarialKind(DocumentKind):
    def missing(self, context: Mapping[str, Any]) -> list[str]:
        return super().missing(_normalised(context))


KIND = _NotarialKind(
    code="notarial_certificate",
    name="公证书",
    required=("number", "applicants", "applicants[].name", "matter", "statement", "notary"),
    identity=IdentityPolicy.FULL,
    layout=layout,
    description="公证书编号、申请人身份、公证事项、证词、公证员，公证处印章。",
)
