"""送达回证: what was served on whom, how, when, and who signed (or that the party opened it online)."""

from collections.abc import Mapping
from typing import Any

from sifa.documents.choices import IdentityPolicy
from sifa.documents.kinds import DocumentKind, text
from sifa.documents.layout import Body, Issuer


def layout(context: Mapping[str, Any], issuer: Issuer) -> Body:
    body = Body(title="送达回证", number=f"（{text(context, 'number')}）")
    rows = [
        ("案号", text(context, "number")),
        ("送达文书", text(context, "document")),
        ("受送达人", f"{text(context, 'party')}（{text(context, 'party_role')}）"),
        ("送达方式", text(context, "method")),
        ("送达地址", text(context, "address")),
        ("邮件号", text(context, "tracking_number")),
        ("送达结果", text(context, "result")),
        ("送达时间", text(context, "served_at")),
        ("签收人", text(context, "signed_by")),
        ("备注", text(context, "note")),
    ]
    for label, value in rows:
        if value:
            body.para(f"{label}：{value}", indent=False)
    body.signatures(
        f"受送达人（签名或盖章）：{text(context, 'signed_by') or text(context, 'party')}", "送达人（签名）："
    )
    return body


KIND = DocumentKind(
    code="arbitration_service_receipt",
    name="送达回证",
    required=("number", "document", "party", "party_role", "method", "result", "served_at"),
    identity=IdentityPolicy.NONE,
    layout=layout,
    description="送达文书、受送达人、送达方式、时间、结果和签收人；电子送达记录当事人查阅时间。",
)
