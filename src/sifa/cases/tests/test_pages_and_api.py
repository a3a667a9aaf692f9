"""Service hall and workbench pages, and the cases API: scope, masking, forms, exports."""

import base64
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import login_verified
from sifa.accounts.services import api_token_create
from sifa.cases.models import Case, FollowUp
from sifa.cases.services import case_submit, case_transition
from sifa.cases.tests.conftest import aid_form, pdf_upload, valid_id

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def citizen_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="sifa.accounts.backends.SmsCodeBackend")
    return client


@pytest.fixture
def case(world, citizen, aid):
    return case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})


QUESTION = {
    "applicant_name": "张先生",
    "division": "370102",
    "category": "劳动争议",
    "title": "工资被拖欠怎么办",
    "question": "公司拖欠三个月工资，应该如何维权？",
}


def test_citizen_applies_through_the_guided_form_and_follows_the_case(world, citizen):
    # 留言咨询 has no filing page of its own: the engine's generic form is its entry point.
    client = citizen_client(citizen)
    page = client.get("/services/consultation/apply/")
    assert page.status_code == 200
    assert "相关材料（可选）" in page.content.decode()
    form = {**QUESTION, "idempotency_key": "form-1", "attachment": pdf_upload()}
    response = client.post("/services/consultation/apply/", form)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/my/cases/{case.pk}/"
    assert case.attachments.count() == 1
    html = client.get(response["Location"]).content.decode()
    assert case.reference in html
    assert "等待值班律师接收" in html
    assert client.get("/my/cases/").content.decode().count(case.reference) == 1
    # a double click sends the same key: still one case
    client.post("/services/consultation/apply/", {**form, "attachment": pdf_upload()})
    assert Case.objects.count() == 1


def test_form_errors_are_shown_next_to_the_fields(world, citizen, aid):
    # Legal aid's own form (the catalogue's entry point) is built from the definition's fields too.
    client = citizen_client(citizen)
    form = {
        **aid_form(id_number="370102199001011230", monthly_income="abc"),
        "declaration": "on",
        "hardship_proof": pdf_upload(),
    }
    response = client.post("/legal-aid/apply/", form)
    assert response.status_code == 422
    html = response.content.decode()
    assert "居民身份证号码无效。" in html
    assert "金额格式有误" in html
    assert Case.objects.count() == 0
    generic = client.post("/services/consultation/apply/", {**QUESTION, "division": "999999", "title": ""})
    assert generic.status_code == 422
    assert Case.objects.count() == 0


