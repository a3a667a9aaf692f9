"""Pages (citizen apply + materials, notary review) and the partner API (token, idempotency key)."""

import base64
from typing import Any

import pytest
from django.test import Client

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.accounts.services import api_token_create
from sifa.cases.models import Case
from sifa.notary.models import Application, IdentityCheck, Material
from sifa.notary.tests.conftest import PDF, form, pdf

pytestmark = pytest.mark.django_db


def citizen_client(office: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(office["citizen"], backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_workbench_page_needs_a_notary_or_oversight_role(office: dict[str, Any], make_user: Any) -> None:
    assert Client().get("/notary/").status_code == 302
    assert citizen_client(office).get("/notary/").status_code == 403
    lawyer = make_user(office["org"], (Role.LAWYER,))
    assert login_verified(Client(), lawyer).get("/notary/").status_code == 403
    assert login_verified(Client(), office["notary"]).get("/notary/").status_code == 200


def test_citizen_applies_on_the_portal_with_materials_and_the_notary_checks_identity(office: dict[str, Any]) -> None:
    client = citizen_client(office)
    assert "出生" in client.get("/notary/matters/").content.decode()
    body = {k: v for k, v in form().items() if k not in ("division", "matter")}
    body.update(office=str(office["org"].pk), idempotency_key="k1", item_id_card=pdf("身份证.pdf"))
    response = client.post("/notary/apply/birth/", body)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/notary/my/{case.pk}/"
    assert case.data["matter"] == "出生"
    assert Application.objects.get().channel == "web"
    page = client.get(f"/notary/my/{case.pk}/").content.decode()
    assert "待审核" in page
    assert "未上传" in page
    upload = client.post(f"/notary/my/{case.pk}/upload/hukou/", {"file": pdf("户口簿.pdf")})
    assert upload.status_code == 302
    assert Material.objects.filter(case=case).count() == 2
    bad = client.post(f"/notary/my/{case.pk}/upload/birth_certificate/", {"file": pdf("x.pdf", b"plain text")})
    assert bad.status_code == 422
    assert Material.objects.filter(case=case).count() == 2

    notary = login_verified(Client(), office["notary"])
    assert notary.post(f"/notary/cases/{case.pk}/accept/").status_code == 302
    assert notary.post(f"/notary/cases/{case.pk}/identity/").status_code == 302
    detail = notary.get(f"/notary/cases/{case.pk}/").content.decode()
    assert IdentityCheck.objects.get().matched
    assert "一致" in detail
    assert "测试数据" in detail
    assert "3701**********" in detail  # masked only (the privacy scan fails on a full number)


def test_apply_page_shows_errors_next_to_fields_and_writes_nothing(office: dict[str, Any]) -> None:
    client = citizen_client(office)
    body = {k: v for k, v in form(id_number="370102199001011230").items() if k not in ("division", "matter")}
    body.update(office=str(office["org"].pk))
    response = client.post("/notary/apply/birth/", body)
    assert response.status_code == 422
    assert "居民身份证号码无效" in response.content.decode()
    assert not Case.objects.exists()


def test_partner_api_applies_with_an_idempotency_key(office: dict[str, Any], make_user: Any, world: Any) -> None:
    partner = make_user(world["bureaus"]["370100"], (Role.BUREAU_STAFF,), full_name="爱山东接口")
    token = api_token_create(actor=partner, user=partner, name="partner")
    client = Client(headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "p-1"})
    payload = {
        "partner": "爱山东APP",
        "data": form(),
        "files": {"id_card": {"name": "id.pdf", "content_base64": base64.b64encode(PDF).decode()}},
    }
    first = client.post("/api/v1/notary/applications", payload, content_type="application/json")
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/notary/applications", payload, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["channel"] == "partner"
    assert first.json()["fee"] == "80.00"
    changed = {**payload, "data": form(details="另一件")}
    conflict = client.post("/api/v1/notary/applications", changed, content_type="application/json")
    assert conflict.status_code == 409
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.applicant == office["citizen"]  # on behalf of the citizen with that phone
    assert Application.objects.get().partner == "爱山东APP"
    no_key = Client(headers={"Authorization": f"Bearer {token}"})
    assert no_key.post("/api/v1/notary/applications", payload, content_type="application/json").status_code == 422
    citizen = citizen_client(office)
    assert citizen.post("/api/v1/notary/applications", payload, content_type="application/json").status_code in (403,)
    assert citizen.get(f"/api/v1/notary/applications/{case.pk}").json()["materials"][0]["status"] == "uploaded"


def test_matter_catalogue_is_public() -> None:
    body = Client().get("/api/v1/notary/matters").json()
    assert len(body["matters"]) == 10
    assert "演示" in body["basis"]


def test_the_definition_offers_exactly_the_catalogue_matters() -> None:
    from sifa.cases.definitions import parse
    from sifa.notary import matters

    path = matters.CATALOGUE_FILE.parent.parent / "definitions" / "notarization.toml"
    spec = parse(path.read_text(encoding="utf-8"))
    field = next(f for f in spec.fields if f.name == "matter")
    assert list(field.choices) == [m.name for m in matters.catalogue().matters]


def test_window_intake_records_the_channel_for_the_citizen(office: dict[str, Any]) -> None:
    notary = login_verified(Client(), office["notary"])
    body = {k: v for k, v in form().items() if k != "division"}
    body["idempotency_key"] = "w-1"
    response = notary.post("/notary/window/", body)
    case = Case.objects.get()
    assert response.status_code == 302
    assert Application.objects.get().channel == "window"
    assert case.applicant == office["citizen"]
    assert case.organisation == office["org"]
    scan = notary.post(f"/notary/cases/{case.pk}/upload/id_card/", {"file": pdf("身份证扫描.pdf")})
    assert scan.status_code == 302
    assert Material.objects.get(case=case).uploaded_by == office["notary"]
    bad = notary.post("/notary/window/", {**body, "phone": "123", "idempotency_key": "w-2"})
    assert bad.status_code == 422
    assert Case.objects.count() == 1


def test_fee_form_records_the_payment_time_and_refuses_a_future_one(office: dict[str, Any]) -> None:
    from django.utils import timezone

    from sifa.notary import services
    from sifa.notary.choices import Channel
    from sifa.notary.models import FeeRecord

    case = services.notary_apply(actor=office["citizen"], channel=Channel.WEB, data=form())
    services.notary_assign(actor=office["notary"], case_id=case.pk, handler_id=office["notary"].pk)
    notary = login_verified(Client(), office["notary"])
    future = notary.post(
        f"/notary/cases/{case.pk}/fee/",
        {"payment_method": "cash", "receipt_number": "F1", "paid_at": "2099-01-01T10:00"},
    )
    assert future.status_code == 422
    assert "缴费时间不能晚于现在" in future.content.decode()
    assert not FeeRecord.objects.exists()
    early = notary.post(
        f"/notary/cases/{case.pk}/fee/",
        {"payment_method": "cash", "receipt_number": "F1", "paid_at": "2020-01-05T10:30"},
    )
    assert early.status_code == 422
    today = timezone.localdate().isoformat()
    ok = notary.post(
        f"/notary/cases/{case.pk}/fee/", {"payment_method": "cash", "receipt_number": "F1", "paid_at": f"{today}T00:00"}
    )
    assert ok.status_code == 302
    assert timezone.localtime(FeeRecord.objects.get().paid_at).isoformat() == f"{today}T00:00:00+08:00"
