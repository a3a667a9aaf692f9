"""奖补: a legal-aid officer records the subsidy of a closed case once; others cannot."""

from decimal import Decimal

import pytest
from django.test import Client

from conftest import login_verified
from sifa.audit.models import AuditEntry
from sifa.cases.models import Case, CaseStatus
from sifa.cases.services import case_submit
from sifa.cases.tests.conftest import aid_form, pdf_upload
from sifa.core.errors import ErrorCode, SifaError
from sifa.legal_aid.models import SubsidyRecord
from sifa.legal_aid.services import subsidy_record


@pytest.fixture
def closed(world, citizen, aid):
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, stage="closed", handler=aid["lawyers"][2])
    return case


def test_officer_records_the_subsidy_once_and_it_is_traced(closed, aid):
    record = subsidy_record(actor=aid["officer"], case_id=closed.pk, amount="1500.00", basis="民事代理")
    assert (record.amount, record.lawyer, record.law_firm.name) == (
        Decimal("1500.00"),
        aid["lawyers"][2],
        "大明湖律师事务所",
    )
    assert AuditEntry.objects.filter(action="legal_aid.subsidy_record", target_id=str(record.pk)).count() == 1
    with pytest.raises(SifaError) as twice:
        subsidy_record(actor=aid["officer"], case_id=closed.pk, amount="1", basis="x")
    assert twice.value.code == ErrorCode.CONFLICT


def test_refusals_change_nothing(closed, aid, citizen):
    open_case = case_submit(
        actor=citizen, service_type="legal_aid", data=aid_form(title="二"), files={"hardship_proof": pdf_upload()}
    )
    cases = [
        (aid["far_officer"], closed.pk, "100", ErrorCode.NOT_FOUND),
        (aid["supervisor"], closed.pk, "100", ErrorCode.FORBIDDEN),
        (aid["officer"], closed.pk, "-1", ErrorCode.INVALID_INPUT),
        (aid["officer"], closed.pk, "1.234", ErrorCode.INVALID_INPUT),
        (aid["officer"], open_case.pk, "100", ErrorCode.CONFLICT),
    ]
    for actor, case_id, amount, code in cases:
        with pytest.raises(SifaError) as refused:
            subsidy_record(actor=actor, case_id=case_id, amount=amount, basis="民事代理")
        assert refused.value.code == code
    assert SubsidyRecord.objects.count() == 0


def test_subsidy_page_and_api(closed, aid):
    client = login_verified(Client(), aid["officer"])
    assert closed.reference in client.get("/legal-aid/subsidies/").content.decode()
    response = client.post(f"/legal-aid/subsidies/{closed.pk}/", {"amount": "800", "basis": "刑事辩护"})
    assert response.status_code == 302
    rows = client.get("/api/v1/legal-aid/subsidies").json()["items"]
    assert [(r["case_reference"], r["amount"]) for r in rows] == [(closed.reference, "800.00")]
    far = login_verified(Client(), aid["far_officer"])
    assert far.get("/api/v1/legal-aid/subsidies").json()["count"] == 0
