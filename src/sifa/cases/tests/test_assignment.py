"""Assignment: manual, round-robin inside the county's law firms, weighted by open load and skills."""

import pytest

from sifa.audit.models import AuditEntry
from sifa.cases import assignment
from sifa.cases.models import Case, CaseEvent, HandlerProfile
from sifa.cases.services import case_assign, case_submit
from sifa.cases.tests.conftest import aid_form, pdf_upload
from sifa.core.errors import ErrorCode, SifaError


@pytest.fixture
def case(world, citizen, aid):
    return case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})


def test_candidates_are_the_counties_lawyers_in_law_firms(case, aid):
    pool = assignment.candidates(case=case, role="lawyer", organisation_kinds=("law_firm",))
    assert list(pool) == aid["lawyers"]  # not the lawyer of 市中区


def test_round_robin_takes_turns(case, aid):
    picks = [
        assignment.pick(case=case, strategy="round_robin", role="lawyer", organisation_kinds=("law_firm",))
        for _ in range(4)
    ]
    assert picks == [*aid["lawyers"], aid["lawyers"][0]]


def test_weighted_prefers_the_skill_then_the_lightest_load_per_weight(case, aid, citizen):
    first, second, third = aid["lawyers"]
    assert assignment.pick(case=case, strategy="weighted", role="lawyer", organisation_kinds=("law_firm",)) == first
    Case.objects.filter(pk=case.pk).update(handler=first)
    assert assignment.pick(case=case, strategy="weighted", role="lawyer", organisation_kinds=("law_firm",)) == second
    HandlerProfile.objects.create(user=third, skills=["劳动争议"], weight=1)
    assert assignment.pick(case=case, strategy="weighted", role="lawyer", organisation_kinds=("law_firm",)) == third
    HandlerProfile.objects.create(user=first, skills=["劳动争议"], weight=3)
    other = case_submit(
        actor=citizen, service_type="legal_aid", data=aid_form(title="二"), files={"hardship_proof": pdf_upload()}
    )
    Case.objects.filter(pk=other.pk).update(handler=third)
    # first: 1 open case / weight 3; third: 1 / 1 -> first
    assert assignment.pick(case=case, strategy="weighted", role="lawyer", organisation_kinds=("law_firm",)) == first


def test_manual_choice_outside_the_pool_is_refused(case, aid):
    with pytest.raises(SifaError) as refused:
        assignment.pick(
            case=case,
            strategy="manual",
            role="lawyer",
            organisation_kinds=("law_firm",),
            handler_id=aid["far_lawyer"].pk,
        )
    assert refused.value.code == ErrorCode.INVALID_INPUT


def test_reassignment_is_traced(case, aid):
    Case.objects.filter(pk=case.pk).update(handler=aid["lawyers"][0])
    before = AuditEntry.objects.count()
    moved = case_assign(actor=aid["officer"], case_id=case.pk, handler_id=aid["lawyers"][2].pk)
    assert moved.handler == aid["lawyers"][2]
    assert AuditEntry.objects.filter(action="case.reassign", target_id=str(case.pk)).count() == 1
    assert AuditEntry.objects.count() == before + 1
    assert CaseEvent.objects.get(case=case, action="reassign").data == {"handler_id": aid["lawyers"][2].pk}
    with pytest.raises(SifaError) as refused:
        case_assign(actor=aid["lawyers"][2], case_id=case.pk, handler_id=aid["lawyers"][1].pk)
    assert refused.value.code == ErrorCode.FORBIDDEN  # the handler sees the case but may not reassign it
