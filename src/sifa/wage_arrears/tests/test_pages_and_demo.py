"""Portal and workbench pages, the API, the Excel export, and the idempotent demo (A2)."""

import io
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from sifa.accounts.choices import Role
from sifa.cases.models import Case
from sifa.wage_arrears import services
from sifa.wage_arrears.models import WageRequest
from sifa.wage_arrears.tests.conftest import WORKER_ID, WORKER_PHONE, form_data

pytestmark = pytest.mark.django_db


def citizen_client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_form_needs_login_and_answers_at_once(client, worker):
    assert client.get("/wage-arrears/apply/").status_code == 302
    c = citizen_client(worker)
    assert c.get("/wage-arrears/apply/").status_code == 200
    response = c.post("/wage-arrears/apply/", {**form_data(), "idempotency_key": "p1"})
    assert response.status_code == 302
    wage = WageRequest.objects.get()
    page = c.get(response["Location"]).content.decode()
    assert "向劳动保障监察机构投诉" in page
    assert "历下区法律援助中心" in page
    assert WORKER_ID not in page
    assert WORKER_PHONE not in page
    response = c.post(f"/wage-arrears/my/{wage.pk}/legal-aid/", {"declaration": "on"})
    assert response.status_code == 302
    assert Case.objects.filter(service_code="legal_aid", applicant=worker).count() == 1


def test_form_errors_show_next_to_fields_and_write_nothing(worker):
    c = citizen_client(worker)
    response = c.post("/wage-arrears/apply/", form_data(amount_owed="-1", period_end="2099-01"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "大于 0" in body
    assert "不能晚于本月" in body
    assert WageRequest.objects.count() == 0


def test_staff_pages_and_export(worker, staff_client):
    services.request_submit(actor=worker, data=form_data())
    clerk = staff_client("370102", (Role.BUREAU_STAFF,))
    assert clerk.get("/wage-arrears/requests/").status_code == 200
    wage = WageRequest.objects.get()
    detail = clerk.get(f"/wage-arrears/requests/{wage.pk}/")
    assert detail.status_code == 200
    assert clerk.post(f"/wage-arrears/requests/{wage.pk}/forward/", {"opinion": "已核实"}).status_code == 302
    wage.refresh_from_db()
    assert wage.referral is not None
    stats = clerk.get("/wage-arrears/stats/", {"since": "2020-01-01", "until": "2030-01-01"})
    assert "12000.50" in stats.content.decode()
    export = clerk.get("/wage-arrears/stats/export.xlsx", {"since": "2020-01-01", "until": "2030-01-01"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == 1  # one request
    assert rows[-1][0] == "合计"
    # wrong region sees nothing, citizens get no workbench
    other = staff_client("522701", (Role.BUREAU_STAFF,))
    assert other.get(f"/wage-arrears/requests/{wage.pk}/").status_code == 404
    assert citizen_client(worker).get("/wage-arrears/stats/").status_code in (302, 403)


def test_api_submit_and_stats(worker, staff_client):
    c = citizen_client(worker)
    response = c.post(
        "/api/v1/wage-arrears/requests", {**form_data(), "idempotency_key": "a1"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {r["code"] for r in body["routes"]} == {"complaint", "arbitration", "legal_aid", "payment_order"}
    again = c.post(
        "/api/v1/wage-arrears/requests", {**form_data(), "idempotency_key": "a1"}, content_type="application/json"
    )
    assert again.status_code == 200
    bad = c.post("/api/v1/wage-arrears/requests", form_data(amount_owed="0"), content_type="application/json")
    assert bad.status_code == 422
    assert "amount_owed" in bad.json()["details"]
    clerk = staff_client("370100", (Role.BUREAU_STAFF,))
    response = clerk.get("/api/v1/wage-arrears/stats", {"since": "2025-01-01", "until": str(date.today())})
    assert response.status_code == 200, response.content
    stats = response.json()
    assert stats["total"]["requests"] == 1
    assert stats["total"]["persons"] == 1


def test_demo_has_every_stage_and_runs_twice():
    from sifa.core.demo import demo_load as core_demo
    from sifa.regions.services import divisions_load
    from sifa.wage_arrears.demo import demo_load

    divisions_load()
    core_demo()
    first = demo_load()
    counts = (Case.objects.count(), WageRequest.objects.count())
    second = demo_load()
    assert (Case.objects.count(), WageRequest.objects.count()) == counts
    assert [w.pk for w in first] == [w.pk for w in second]
    stages = {w.case.stage for w in second}
    assert stages == {"accepting", "forwarded", "tracking", "closed"}
    from sifa.legal_aid.models import ServicePoint

    assert ServicePoint.objects.count() == 4
    assert all(p.hours and p.latitude for p in ServicePoint.objects.all())
