"""API: incremental check, the case-engine hook, warnings and rulings; anonymous, wrong role/region."""

from datetime import date

import pytest

from sifa.accounts.choices import Role
from sifa.screening import services
from sifa.screening.models import ScreeningWarning
from sifa.screening.tests.test_services import DEPARTED_CSV, JUDGE, LAWYER


@pytest.fixture
def loaded(make_staff, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 25))
    officer = make_staff("370102", roles=(Role.INTEGRITY_OFFICER,), username="officer")
    services.registry_import(
        actor=officer, registry="resigned", data=DEPARTED_CSV.encode(), filename="a.csv", division_code="370102"
    )
    services.registry_import(
        actor=officer,
        registry="lawyer",
        data=f"姓名,身份证号码,执业证号,执业状态,停止执业起,停止执业止\n王律,{LAWYER},13701201010001,停止执业,2026-10-01,\n".encode(),
        filename="l.csv",
        division_code="370102",
    )
    return officer


@pytest.mark.django_db
def test_screen_returns_masked_candidates_with_reasons(loaded, staff_client):
    client = staff_client("370102", roles=(Role.INTEGRITY_OFFICER,))
    swapped = JUDGE[:10] + JUDGE[11] + JUDGE[10] + JUDGE[12:]
    response = client.post(
        "/api/v1/screening/screen", {"name": "张 丽", "id_number": swapped}, content_type="application/json"
    )
    assert response.status_code == 200
    (candidate,) = response.json()["candidates"]
    assert candidate["name"] == "张丽"
    assert candidate["id_number_masked"] == JUDGE[:4] + "**********" + JUDGE[-4:]
    assert candidate["reasons"] == "id=swap(+22.0); name=exact(+15.5)"
    assert candidate["warning"] is True


@pytest.mark.django_db
def test_screen_refuses_anonymous_and_wrong_role_and_hides_other_regions(loaded, client, staff_client):
    body = {"name": "张丽", "id_number": JUDGE}
    assert client.post("/api/v1/screening/screen", body, content_type="application/json").status_code == 401
    mediator = staff_client("370102", roles=(Role.MEDIATOR,))
    assert mediator.post("/api/v1/screening/screen", body, content_type="application/json").status_code == 403
    other = staff_client("370103", roles=(Role.INTEGRITY_OFFICER,))
    assert other.post("/api/v1/screening/screen", body, content_type="application/json").json() == {"candidates": []}


@pytest.mark.django_db
def test_representative_check_blocks_a_suspended_lawyer_then_allows_override(loaded, staff_client):
    client = staff_client("370102", roles=(Role.BUREAU_STAFF,))
    body = {"lawyer_name": "王律", "licence_no": "13701201010001", "case_court_division": "370102"}
    refused = client.post("/api/v1/screening/representative-check", body, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "representative_blocked"
    assert ScreeningWarning.objects.count() == 0
    body["override_reason"] = "法院通知已恢复执业"
    allowed = client.post("/api/v1/screening/representative-check", body, content_type="application/json")
    assert allowed.status_code == 200
    data = allowed.json()
    assert (data["allowed"], data["overridden"], data["blocked_status"]) == (True, True, "suspended")
    assert [w["rule"] for w in data["warnings"]] == ["lawyer_suspended"]


@pytest.mark.django_db
def test_warning_api_lists_and_rules_in_scope_only(loaded, staff_client):
    clerk_client = staff_client("370102", roles=(Role.BUREAU_STAFF,))
    clerk_client.post(
        "/api/v1/screening/representative-check",
        {"lawyer_name": "张丽", "lawyer_id_number": JUDGE, "case_court_division": "370102"},
        content_type="application/json",
    )
    (warning,) = ScreeningWarning.objects.all()
    assert warning.rule == "former_court"
    assert clerk_client.get("/api/v1/screening/warnings").json()["count"] == 0
    other = staff_client("370103", roles=(Role.INTEGRITY_OFFICER,))
    url = f"/api/v1/screening/warnings/{warning.pk}/ruling"
    assert other.post(url, {"decision": "confirmed", "reason": "x"}, content_type="application/json").status_code == 404
    officer = staff_client("370102", roles=(Role.INTEGRITY_OFFICER,))
    assert officer.get("/api/v1/screening/warnings").json()["count"] == 1
    ruled = officer.post(url, {"decision": "confirmed", "reason": "原任职法院"}, content_type="application/json")
    assert ruled.status_code == 200
    assert (ruled.json()["status"], ruled.json()["ruling_reason"]) == ("confirmed", "原任职法院")
