"""开庭通知书 (仲裁法第四十一条): date and place of the hearing, sent to both parties."""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    from sifa.arbitration.selectors import tribunal_lines

    lines = tribunal_lines(text(context, "number"))
    body = Body(title="开庭通知书", number=f"（{text(context, 'number')}）")
    body.para(f"{text(context, 'claimant')}、{text(context, 'respondent')}：", indent=False)
    body.para(
        f"你们之间{text(context, 'cause')}一案，仲裁庭定于{text(context, 'hearing_at')}"
        f"在{text(context, 'hearing_place')}开庭审理。"
    )
    body.para("仲裁庭：" + "，".join(lines) + "。")
    body.para(
        "请准时到庭。申请人经书面通知，无正当理由不到庭的，可以视为撤回仲裁申请；"
        "被申请人经书面通知，无正当理由不到庭的，可以缺席裁决（《中华人民共和国仲裁法》第四十二条）。"
    )
    body.para("特此通知。")
    return body


KIND = DocumentKind(
    code="arbitration_hearing_notice",
    name="开庭通知书",
    required=("number", "claimant", "respondent", "cause", "hearing_at", "hearing_place"),
    identity=IdentityPolicy.NONE,
    layout=layout,
    description="开庭时间、地点、仲裁庭组成和不到庭的后果。",
)
