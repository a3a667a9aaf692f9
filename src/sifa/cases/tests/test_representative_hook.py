"""The case engine calls the verification system (D4) when it assigns a lawyer (#5)."""

from datetime import date

import pytest

from sifa.accounts.choices import Role
from sifa.cases.models import Case, CaseEvent, HandlerProfile
from sifa.cases.services import case_submit, case_transition
from sifa.cases.tests.conftest import aid_form
from sifa.core.errors import ErrorCode, SifaError
from sifa.screening import services as screening
from sifa.screening.models import ScreeningWarning
from sifa.screening.tests.test_services import DEPARTED_CSV, JUDGE, LAWYER


@pytest.fixture
def approved(citizen, aid, make_staff, monkeypatch):
    monkeypatch.setattr(screening, "today", lambda: date(2026, 11, 25))
    officer = make_staff("370102", roles=(Role.INTEGRITY_OFFICER,), username="integrity")
    screening.registry_import(
        actor=officer,
        registry="lawyer",
        data=f"姓名,身份证号码,执业证号,执业状态,停止执业起,停止执业止\n陈律师,{LAWYER},13701201010001,停止执业,2026-10-01,\n"
        f"张丽,{JUDGE},13701202510002,执业,,\n".encode(),
        filename="l.csv",
        division_code="370102",
    )
    screening.registry_import(
        actor=officer, registry="resigned", data=DEPARTED_CSV.encode(), filename="a.csv", division_code="370102"
    )
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form())
    return case_transition(actor=aid["officer"], case_id=case.pk, transition="approve", data={"opinion": "符合条件"})


def test_a_suspended_lawyer_cannot_be_assigned_and_nothing_changes(approved, aid):
    suspended = aid["lawyers"][1]
    HandlerProfile.objects.create(user=suspended, licence_no="13701201010001")
    with pytest.raises(SifaError) as refused:
        case_transition(
            actor=aid["officer"],
            case_id=approved.pk,
            transition="assign",
            data={"handler_id": suspended.pk},
            own_service=True,
        )
    assert refused.value.code == ErrorCode.REPRESENTATIVE_BLOCKED
    case = Case.objects.get(pk=approved.pk)
    assert (case.stage, case.handler_id, case.version) == ("assigning", None, approved.version)
    assert not CaseEvent.objects.filter(case=case, action="assign").exists()

    fine = aid["lawyers"][0]
    case = case_transition(
        actor=aid["officer"], case_id=approved.pk, transition="assign", data={"handler_id": fine.pk}, own_service=True
    )
    assert case.handler == fine


def test_a_departed_judge_assigned_in_her_former_court_raises_a_warning(approved, aid, make_user):
    former_judge = make_user(aid["lawyers"][0].organisation, (Role.LAWYER,), full_name="张丽")
    HandlerProfile.objects.create(user=former_judge, licence_no="13701202510002")
    case_transition(
        actor=aid["officer"],
        case_id=approved.pk,
        transition="assign",
        data={"handler_id": former_judge.pk},
        own_service=True,
    )
    (warning,) = ScreeningWarning.objects.all()
    assert warning.rule == "former_court"
    assert warning.subject_ref == approved.reference
