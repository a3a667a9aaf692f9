"""Pages (intake with the choice of institution, staff pages by role) and the API."""

import base64
from typing import Any

import pytest
from django.test import Client

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.appraisal import services
from sifa.appraisal.models import Commission
from sifa.appraisal.tests.conftest import PDF, intake_form, pdf
from sifa.cases.models import Case

pytestmark = pytest.mark.django_db


def citizen(lab: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(lab["citizen"], backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_intake_page_offers_registered_institutions_and_records_the_choice(lab: dict[str, Any]) -> None:
    client = citizen(lab)
    page = client.get("/appraisal/apply/").content.decode()
    assert "济南市明湖司法鉴定中心" in page
    body = {**intake_form(), "institution": str(lab["org"].pk), "materials": pdf("委托书.pdf")}
    response = client.post("/appraisal/apply/", body)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/my/cases/{case.pk}/"
    assert Commission.objects.get().requested == lab["org"]
    wrong = {**intake_form(category="环境损害"), "institution": str(lab["org"].pk), "materials": pdf()}
    refused = client.post("/appraisal/apply/", wrong)
    assert refused.status_code == 422
    assert "已登记" in refused.content.decode()
    assert Case.objects.count() == 1


def test_staff_pages_by_role_and_scope(lab: dict[str, Any], make_user: Any, world: Any) -> None:
    case = services.appraisal_intake(
        actor=lab["citizen"], data=intake_form(), files={"materials": pdf()}, institution_id=lab["org"].pk
    )
    assert Client().get("/appraisal/").status_code == 302
    assert citizen(lab).get("/appraisal/").status_code == 403
    bureau = login_verified(Client(), lab["bureau"])
    assert "伤残等级鉴定" in bureau.get("/appraisal/").content.decode()
    far = login_verified(Client(), make_user(world["bureaus"]["370102"], (Role.BUREAU_STAFF,)))
    assert far.get(f"/appraisal/cases/{case.pk}/").status_code == 404
    assert bureau.post(f"/appraisal/cases/{case.pk}/assign/", {"institution": str(lab["org"].pk)}).status_code == 302
    head = login_verified(Client(), lab["head"])
    detail = head.get(f"/appraisal/cases/{case.pk}/").content.decode()
    assert "林法医" in detail
    one = head.post(f"/appraisal/cases/{case.pk}/accept/", {"appraisers": [str(lab["head"].pk)]})
    assert one.status_code == 422
    assert "两名" in one.content.decode()
    ok = head.post(f"/appraisal/cases/{case.pk}/accept/", {"appraisers": [str(lab["head"].pk), str(lab["second"].pk)]})
    assert ok.status_code == 302
    done = head.post(f"/appraisal/cases/{case.pk}/report/", {"report": pdf("意见书.pdf"), "summary": "十级伤残"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.stage == "closed"


def test_api_register_is_public_and_steps_are_guarded(lab: dict[str, Any]) -> None:
    rows = Client().get("/api/v1/appraisal/institutions", {"category": "法医类"}).json()
    assert [r["name"] for r in rows] == ["济南市明湖司法鉴定中心"]
    case = services.appraisal_intake(actor=lab["citizen"], data=intake_form(), files={"materials": pdf()})
    bureau = login_verified(Client(), lab["bureau"])
    missing = bureau.post(f"/api/v1/appraisal/{case.pk}/assign", {}, content_type="application/json")
    assert missing.status_code == 422
    assigned = bureau.post(
        f"/api/v1/appraisal/{case.pk}/assign", {"institution_id": lab["org"].pk}, content_type="application/json"
    )
    assert assigned.json()["institution"] == "济南市明湖司法鉴定中心"
    head = login_verified(Client(), lab["head"])
    accepted = head.post(
        f"/api/v1/appraisal/{case.pk}/accept",
        {"appraiser_ids": [lab["head"].pk, lab["second"].pk]},
        content_type="application/json",
    )
    assert accepted.json()["appraisers"] == ["严鉴定", "林法医"]
    extended = head.post(
        f"/api/v1/appraisal/{case.pk}/extend", {"days": 5, "reason": "补充检验"}, content_type="application/json"
    )
    assert extended.json()["extension_days"] == 5
    report = head.post(
        f"/api/v1/appraisal/{case.pk}/report",
        {"name": "意见书.pdf", "content_base64": base64.b64encode(PDF).decode(), "summary": "十级伤残"},
        content_type="application/json",
    )
    assert report.status_code == 200
    assert report.json()["status"] == "closed"
    assert citizen(lab).get(f"/api/v1/appraisal/{case.pk}").json()["report_sha256"] == report.json()["report_sha256"]