def test_citizens_see_only_their_own_cases(case, other_citizen):
    client = citizen_client(other_citizen)
    assert client.get(f"/my/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert client.get(f"/my/cases/{case.pk}/attachments/{case.attachments.get().pk}/").status_code == 404
    assert client.get("/api/v1/cases/").json()["count"] == 0


def test_anonymous_visitors_are_sent_to_the_sms_login(world):
    for path in ("/services/consultation/apply/", "/services/legal_aid/apply/", "/legal-aid/apply/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/citizen-login/"


def test_staff_page_shows_masked_data_timeline_audit_and_fires_transitions(case, aid):
    client = login_verified(Client(), aid["officer"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert valid_id()[:4] + "**********" in html
    assert "case.submit" in html
    assert "审查通过，决定给予法律援助" in html
    response = client.post(
        f"/cases/{case.pk}/do/request_materials/", {"expected_version": "1", "request_materials-missing": "户籍证明"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "supplement"
    stale = client.post(
        f"/cases/{case.pk}/do/request_materials/", {"expected_version": "1", "request_materials-missing": "x"}
    )
    assert stale.status_code == 422
    assert "案件已被他人处理，请刷新后重试。" in stale.content.decode()
    case.refresh_from_db()
    assert (case.stage, case.version) == ("supplement", 2)


def test_stale_version_on_the_page_says_so(case, aid):
    client = login_verified(Client(), aid["officer"])
    case_transition(actor=aid["officer2"], case_id=case.pk, transition="request_materials", data={"missing": "a"})
    case_transition(
        actor=Case.objects.get().applicant, case_id=case.pk, transition="resubmit", files={"material": pdf_upload()}
    )
    response = client.post(f"/cases/{case.pk}/do/approve/", {"expected_version": "1", "approve-opinion": "符合"})
    assert response.status_code == 422
    assert "案件已被他人处理，请刷新后重试。" in response.content.decode()


def test_other_region_and_lawyers_not_assigned_get_404(case, aid):
    for user in (aid["far_officer"], aid["lawyers"][0]):
        client = login_verified(Client(), user)
        assert client.get(f"/cases/{case.pk}/").status_code == 404
        assert client.post(f"/cases/{case.pk}/do/approve/", {"approve-opinion": "x"}).status_code == 404


def test_lists_board_and_excel_export(case, aid):
    client = login_verified(Client(), aid["officer"])
    assert case.reference in client.get("/cases/?service=legal_aid").content.decode()
    assert case.reference not in client.get("/cases/?service=certificate").content.decode()
    assert case.reference in client.get("/cases/tasks/").content.decode()
    Case.objects.filter(pk=case.pk).update(alert="red")
    board = client.get("/cases/board/?service=legal_aid").content.decode()
    assert case.reference in board
    export = client.get("/cases/export.xlsx?service=legal_aid")
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("案件编号", "服务类型", "申请人")
    assert rows[1][:3] == (case.reference, "法律援助申请", "张三")
    assert rows[1][8] == "超期"
    assert len(rows) == 2
    far = login_verified(Client(), aid["far_officer"])
    assert case.reference not in far.get("/cases/board/").content.decode()


def test_api_submit_is_idempotent_and_a_different_body_conflicts(world, citizen, aid):
    client = citizen_client(citizen)
    body = {
        "service_type": "legal_aid",
        "data": aid_form(),
        "files": {"hardship_proof": {"name": "p.pdf", "content_base64": base64.b64encode(PDF).decode()}},
    }
    first = client.post("/api/v1/cases/", body, content_type="application/json", headers={"Idempotency-Key": "api-1"})
    again = client.post("/api/v1/cases/", body, content_type="application/json", headers={"Idempotency-Key": "api-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["data"]["phone"] == "139****5678"
    other = {**body, "data": aid_form(title="别的事")}
    conflict = client.post(
        "/api/v1/cases/", other, content_type="application/json", headers={"Idempotency-Key": "api-1"}
    )
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_key_reused"


def test_api_transition_with_a_staff_token_and_version_check(case, aid):
    token = api_token_create(actor=aid["officer"], user=aid["officer"], name="t")
    auth = {"Authorization": f"Bearer {token}"}
    client = Client()
    ok = client.post(
        f"/api/v1/cases/{case.pk}/transitions/request_materials",
        {"expected_version": 1, "data": {"missing": "收入证明"}},
        content_type="application/json",
        headers=auth,
    )
    assert ok.status_code == 200
    assert (ok.json()["stage"], ok.json()["version"]) == ("supplement", 2)
    stale = client.post(
        f"/api/v1/cases/{case.pk}/transitions/request_materials",
        {"expected_version": 1, "data": {"missing": "收入证明"}},
        content_type="application/json",
        headers=auth,
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    timeline = client.get(f"/api/v1/cases/{case.pk}/timeline", headers=auth).json()
    assert [e["action"] for e in timeline] == ["submit", "request_materials"]
    catalogue = Client().get("/api/v1/cases/catalogue").json()
    assert "legal_aid" in [c["code"] for c in catalogue]


def test_supervisor_completes_a_follow_up_on_the_page(case, aid, citizen):
    from sifa.cases.models import CaseStatus

    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, stage="closed")
    client = citizen_client(citizen)
    response = client.post(f"/my/cases/{case.pk}/rate/", {"score": "basic", "comment": "一般"})
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(case=case)
    supervisor = login_verified(Client(), aid["supervisor"])
    assert case.reference in supervisor.get("/cases/follow-ups/").content.decode()
    done = supervisor.post(f"/cases/follow-ups/{follow_up.pk}/", {"outcome": "已回访"})
    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome) == ("done", "已回访")


def test_query_budgets_of_the_list_and_progress_endpoints(case, aid, citizen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        case_submit(
            actor=citizen,
            service_type="legal_aid",
            data=aid_form(title=f"事{n}"),
            files={"hardship_proof": pdf_upload()},
        )
    token = api_token_create(actor=aid["officer"], user=aid["officer"], name="t")
    client, auth = Client(), {"Authorization": f"Bearer {token}"}
    with CaptureQueriesContext(connection) as listing:
        assert client.get("/api/v1/cases/?limit=50", headers=auth).json()["count"] == 6
    with CaptureQueriesContext(connection) as progress:
        assert client.get(f"/api/v1/cases/{case.pk}/timeline", headers=auth).status_code == 200
    assert len(listing.captured_queries) <= 8  # token, roles, organisation, division, count, page, definitions
    assert (
        len(progress.captured_queries) <= 7
    )  # token (+ last-used update), roles, organisation, division, case, events


def test_a_city_level_organisation_offers_every_county_of_its_city(world):
    from sifa.cases.forms import _division_choices
    from sifa.regions.choices import OrganisationKind
    from sifa.regions.models import Division, Organisation

    Organisation.objects.create(
        name="济南仲裁委员会", kind=OrganisationKind.ARBITRATION_COMMISSION, division_id="370100"
    )
    codes = [code for code, _name in _division_choices((OrganisationKind.ARBITRATION_COMMISSION,))][1:]
    assert codes == sorted(Division.objects.filter(parent_id="370100").values_list("code", flat=True))
    assert "370102" in codes
    assert not [c for c in codes if not c.startswith("3701")]
