"""API: the flow's writes with ErrorOut refusals; masked parties; anonymous and wrong region."""

import pytest
from django.test import Client

from conftest import login_verified
from sifa.cases.models import Case
from sifa.mediation.models import MediationParty
from sifa.mediation.tests.conftest import FORM, RESPONDENT_PHONE


@pytest.mark.django_db
def test_api_file_assign_session_and_refusals(towns, citizen) -> None:
    applicant = Client()
    applicant.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    assert Client().get("/api/v1/mediation/mediators?division=370102002").json()[0]["committee"] == (
        "趵突泉街道人民调解委员会"
    )
    body = {"data": FORM, "respondents": [{"name": "李四", "phone": RESPONDENT_PHONE}]}
    bad = applicant.post(
        "/api/v1/mediation/disputes",
        {**body, "respondents": [{"name": "李四", "phone": "1"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input"
    assert Case.objects.count() == 0
    created = applicant.post("/api/v1/mediation/disputes", body, content_type="application/json")
    assert created.status_code == 201
    case_id = created.json()["id"]

    anonymous = Client().post(f"/api/v1/mediation/disputes/{case_id}/assign", {}, content_type="application/json")
    assert anonymous.status_code == 401
    wrong = login_verified(Client(), towns["a"]["clerk"])
    assert (
        wrong.post(f"/api/v1/mediation/disputes/{case_id}/assign", {}, content_type="application/json").status_code
        == 404
    )
    clerk = login_verified(Client(), towns["b"]["clerk"])
    parties = clerk.get(f"/api/v1/mediation/disputes/{case_id}/parties").json()
    assert parties[1]["phone"] == "139****0002"
    assigned = clerk.post(f"/api/v1/mediation/disputes/{case_id}/assign", {}, content_type="application/json")
    assert assigned.status_code == 200
    assert assigned.json()["handler_name"] == "调解员b"
    mediator = login_verified(Client(), towns["b"]["mediator"])
    assert (
        mediator.post(f"/api/v1/mediation/disputes/{case_id}/accept", {}, content_type="application/json").status_code
        == 200
    )
    session = mediator.post(
        f"/api/v1/mediation/disputes/{case_id}/sessions",
        {"held_at": "2026-01-01T10:00:00+08:00", "place": "调解室", "participants": "双方", "record": "达成一致"},
        content_type="application/json",
    )
    assert session.status_code == 201
    sealed = mediator.post(f"/api/v1/mediation/disputes/{case_id}/seal", {}, content_type="application/json")
    assert sealed.status_code == 409
    assert MediationParty.objects.filter(case_id=case_id).count() == 2
