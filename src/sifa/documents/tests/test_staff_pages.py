"""Staff pages: scope (another county answers 404), traced download and revoke, sidebar entry."""

from typing import Any

import pytest

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.documents.models import Document
from sifa.documents.services import document_issue
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
    )


def test_list_shows_documents_in_scope_without_personal_data(staff_client: Any, agreement: Document) -> None:
    html = staff_client("370102").get("/documents/").content.decode()
    other = staff_client("370103").get("/documents/").content.decode()

    assert agreement.code in html
    assert "共 1 份" in html
    for personal in ("王建国", "李秀英", PARTY_A_ID):
        assert personal not in html
    assert agreement.code not in other
    assert "共 0 份" in other


def test_other_county_gets_404_for_detail_download_and_revoke(staff_client: Any, agreement: Document) -> None:
    client = staff_client("370103")
    before = AuditEntry.objects.count()

    assert client.get(f"/documents/{agreement.pk}/").status_code == 404
    assert client.get(f"/documents/{agreement.pk}/download/pdf").status_code == 404
    assert client.post(f"/documents/{agreement.pk}/revoke/", {"reason": "试图越权"}).status_code == 404
    assert client.get(f"/api/v1/documents/{agreement.pk}").status_code == 404
    assert AuditEntry.objects.count() == before
    assert Document.objects.get(pk=agreement.pk).revoked_at is None


def test_city_sees_its_counties_documents(staff_client: Any, agreement: Document) -> None:
    assert staff_client("370100").get(f"/documents/{agreement.pk}/").status_code == 200


def test_anonymous_and_citizens_cannot_reach_staff_pages(client: Any, agreement: Document) -> None:
    response = client.get(f"/documents/{agreement.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/documents/").status_code == 401


def test_download_is_traced(staff_client: Any, agreement: Document) -> None:
    client = staff_client("370102")
    before = AuditEntry.objects.count()

    response = client.get(f"/documents/{agreement.pk}/download/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == agreement.pdf.read()
    entries = list(AuditEntry.objects.filter(seq__gt=before).values_list("action", "target_id"))
    assert entries == [("document.download", str(agreement.pk))]


def test_revoke_needs_a_reason_and_is_traced(make_staff: Any, client: Any, agreement: Document) -> None:
    staff = make_staff("370102", roles=(Role.BUREAU_STAFF,))
    login_verified(client, staff)
    before = AuditEntry.objects.count()

    empty = client.post(f"/documents/{agreement.pk}/revoke/", {"reason": " "})
    assert empty.status_code == 422
    assert AuditEntry.objects.count() == before

    response = client.post(f"/documents/{agreement.pk}/revoke/", {"reason": "协议内容有误，重新出具"})

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.revoked_at is not None
    assert agreement.revoked_reason == "协议内容有误，重新出具"
    entries = list(AuditEntry.objects.filter(seq__gt=before).values_list("action", "actor_id", "purpose"))
    assert entries == [("document.revoke", staff.pk, "协议内容有误，重新出具")]


def test_lawyer_may_read_but_not_revoke(make_staff: Any, client: Any, agreement: Document) -> None:
    login_verified(client, make_staff("370102", roles=(Role.LAWYER,)))

    assert "撤销文书" not in client.get(f"/documents/{agreement.pk}/").content.decode()
    response = client.post(f"/documents/{agreement.pk}/revoke/", {"reason": "律师无权撤销"})

    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.revoked_at is None


def test_sidebar_has_the_documents_entry(staff_client: Any) -> None:
    html = staff_client("370102").get("/documents/").content.decode()
    assert 'href="/documents/"' in html
    assert ">文书</a>" in html


def test_api_list_and_detail_in_scope(staff_client: Any, agreement: Document) -> None:
    own = staff_client("370102").get("/api/v1/documents/").json()
    other = staff_client("370103").get("/api/v1/documents/").json()
    detail = staff_client("370100").get(f"/api/v1/documents/{agreement.pk}").json()

    assert [d["code"] for d in own["items"]] == [agreement.code]
    assert own["count"] == 1
    assert other == {"items": [], "count": 0}
    assert detail["code"] == agreement.code
    assert detail["kind_name"] == "人民调解协议书"
    assert detail["division_code"] == "370102001"
    assert detail["verify_url"] == f"http://127.0.0.1:8000/verify/{agreement.code}"


def test_document_get_for_case_ref_ties_the_document_to_its_case(
    make_staff: Any, agreement_context: dict[str, Any]
) -> None:
    from sifa.core.errors import ErrorCode, SifaError
    from sifa.documents.selectors import document_get_for_case_ref

    document = document_issue(
        actor=make_staff("370102"),
        kind="mediation_agreement",
        title="人民调解协议书",
        context=agreement_context,
        division_code="370102",
        case_ref="MED-7",
    )

    assert document_get_for_case_ref(case_ref="MED-7", document_id=document.pk) == document
    for case_ref in ("MED-8", ""):
        with pytest.raises(SifaError) as caught:
            document_get_for_case_ref(case_ref=case_ref, document_id=document.pk)
        assert caught.value.code == ErrorCode.NOT_FOUND


def test_administrators_do_not_read_documents(staff_client: Any, agreement: Document) -> None:
    client = staff_client("370102", roles=(Role.AUDITOR,))

    assert client.get(f"/documents/{agreement.pk}/").status_code == 404
    assert agreement.code not in client.get("/documents/").content.decode()
