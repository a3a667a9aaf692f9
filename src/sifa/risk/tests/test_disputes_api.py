"""E5 through the API: report, score with explanation, alerts, response; scope and roles."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.test import Client

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.risk.models import Dispute, RiskAlert

HIGH = {
    "division_code": "370102001001",
    "type": "labour",
    "reported_on": date.today().isoformat(),
    "description": "工地拖欠四十名工人工资，工人揚言要堵路並集體上訪",
    "amount": "800000",
    "parties_count": 40,
    "failed_mediations": 1,
}


def test_report_through_the_api_returns_score_explanation_and_alerts(staff_client: Callable[..., Client]) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    response = client.post("/api/v1/risk/disputes", HIGH, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["score"], body["level"]) == (74, "red")
    assert body["description"] == HIGH["description"]
    assert [(f["key"], f["points"]) for f in body["explanation"]["factors"]] == [
        ("type", 12),
        ("amount", 10),
        ("parties", 25),
        ("failed", 7),
        ("gathering", 20),
    ]
    assert body["explanation"]["signals"] == {"gathering": ["集体上访", "堵路"]}
    assert [(a["kind"], a["status"]) for a in body["alerts"]] == [("collective", "open")]
    listed = client.get("/api/v1/risk/alerts?status=open").json()
    assert listed["count"] == 1
    alert_id = listed["items"][0]["id"]
    done = client.post(
        f"/api/v1/risk/alerts/{alert_id}/response",
        {"response": "已联系施工方筹措工资"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["status"] == "responded"
    assert AuditEntry.objects.filter(action="risk.alert_respond").count() == 1
    year = date.today().year
    situation = client.get(f"/api/v1/risk/situation?year={year}").json()
    assert situation["rows"] == [
        {"code": "370102001", "total": 1, "last_year": 0, "levels": {"red": 1}, "name": "解放路街道", "yoy": None}
    ]


def test_api_scope_roles_and_validation(staff_client: Callable[..., Client], make_staff: Any) -> None:
    owner = staff_client("370102", (Role.BUREAU_STAFF,))
    dispute_id = owner.post("/api/v1/risk/disputes", HIGH, content_type="application/json").json()["id"]
    alert = RiskAlert.objects.get()
    other = staff_client("370103", (Role.BUREAU_STAFF,))
    assert other.get(f"/api/v1/risk/disputes/{dispute_id}").status_code == 404
    assert other.get("/api/v1/risk/disputes").json()["count"] == 0
    response = other.post(
        f"/api/v1/risk/alerts/{alert.pk}/response", {"response": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    analyst = staff_client("370102", (Role.ANALYST,))
    assert analyst.get(f"/api/v1/risk/disputes/{dispute_id}").status_code == 200
    response = analyst.post(
        f"/api/v1/risk/alerts/{alert.pk}/response", {"response": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Client().get("/api/v1/risk/disputes").status_code == 401
    bad = owner.post("/api/v1/risk/disputes", HIGH | {"type": "nonsense"}, content_type="application/json")
    assert (bad.status_code, bad.json()["details"]) == (422, {"type": "unknown"})
    assert Dispute.objects.count() == 1
    alert.refresh_from_db()
    assert alert.status == "open"
