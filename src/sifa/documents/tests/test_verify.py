"""Public verification: page, upload check, JSON facts, public key; no personal data anywhere."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sifa.core import crypto
from sifa.documents import offline
from sifa.documents.models import Document
from sifa.documents.services import document_issue, document_revoke
from sifa.documents.tests.conftest import PARTY_A_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(make_staff: Any, agreement_context: dict[str, Any]) -> Document:
    return document_issue(
        actor=make_staff("370102"),
        kind="mediation_agreement",
        title="人民调解协议书",
        context=agreement_context,
        division_code="370102001",
        case_ref="MED-1",
    )


def _upload(client: Client, document: Document, data: bytes, name: str = "协议书.pdf") -> Any:
    return client.post(f"/verify/{document.code}", {"pdf": SimpleUploadedFile(name, data, "application/pdf")})


def test_verify_page_shows_the_public_facts_and_no_personal_data(client: Client, agreement: Document) -> None:
    response = client.get(f"/verify/{agreement.code}")

    assert response.status_code == 200
    html = response.content.decode()
    for fact in (
        "该文书由本平台出具，电子签名有效，未被撤销。",
        agreement.code,
        "人民调解协议书",
        "济南市历下区解放路街道人民调解委员会",
        agreement.sha256_pdf,
        agreement.key_id,
    ):
        assert fact in html, fact
    for personal in ("王建国", "李秀英", PARTY_A_ID, "13912345678", "解放路 12 号", "12,345.60", "赵调解"):
        assert personal not in html, personal


def test_uploading_the_original_says_authentic_and_an_altered_copy_says_tampered(
    client: Client, agreement: Document
) -> None:
    original = agreement.pdf.read()
    altered = original[:-10] + bytes([original[-10] ^ 0x20]) + original[-9:]

    ok = _upload(client, agreement, original)
    bad = _upload(client, agreement, altered)

    assert ok.status_code == 200
    assert "<strong>真实有效</strong>" in ok.content.decode()
    assert "已被篡改" not in ok.content.decode()
    assert bad.status_code == 200
    assert "<strong>已被篡改</strong>" in bad.content.decode()
    assert "真实有效" not in bad.content.decode()


def test_upload_that_is_not_a_pdf_is_refused_by_content(client: Client, agreement: Document) -> None:
    response = _upload(client, agreement, b"PK\x03\x04 not a pdf at all", name="fake.pdf")

    assert response.status_code == 422
    assert "不接受此类型的文件。" in response.content.decode()
    assert "真实有效" not in response.content.decode()


def test_revoked_document_says_so(client: Client, agreement: Document, make_staff: Any) -> None:
    document_revoke(actor=make_staff("370102"), document_id=agreement.pk, reason="当事人反悔，重新调解")

    html = client.get(f"/verify/{agreement.code}").content.decode()
    api = client.get(f"/api/v1/documents/verify/{agreement.code}").json()

    assert "该文书已被出具机构撤销，不再有效。" in html
    assert "当事人反悔" not in html  # the reason may name people: staff pages only
    assert api["status"] == "revoked"
    assert api["revoked"] is True


def test_unknown_or_malformed_code_is_404(client: Client, agreement: Document) -> None:
    assert client.get("/verify/ZZZZZZZZZZZZ").status_code == 404
    assert client.get("/verify/short").status_code == 404
    assert client.get("/api/v1/documents/verify/ZZZZZZZZZZZZ").json()["code"] == "not_found"


def test_lowercase_or_grouped_code_redirects_to_the_canonical_page(client: Client, agreement: Document) -> None:
    grouped = f"{agreement.code[:4]}-{agreement.code[4:8]}-{agreement.code[8:]}".lower()
    response = client.get("/verify/", {"code": grouped})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{agreement.code}"


def test_api_verify_and_public_key_verify_the_file_offline(client: Client, agreement: Document) -> None:
    facts = client.get(f"/api/v1/documents/verify/{agreement.code}")
    key = client.get("/api/v1/documents/public-key")

    assert facts.status_code == 200
    body = facts.json()
    assert body == {
        "code": agreement.code,
        "kind": "mediation_agreement",
        "kind_name": "人民调解协议书",
        "title": "人民调解协议书",
        "issuer": "济南市历下区解放路街道人民调解委员会",
        "issued_at": body["issued_at"],
        "sha256_pdf": agreement.sha256_pdf,
        "sha256_docx": agreement.sha256_docx,
        "signature": agreement.signature,
        "key_id": agreement.key_id,
        "signature_valid": True,
        "revoked": False,
        "revoked_at": None,
        "status": "valid",
    }
    assert key.json()["public_key"] == crypto.public_key_b64()
    assert key.json()["key_id"] == agreement.key_id
    assert offline.verify_pdf(agreement.pdf.read(), body["signature"], key.json()["public_key"]) is True


def test_a_forged_row_fails_the_signature_check(client: Client, agreement: Document) -> None:
    Document.objects.filter(pk=agreement.pk).update(sha256_pdf="0" * 64)

    body = client.get(f"/api/v1/documents/verify/{agreement.code}").json()

    assert body["signature_valid"] is False
    assert body["status"] == "invalid_signature"
