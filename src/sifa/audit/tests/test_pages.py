"""The auditors' workbench page: the ledger's entries and a verification run with live status (#2)."""

import pytest

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.audit import checkpoints
from sifa.audit.models import AuditEntry, VerifyRun, VerifyStatus
from sifa.audit.tests.helpers import drop_triggers, last_seq, raw, write_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_staff):
    return make_staff("370000", roles=(Role.AUDITOR,))


@pytest.fixture
def auditor_client(auditor, client):
    return login_verified(client, auditor)


def test_only_auditors_see_the_ledger_page(auditor_client, staff_client) -> None:
    first = last_seq() + 1  # the append-only log keeps other tests' committed entries
    write_entries(3)
    html = auditor_client.get(f"/audit/?action=test.&seq_from={first}").content.decode()
    assert "共 3 条" in html
    assert "test.group_create" in html
    assert staff_client("370102", roles=(Role.BUREAU_STAFF,)).get("/audit/").status_code == 403
    assert auditor_client.get("/audit/?action=nothing.").content.decode().count("没有符合条件的条目") == 1


def test_a_verification_run_passes_then_names_the_altered_entry(
    auditor_client, django_capture_on_commit_callbacks
) -> None:
    write_entries(12)
    checkpoints.create()
    with django_capture_on_commit_callbacks(execute=True):
        assert auditor_client.post("/audit/verify/").status_code == 302
    run = VerifyRun.objects.get()
    assert (run.status, run.progress) == (VerifyStatus.OK, 100)
    assert run.entries == AuditEntry.objects.count()  # every entry, the run's own start included
    assert AuditEntry.objects.filter(action="audit.verify.start", target_id=str(run.pk)).count() == 1
    assert "通过" in auditor_client.get(f"/audit/verify/{run.pk}/").content.decode()

    drop_triggers()
    raw("UPDATE audit_entry SET action = 'accounts.nothing_to_see' WHERE seq = 5")
    with django_capture_on_commit_callbacks(execute=True):
        auditor_client.post("/audit/verify/")
    failed = VerifyRun.objects.order_by("-id").first()
    assert failed.status == VerifyStatus.FAILED
    assert failed.first_bad_seq == 5
    assert "首个异常条目：5" in auditor_client.get("/audit/").content.decode()


def test_a_second_run_waits_for_the_first(auditor, auditor_client) -> None:
    VerifyRun.objects.create(started_by=auditor)  # queued, not yet picked up by the worker
    response = auditor_client.post("/audit/verify/")
    assert response.status_code == 409
    assert "已有一次核验正在进行" in response.content.decode()
    assert VerifyRun.objects.count() == 1
