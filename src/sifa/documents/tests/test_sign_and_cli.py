"""Multi-party signatures bound to the PDF hash, and the verify_document command."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sifa.audit.models import AuditEntry
from sifa.core import crypto
from sifa.core.errors import ErrorCode, SifaError
from sifa.documents.choices import SignerRole
from sifa.documents.models import Document, DocumentSignature
from sifa.documents.services import document_issue, document_revoke, document_sign, signature_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(make_staff: Any, agreement_context: dict[str, Any]) -> Document:
    return document_issue(
        actor=make_staff("370102"),
        kind="mediation_agreement",
        title="人民调解协议书",
        context=agreement_context,
        division_code="370102001",
    )


def test_each_party_signs_over_the_current_hash_and_it_is_traced(make_staff: Any, agreement: Document) -> None:
    mediator = make_staff("370102")
    before = AuditEntry.objects.count()

    first = document_sign(
        actor=mediator,
        document=agreement,
        signer_name="王建国",
        signer_role=SignerRole.PARTY,
        phone_verified=True,
        sha256_pdf=agreement.sha256_pdf,
    )
    second = document_sign(
        actor=mediator, document=agreement, signer_name="李秀英", signer_role=SignerRole.PARTY, phone_verified=True
    )

    assert [s.signer_name for s in agreement.signatures.all()] == ["王建国", "李秀英"]
    assert first.sha256_pdf == second.sha256_pdf == agreement.sha256_pdf
    assert signature_check(first).valid is True
    assert list(AuditEntry.objects.filter(seq__gt=before).values_list("action", flat=True)) == [
        "document.sign",
        "document.sign",
    ]


def test_signature_over_a_superseded_hash_is_invalid(make_staff: Any, agreement: Document) -> None:
    signature = document_sign(
        actor=None, document=agreement, signer_name="王建国", signer_role=SignerRole.PARTY, phone_verified=True
    )
    Document.objects.filter(pk=agreement.pk).update(sha256_pdf="f" * 64)  # the agreement was re-rendered

    signature = DocumentSignature.objects.get(pk=signature.pk)
    assert signature_check(signature).valid is False
    assert signature_check(signature).reason == "superseded"


def test_edited_signature_row_is_detected(agreement: Document) -> None:
    signature = document_sign(
        actor=None, document=agreement, signer_name="王建国", signer_role=SignerRole.PARTY, phone_verified=True
    )
    DocumentSignature.objects.filter(pk=signature.pk).update(signer_name="张冒名")

    assert signature_check(DocumentSignature.objects.get(pk=signature.pk)).reason == "tampered"


def test_signing_refuses_stale_hash_unverified_phone_revoked_and_twice(make_staff: Any, agreement: Document) -> None:
    def sign(**kwargs: Any) -> DocumentSignature:
        params = {
            "actor": None,
            "document": agreement,
            "signer_name": "王建国",
            "signer_role": SignerRole.PARTY,
            "phone_verified": True,
        }
        return document_sign(**{**params, **kwargs})

    with pytest.raises(SifaError) as stale:
        sign(sha256_pdf="0" * 64)
    with pytest.raises(SifaError) as unverified:
        sign(phone_verified=False)
    sign()
    with pytest.raises(SifaError) as twice:
        sign()
    document_revoke(actor=make_staff("370102"), document_id=agreement.pk, reason="重新调解")
    with pytest.raises(SifaError) as revoked:
        sign(signer_name="李秀英")

    assert (stale.value.code, unverified.value.code, twice.value.code, revoked.value.code) == (
        ErrorCode.CONFLICT,
        ErrorCode.FORBIDDEN,
        ErrorCode.CONFLICT,
        ErrorCode.CONFLICT,
    )
    assert DocumentSignature.objects.count() == 1


def test_verify_document_command(agreement: Document, tmp_path: Path, capsys: Any) -> None:
    original = tmp_path / "a.pdf"
    original.write_bytes(agreement.pdf.read())
    altered = tmp_path / "b.pdf"
    data = bytearray(original.read_bytes())
    data[len(data) // 3] ^= 0x01
    altered.write_bytes(bytes(data))

    call_command("verify_document", str(original), "--code", agreement.code)
    assert "真实有效：人民调解协议书《人民调解协议书》" in capsys.readouterr().out
    with pytest.raises(CommandError, match="已被篡改"):
        call_command("verify_document", str(altered), "--code", agreement.code)
    call_command(
        "verify_document", str(original), "--signature", agreement.signature, "--public-key", crypto.public_key_b64()
    )
    assert "真实有效：签名与文件相符" in capsys.readouterr().out
    with pytest.raises(CommandError, match="签名与文件不符"):
        call_command(
            "verify_document", str(altered), "--signature", agreement.signature, "--public-key", crypto.public_key_b64()
        )


def test_the_public_verify_page_lists_the_signatures_by_surname_with_their_state(
    client: Any, agreement: Document
) -> None:
    document_sign(
        actor=None, document=agreement, signer_name="王建国", signer_role=SignerRole.PARTY, phone_verified=True
    )
    forged = document_sign(
        actor=None, document=agreement, signer_name="李秀英", signer_role=SignerRole.PARTY, phone_verified=True
    )
    DocumentSignature.objects.filter(pk=forged.pk).update(signer_name="张冒名")

    html = client.get(f"/verify/{agreement.code}").content.decode()
    assert "签名情况" in html
    assert "王**" in html
    assert "王建国" not in html  # surname only: the page is public
    assert html.count("有效</td>") == 1
    assert "无效（记录被改动）" in html
