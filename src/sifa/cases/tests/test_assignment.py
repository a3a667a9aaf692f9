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


def test_the_handling_organisation_is_the_nearest_of_the_kinds_at_or_above_the_division(world, aid):
    from sifa.cases.selectors import handling_organisation

    kinds = ("legal_aid_centre", "judicial_bureau")
    # The township has none: its county's centre; the county's centre before its bureau (kind order).
    assert handling_organisation("370102001001", kinds) == aid["centre"]
    assert handling_organisation("370102", ("judicial_bureau", "legal_aid_centre")) == world["bureaus"]["370102"]
    # 都匀市 has no centre: its own bureau, nearer than anything above it.
    assert handling_organisation("522701", kinds) == world["bureaus"]["522701"]
    assert handling_organisation("370000", ("law_firm",)) is None
    assert handling_organisation("999999", kinds) is None
    # The engine uses the same rule when a case opens.
    case = case_submit(actor=aid["officer"], service_type="legal_aid", data=aid_form(division="370102001"))
    assert case.organisation == aid["centre"]


def test_candidates_for_a_division_are_those_of_a_case_there(case, aid):
    pool = assignment.candidates_for_division(
        division_code="370102001", role="lawyer", organisation_kinds=("law_firm",)
    )
    assert list(pool) == list(assignment.candidates(case=case, role="lawyer", organisation_kinds=("law_firm",)))
    assert list(pool) == aid["lawyers"]
