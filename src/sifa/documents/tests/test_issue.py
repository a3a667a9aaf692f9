"""document_issue: rendering (PDF text, DOCX text), hashes, signature, storage, audit, errors, scope."""

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.core import crypto
from sifa.core.errors import ErrorCode, SifaError
from sifa.documents import offline
from sifa.documents.models import Document
from sifa.documents.services import document_issue
from sifa.documents.tests.conftest import PARTY_A_ID, PARTY_B_ID
from sifa.documents.tests.helpers import docx_text, pdf_text

pytestmark = pytest.mark.django_db


def _issue(actor: Any, context: dict[str, Any], **kwargs: Any) -> Document:
    params = {"kind": "mediation_agreement", "title": "人民调解协议书", "division_code": "370102001"}
    params.update(kwargs)
    return document_issue(actor=actor, context=context, **params)


def _media_files(settings: Any) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_agreement_pdf_and_docx_say_what_the_context_says(make_staff: Any, agreement_context: dict[str, Any]) -> None:
    staff = make_staff("370102", roles=(Role.MEDIATOR,))

    document = _issue(staff, agreement_context, case_ref="MED-2026-0001")

    pdf = pdf_text(document.pdf.read())
    for expected in (
        "人民调解协议书",
        "编号：历下调〔2026〕第18号",
        "甲方：王建国，男，汉族，46岁",
        "乙方：李秀英，女，汉族，76岁",
        f"公民身份号码：{PARTY_B_ID}",
        f"公民身份号码：{PARTY_A_ID}",
        "纠纷主要事实、争议事项：",
        "涉及金额：人民币12,345.60元（大写：壹万贰仟叁佰肆拾伍元陆角整）",
        "经调解，自愿达成如下协议：",
        "一、甲方向乙方支付维修费用人民币 12,345.60 元。",
        "二、双方就本纠纷再无其他争议。",
        "履行方式、时限：",
        "本协议书一式三份，当事人、人民调解委员会各持一份。",
        "人民调解员（签名）：赵调解",
        "济南市历下区解放路街道人民调解委员会",
        f"验证码：{document.code[:4]}-{document.code[4:8]}-{document.code[8:]}",
        f"核验地址：http://127.0.0.1:8000/verify/{document.code}",
    ):
        assert expected in pdf, expected
    word = docx_text(document.docx.read())
    for expected in ("人民调解协议书", "王建国", "李秀英", PARTY_A_ID, "壹万贰仟叁佰肆拾伍元陆角整", "赵调解"):
        assert expected in word, expected
    assert f"/verify/{document.code}" in word


def test_issue_stores_hashes_signature_and_the_audit_entry(make_staff: Any, agreement_context: dict[str, Any]) -> None:
    staff = make_staff("370102", roles=(Role.MEDIATOR,))
    before = AuditEntry.objects.count()

    document = _issue(staff, agreement_context, case_ref="MED-2026-0001")

    pdf_bytes, docx_bytes = document.pdf.read(), document.docx.read()
    assert pdf_bytes.startswith(b"%PDF-")
    assert document.sha256_pdf == hashlib.sha256(pdf_bytes).hexdigest()
    assert document.sha256_docx == hashlib.sha256(docx_bytes).hexdigest()
    assert document.key_id == hashlib.sha256(base64.b64decode(crypto.public_key_b64())).hexdigest()[:16]
    assert len(document.code) == 12
    assert document.pdf.name == f"documents/{document.issued_at:%Y/%m}/{document.code}.pdf"
    assert document.docx.name == f"documents/{document.issued_at:%Y/%m}/{document.code}.docx"
    assert document.division_id == "370102001"
    assert document.issuer_name == "济南市历下区解放路街道人民调解委员会"
    assert document.organisation == staff.organisation
    assert document.issued_by == staff
    assert document.verify_url == f"http://127.0.0.1:8000/verify/{document.code}"
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert [(e.action, e.target_type, e.target_id, e.actor_id) for e in entries] == [
        ("document.issue", "documents.document", str(document.pk), staff.pk)
    ]


