"""E5 dispute ledgers imported from CSV: rows checked like reports, all-or-nothing, history never alerted."""

import io
from collections.abc import Callable
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.risk.models import Dispute, RiskAlert

HEADER = (
    "division_code,type,reported_on,description,amount,parties_count,"
    "vulnerable_parties,repeat_reports,failed_mediations,resolved_on,outcome\n"
)
OPEN_RED = '370102001001,劳动争议（含欠薪）,2025-02-01,"拖欠三十名工人工资，工人准备堵路",600000,30,0,1,1,,\n'
CLOSED = "370102001,land,2023/05/01,宅基地边界纠纷，扬言报复,,2,0,0,2,2023-06-01,转为刑事案件\n"
BAD = "370103001,land,2025-02-01,外区纠纷,,2,0,0,0,,\n"


def test_import_creates_and_scores_and_alerts_only_open_disputes(staff_client: Callable[..., Client]) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    body = (HEADER + OPEN_RED + CLOSED).encode()
    response = client.post("/api/v1/risk/disputes/import", {"file": SimpleUploadedFile("d.csv", body)})
    assert response.status_code == 200
    assert response.json() == {"created": 2, "committed": True, "errors": []}
    closed = Dispute.objects.get(outcome="criminal")
    assert (closed.type, closed.resolved_on.isoformat(), closed.explanation["scorer"]) == (
        "land",
        "2023-06-01",
        "rules",
    )
    assert list(RiskAlert.objects.values_list("dispute__type", "kind")) == [("labour", "collective")]


def test_one_bad_row_stores_nothing_unless_partial(staff_client: Callable[..., Client]) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    body = (HEADER + CLOSED + BAD).encode()
    response = client.post("/api/v1/risk/disputes/import", {"file": SimpleUploadedFile("d.csv", body)})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "row": 3,
            "code": "invalid_division",
            "message": "行政区划代码无效。",
            "details": {"code": "370103001", "reason": "unknown"},
        }
    ]
    assert Dispute.objects.count() == 0
    response = client.post("/api/v1/risk/disputes/import?partial=true", {"file": SimpleUploadedFile("d.csv", body)})
    assert (response.status_code, response.json()["created"]) == (200, 1)
    assert Dispute.objects.count() == 1


def test_cli_import(make_staff: Callable[..., User], tmp_path: Path) -> None:
    user = make_staff("370102", (Role.MEDIATOR,), username="mediator1")
    path = tmp_path / "d.csv"
    path.write_text(HEADER + CLOSED, encoding="utf-8")
    out = io.StringIO()
    call_command("risk_import_disputes", str(path), "--username", "mediator1", stdout=out)
    assert "已导入 1 件" in out.getvalue()
    assert Dispute.objects.get().reported_by_id == user.pk
