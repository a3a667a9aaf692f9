"""E2 through the API and the board: ledgers pushed, the task runs, supervisors rule (scoped, audited)."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.risk import generators, services
from sifa.risk.choices import Ruling, RunStatus
from sifa.risk.ledgers import HEADERS
from sifa.risk.models import Discrepancy, LedgerBatch, ReconciliationRun

PLANTED = {i * 2 + 1: p for i, p in enumerate(generators.PLANTABLE)}


def _csv(agency: str, rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.DictWriter(out, fieldnames=list(HEADERS[agency]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _push_all(client: Client, data: generators.Ledgers, division: str = "") -> None:
    for agency in ("police", "procuratorate", "court"):
        body = _csv(agency, getattr(data, agency))
        url = f"/api/v1/risk/ledgers/{agency}" + (f"?division_code={division}" if division else "")
        response = client.post(url, {"file": SimpleUploadedFile(f"{agency}.csv", body, content_type="text/csv")})
        assert response.status_code == 201, response.content


@pytest.fixture
def planted() -> generators.Ledgers:
    return generators.ledgers(30, seed=5, planted=PLANTED)


def test_push_run_and_list_planted_discrepancies(
    staff_client: Callable[..., Client], planted: generators.Ledgers, django_capture_on_commit_callbacks: Any
) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF, Role.SUPERVISOR))
    _push_all(client, planted)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/risk/reconciliations", {"as_of": "2025-06-30"}, content_type="application/json")
    assert response.status_code == 202
    run = ReconciliationRun.objects.get()
    assert run.status == RunStatus.DONE
    assert run.counts == {
        "missing_in_procuratorate": 1,
        "missing_in_court": 1,
        "no_upstream": 2,
        "person_mismatch": 1,
        "charge_mismatch": 1,
        "date_order": 1,
        "overdue": 2,
        "duplicate": 1,
    }
    status = client.get(f"/api/v1/risk/reconciliations/{run.pk}").json()
    assert (status["status"], status["progress"], status["division_code"]) == ("done", 100, "370102")
    listed = client.get("/api/v1/risk/discrepancies?limit=100").json()
    assert listed["count"] == 10
    found = sorted(
        (d["type"], d["police_case_no"], d["procuratorate_case_no"], d["court_case_no"]) for d in listed["items"]
    )
    assert found == planted.expected
    assert {d["division_code"] for d in listed["items"]} == {"370102"}
    assert client.get("/api/v1/risk/discrepancies?type=overdue").json()["count"] == 2


def test_ledger_is_stored_encrypted(staff_client: Callable[..., Client], planted: generators.Ledgers) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    _push_all(client, planted)
    batch = LedgerBatch.objects.get(agency="police")
    assert batch.row_count == len(planted.police)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM risk_ledgerbatch WHERE id = %s", [batch.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:")
    assert planted.police[0]["suspect_id_number"] not in stored
    assert AuditEntry.objects.filter(action="risk.ledger_push").count() == 3


def test_push_with_missing_columns_is_refused_and_stores_nothing(staff_client: Callable[..., Client]) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    upload = SimpleUploadedFile("p.csv", "case_no,suspect_name\nP1,张三\n".encode(), content_type="text/csv")
    response = client.post("/api/v1/risk/ledgers/police", {"file": upload})
    assert response.status_code == 422
    assert response.json()["details"] == {
        "ledger": "police",
        "missing_columns": ["suspect_id_number", "charge", "filed_date", "transferred_date"],
    }
    assert LedgerBatch.objects.count() == 0
    assert AuditEntry.objects.filter(action="risk.ledger_push").count() == 0


def test_push_outside_scope_and_wrong_role_refused(staff_client: Callable[..., Client]) -> None:
    body = _csv("police", [])
    county = staff_client("370102", (Role.BUREAU_STAFF,))
    response = county.post(
        "/api/v1/risk/ledgers/police?division_code=370103", {"file": SimpleUploadedFile("p.csv", body)}
    )
    assert (response.status_code, response.json()["code"]) == (422, "invalid_division")
    mediator = staff_client("370102", (Role.MEDIATOR,))
    response = mediator.post("/api/v1/risk/ledgers/police", {"file": SimpleUploadedFile("p.csv", body)})
    assert response.status_code == 403
    assert Client().post("/api/v1/risk/ledgers/police", {"file": SimpleUploadedFile("p.csv", body)}).status_code == 401
    assert LedgerBatch.objects.count() == 0


def test_run_needs_all_three_ledgers(staff_client: Callable[..., Client], planted: generators.Ledgers) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    body = _csv("police", planted.police)
    client.post("/api/v1/risk/ledgers/police", {"file": SimpleUploadedFile("p.csv", body)})
    response = client.post("/api/v1/risk/reconciliations", {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"] == {"missing_ledgers": ["procuratorate", "court"]}
    assert ReconciliationRun.objects.count() == 0


def _one_run(client: Client, data: generators.Ledgers, capture: Any) -> ReconciliationRun:
    _push_all(client, data)
    with capture(execute=True):
        client.post("/api/v1/risk/reconciliations", {"as_of": "2025-06-30"}, content_type="application/json")
    return ReconciliationRun.objects.get()


def test_supervisor_rules_and_the_ruling_is_audited(
    make_staff: Any, planted: generators.Ledgers, django_capture_on_commit_callbacks: Any
) -> None:
    from conftest import login_verified

    supervisor = make_staff("370102", (Role.BUREAU_STAFF, Role.SUPERVISOR))
    client = login_verified(Client(), supervisor)
    _one_run(client, planted, django_capture_on_commit_callbacks)
    item = Discrepancy.objects.get(type="charge_mismatch")
    response = client.post(
        f"/api/v1/risk/discrepancies/{item.pk}/ruling",
        {"ruling": "confirmed", "note": "公安起诉意见书罪名未更新"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["ruling"] == "confirmed"
    item.refresh_from_db()
    assert (item.ruling, item.ruling_note, item.ruled_by_id) == (
        Ruling.CONFIRMED,
        "公安起诉意见书罪名未更新",
        supervisor.pk,
    )
    entry = AuditEntry.objects.get(action="risk.discrepancy_rule")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (supervisor.pk, "risk.discrepancy", str(item.pk))
    # the board: open ones by default, the ruled one under "confirmed"
    page = client.get("/risk/discrepancies/")
    assert page.status_code == 200
    assert "共 9 条" in page.content.decode()
    page = client.get("/risk/discrepancies/?ruling=confirmed")
    assert "公安起诉意见书罪名未更新" not in page.content.decode()
    assert "差异清单（1 条）" in page.content.decode()


def test_ruling_needs_a_note_and_a_valid_value(
    staff_client: Callable[..., Client], planted: generators.Ledgers, django_capture_on_commit_callbacks: Any
) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF, Role.SUPERVISOR))
    _one_run(client, planted, django_capture_on_commit_callbacks)
    item = Discrepancy.objects.get(type="duplicate")
    response = client.post(f"/risk/discrepancies/{item.pk}/", {"ruling": "dismissed", "note": "  "})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "请填写核查意见" in response.content.decode()
    response = client.post(
        f"/api/v1/risk/discrepancies/{item.pk}/ruling", {"ruling": "open", "note": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    item.refresh_from_db()
    assert item.ruling == Ruling.OPEN
    assert AuditEntry.objects.filter(action="risk.discrepancy_rule").count() == 0


def test_board_scope_other_county_and_roles(
    staff_client: Callable[..., Client], planted: generators.Ledgers, django_capture_on_commit_callbacks: Any
) -> None:
    owner = staff_client("370102", (Role.BUREAU_STAFF, Role.SUPERVISOR))
    _one_run(owner, planted, django_capture_on_commit_callbacks)
    item = Discrepancy.objects.first()
    assert item is not None
    other = staff_client("370103", (Role.SUPERVISOR,))
    assert other.get("/api/v1/risk/discrepancies").json()["count"] == 0
    assert other.get(f"/risk/discrepancies/{item.pk}/").status_code == 404
    response = other.post(
        f"/api/v1/risk/discrepancies/{item.pk}/ruling",
        {"ruling": "dismissed", "note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    city = staff_client("370100", (Role.SUPERVISOR,))
    assert city.get("/api/v1/risk/discrepancies").json()["count"] == 10
    staff = staff_client("370102", (Role.BUREAU_STAFF,))
    assert staff.get("/api/v1/risk/discrepancies").json()["count"] == 0
    assert staff.get("/risk/discrepancies/").status_code == 403
    assert Client().get("/risk/discrepancies/").status_code == 302
    item.refresh_from_db()
    assert item.ruling == Ruling.OPEN


def test_ledger_page_upload_and_run_status(
    staff_client: Callable[..., Client], planted: generators.Ledgers, django_capture_on_commit_callbacks: Any
) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    for agency in ("police", "procuratorate", "court"):
        upload = SimpleUploadedFile(f"{agency}.csv", _csv(agency, getattr(planted, agency)))
        response = client.post("/risk/ledgers/", {"agency": agency, "file": upload})
        assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/risk/ledgers/run/").status_code == 302
    run = ReconciliationRun.objects.get()
    fragment = client.get(f"/risk/runs/{run.pk}/status/").content.decode()
    assert "已完成" in fragment
    assert "hx-trigger" not in fragment
    page = client.get("/risk/ledgers/").content.decode()
    assert "police.csv" in page


def test_ledger_page_shows_header_errors_next_to_the_field(staff_client: Callable[..., Client]) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    upload = SimpleUploadedFile("p.csv", b"case_no\nP1\n")
    response = client.post("/risk/ledgers/", {"agency": "police", "file": upload})
    assert response.status_code == 200
    assert "suspect_name、suspect_id_number、charge、filed_date、transferred_date" in response.content.decode()


def test_scheduled_pass_runs_once_per_new_set_of_ledgers(
    make_staff: Any, planted: generators.Ledgers, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    from conftest import login_verified

    _push_all(login_verified(Client(), make_staff("370102", (Role.BUREAU_STAFF,))), planted)
    login_verified(Client(), make_staff("370103", (Role.BUREAU_STAFF,))).post(
        "/api/v1/risk/ledgers/police", {"file": SimpleUploadedFile("p.csv", _csv("police", planted.police))}
    )
    with django_capture_on_commit_callbacks(execute=True):
        runs = services.reconciliation_schedule_due()
    assert [r.division_id for r in runs] == ["370102"]
    assert ReconciliationRun.objects.get().status == RunStatus.DONE
    assert services.reconciliation_schedule_due() == []
    assert AuditEntry.objects.filter(action="risk.reconciliation_start", actor_id=None).count() == 1


def test_a_run_whose_ledger_cannot_be_read_is_marked_failed(
    staff_client: Callable[..., Client], planted: generators.Ledgers, django_capture_on_commit_callbacks: Any
) -> None:
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    _push_all(client, planted)
    LedgerBatch.objects.filter(agency="court").update(content="not base64!")  # damaged content
    run = services.reconciliation_start(actor=None, division_code="370102")
    with pytest.raises(ValueError, match="base64"):
        services.reconciliation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, "比对失败，请联系系统管理员。")
    assert Discrepancy.objects.count() == 0