def test_signature_verifies_offline_and_fails_after_a_one_byte_change(
    make_staff: Any, agreement_context: dict[str, Any]
) -> None:
    document = _issue(make_staff("370102"), agreement_context)
    pdf_bytes = document.pdf.read()
    key = crypto.public_key_b64()

    assert offline.verify_pdf(pdf_bytes, document.signature, key) is True
    middle = len(pdf_bytes) // 2
    altered = pdf_bytes[:middle] + bytes([pdf_bytes[middle] ^ 0x01]) + pdf_bytes[middle + 1 :]
    assert offline.verify_pdf(altered, document.signature, key) is False
    other_key = base64.b64encode(bytes(32)).decode()
    assert offline.verify_pdf(pdf_bytes, document.signature, other_key) is False
    assert offline.verify_pdf(pdf_bytes, "not base64!", key) is False


def test_missing_context_fields_are_named_and_nothing_is_created(
    make_staff: Any, agreement_context: dict[str, Any], settings: Any
) -> None:
    staff = make_staff("370102")
    before = AuditEntry.objects.count()
    del agreement_context["facts"]
    agreement_context["terms"] = []
    agreement_context["parties"][1]["name"] = "  "

    with pytest.raises(SifaError) as caught:
        _issue(staff, agreement_context)

    assert caught.value.code == ErrorCode.INVALID_INPUT
    assert caught.value.message == "人民调解协议书缺少必填内容：parties[1].name、facts、terms"
    assert caught.value.details == {"kind": "mediation_agreement", "missing": ["parties[1].name", "facts", "terms"]}
    assert Document.objects.count() == 0
    assert AuditEntry.objects.count() == before
    assert _media_files(settings) == []


def test_unknown_kind_is_refused(make_staff: Any, agreement_context: dict[str, Any]) -> None:
    with pytest.raises(SifaError) as caught:
        _issue(make_staff("370102"), agreement_context, kind="no_such_kind")
    assert caught.value.code == ErrorCode.INVALID_INPUT
    assert caught.value.details["kind"] == "no_such_kind"
    assert Document.objects.count() == 0


def test_staff_cannot_issue_for_a_division_outside_their_scope(
    make_staff: Any, agreement_context: dict[str, Any]
) -> None:
    with pytest.raises(SifaError) as caught:
        _issue(make_staff("370103"), agreement_context, division_code="370102001")
    assert caught.value.code == ErrorCode.FORBIDDEN
    assert Document.objects.count() == 0


def test_rollback_leaves_no_row_no_entry_and_no_file(
    make_staff: Any, agreement_context: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = make_staff("370102")
    before = AuditEntry.objects.count()

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr("sifa.documents.services.audit_record", fail)
    with pytest.raises(RuntimeError, match="ledger unavailable"):
        _issue(staff, agreement_context)

    assert Document.objects.count() == 0
    assert AuditEntry.objects.count() == before
    assert _media_files(settings) == []


def test_outer_rollback_leaves_files_that_the_sweep_removes(
    make_staff: Any, agreement_context: dict[str, Any], settings: Any
) -> None:
    from datetime import timedelta

    from sifa.documents.services import document_sweep_orphans

    staff = make_staff("370102")
    kept = _issue(staff, agreement_context)
    strays: list[Document] = []

    def caller_fails_after_issuing() -> None:
        with transaction.atomic():
            strays.append(_issue(staff, agreement_context))
            raise RuntimeError("the caller's transaction fails later")

    with pytest.raises(RuntimeError):
        caller_fails_after_issuing()
    stray = strays[0]
    assert Document.objects.count() == 1
    assert len(_media_files(settings)) == 4

    assert document_sweep_orphans(older_than=timedelta(hours=1)) == []  # too young yet
    deleted = document_sweep_orphans(older_than=timedelta(0))

    assert sorted(deleted) == sorted([stray.pdf.name, stray.docx.name])
    assert _media_files(settings) == sorted([kept.pdf.name, kept.docx.name])


@pytest.mark.parametrize("title", [f"李秀英（{PARTY_A_ID}）调解协议", "王建国 13912345678 协议书"])
def test_title_with_an_identifier_is_refused(make_staff: Any, agreement_context: dict[str, Any], title: str) -> None:
    with pytest.raises(SifaError) as caught:
        _issue(make_staff("370102"), agreement_context, title=title)
    assert caught.value.details == {"title": "personal_data"}
    assert Document.objects.count() == 0
