"""Pages, API and import: access by role and region, masking, per-row import errors."""

import io

import pytest
from django.test import Client
from openpyxl import Workbook

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.arbitration.models import Arbitrator
from sifa.audit.models import AuditEntry

from .conftest import id_of, make_user, registered_arbitrator

pytestmark = pytest.mark.django_db


def test_registry_access_and_masking(arb, world) -> None:
    a = registered_arbitrator(arb["staff"])
    assert Client().get("/arbitration/arbitrators/").status_code == 302
    other = make_user(world["bureaus"]["522701"], "dy_bureau", Role.BUREAU_STAFF)
    out_of_region = login_verified(Client(), other).get(f"/arbitration/arbitrators/{a.pk}/")
    assert out_of_region.status_code == 404
    lawyer = make_user(world["bureaus"]["370102"], "lx_lawyer", Role.LAWYER)
    assert login_verified(Client(), lawyer).get("/arbitration/arbitrators/").status_code == 403
    page = login_verified(Client(), arb["staff"]).get("/arbitration/arbitrators/?status=registered").content.decode()
    assert "冯**" in page
    assert "冯公断" not in page
    assert "JN-001" in page
    bureau = login_verified(Client(), arb["bureau"]).get(f"/arbitration/arbitrators/{a.pk}/")
    assert bureau.status_code == 200
    assert (
        login_verified(Client(), arb["bureau"])
        .post(f"/arbitration/arbitrators/{a.pk}/remove/", {"reason": "x"})
        .status_code
        == 403
    )
    export = login_verified(Client(), arb["staff"]).get("/arbitration/arbitrators/export.xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxml")
    api = login_verified(Client(), arb["staff"]).get("/api/v1/arbitration/arbitrators?in_term=true").json()
    assert [r["certificate_number"] for r in api] == ["JN-001"]
    assert Client().get("/api/v1/arbitration/fee-quote?claim_amount=120000").json()["fee"] == "5150.00"


def _roster(rows: list[list[str]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "联系电话", "资格条件", "从业年限", "专业领域", "聘书编号", "聘期起", "聘期止"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "roster.xlsx"
    return out


def test_roster_import_reports_each_bad_row_and_writes_nothing(arb) -> None:
    client = login_verified(Client(), arb["staff"])
    good = [
        "褚明理",
        id_of("37010219680520021"),
        "13700000021",
        "曾任法官满八年",
        "20",
        "建设工程",
        "JN-100",
        "2025-01-01",
        "2029-12-31",
    ]
    bad_id = [
        "卫正平",
        "370102197501010310",
        "13700000031",
        "从事律师工作满八年",
        "10",
        "金融",
        "JN-101",
        "2025-01-01",
        "2029-12-31",
    ]
    too_short = [
        "蒋守信",
        id_of("37010219800808041"),
        "13700000041",
        "从事律师工作满八年",
        "5",
        "贸易",
        "JN-102",
        "2025-01-01",
        "2029-12-31",
    ]
    response = client.post("/arbitration/arbitrators/import/", {"roster": _roster([good, bad_id, too_short])})
    assert response.status_code == 422
    body = response.content.decode()
    assert "第 3 行" in body
    assert "第 4 行" in body
    assert "满八年" in body
    assert Arbitrator.objects.count() == 0
    response = client.post("/arbitration/arbitrators/import/", {"roster": _roster([good])})
    assert response.status_code == 200
    imported = Arbitrator.objects.get()
    assert (imported.status, imported.certificate_number) == ("registered", "JN-100")
    assert AuditEntry.objects.filter(action="arbitration.arbitrator.import").count() == 1


def test_application_form_shows_field_errors_and_saves_nothing(arb) -> None:
    client = login_verified(Client(), arb["staff"])
    response = client.post(
        "/arbitration/arbitrators/new/",
        {
            "name": "王",
            "id_number": "123",
            "phone": "1",
            "qualification": "judge",
            "years_of_practice": "3",
            "speciality": "民商事",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "居民身份证号码无效" in body
    assert "满八年" in body
    assert not Arbitrator.objects.exists()
