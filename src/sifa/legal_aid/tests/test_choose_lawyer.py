"""点餐式 (A13) for legal aid: the applicant picks an aid lawyer of the centre that handles the
application; staff see the choice preselected and need a reason to assign someone else."""

import json
from datetime import date

import pytest
from django.test import Client

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.cases.models import Case, CaseEvent, HandlerProfile
from sifa.cases.services import case_transition
from sifa.cases.tests.conftest import aid_form
from sifa.core.errors import ErrorCode, SifaError
from sifa.legal_aid.models import AidLawyer, LawyerChoice
from sifa.legal_aid.selectors import lawyers_for_division
from sifa.legal_aid.services import lawyer_assign, legal_aid_apply, roster_add
from sifa.screening import services as screening
from sifa.screening.tests.test_services import LAWYER

LAWYER_MOBILE = "13766665555"


def citizen_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="sifa.accounts.backends.SmsCodeBackend")
    return client


@pytest.fixture
def roster(aid, make_user):
    """历下 centre's roster: 刘律师 (since 2012, with specialities) and 杨律师 (since 2020); 陈律师 is
    not on it; 市中 centre's roster has 周律师 (another county)."""
    liu, chen, yang = aid["lawyers"]
    HandlerProfile.objects.create(user=liu, skills=["劳动争议", "婚姻家庭"])
    liu.phone = LAWYER_MOBILE
    liu.save(update_fields=["phone"])
    roster_add(actor=aid["officer"], centre_id=aid["centre"].pk, lawyer_id=liu.pk, practising_since=2012)
    roster_add(actor=aid["officer"], centre_id=aid["centre"].pk, lawyer_id=yang.pk, practising_since=2020)
    far_centre = aid["far_officer"].organisation
    roster_add(actor=aid["far_officer"], centre_id=far_centre.pk, lawyer_id=aid["far_lawyer"].pk, practising_since=2010)
    return {"liu": liu, "chen": chen, "yang": yang, "far": aid["far_lawyer"]}


def _approved(citizen, aid, lawyer):
    case = legal_aid_apply(actor=citizen, data=aid_form(), preferred_lawyer_id=lawyer.pk if lawyer else None)
    return case_transition(actor=aid["officer"], case_id=case.pk, transition="approve", data={"opinion": "符合条件"})


def _counts():
    return (Case.objects.count(), LawyerChoice.objects.count(), AuditEntry.objects.count(), CaseEvent.objects.count())


def test_candidates_are_the_handling_centres_roster_with_public_facts_only(roster, citizen):
    cards = lawyers_for_division("370102")
    assert [c.user.full_name for c in cards] == ["刘律师", "杨律师"]
    liu = cards[0]
    assert (liu.firm, liu.skills, liu.load, liu.on_roster) == ("泉城律师事务所", ["劳动争议", "婚姻家庭"], 0, True)
    assert liu.years == date.today().year - 2012
    assert [c.user.full_name for c in lawyers_for_division("370103")] == ["周律师"]

    body = Client().get("/api/v1/legal-aid/lawyers?division=370102").json()
    assert [r["name"] for r in body] == ["刘律师", "杨律师"]
    assert set(body[0]) == {
        "id", "name", "law_firm", "specialities", "years_of_practice", "open_cases", "on_roster", "chosen",
    }  # fmt: skip
    fragment = citizen_client(citizen).get("/legal-aid/apply/lawyers/?division=370102").content.decode()
    assert "刘律师" in fragment
    assert "杨律师" in fragment
    assert "陈律师" not in fragment
    assert "周律师" not in fragment
    for text in (json.dumps(body, ensure_ascii=False), fragment):
        assert LAWYER_MOBILE not in text
        assert "username" not in text


def test_the_portal_form_stores_the_choice_and_staff_see_it_preselected(roster, citizen, aid):
    client = citizen_client(citizen)
    # The no-script button lists the lawyers for the place chosen, keeps what was typed, submits nothing.
    page = client.post("/legal-aid/apply/", {**aid_form(), "show_lawyers": "1"})
    assert page.status_code == 200
    assert 'id="lawyer-list"' in page.content.decode()
    assert 'value="追索劳动报酬"' in page.content.decode()
    assert not Case.objects.exists()
    form = {**aid_form(), "declaration": "on", "idempotency_key": "k1", "preferred_lawyer_id": str(roster["yang"].pk)}
    response = client.post("/legal-aid/apply/", form)
    case = Case.objects.get(service_code="legal_aid")
    assert response.status_code == 302
    assert response["Location"] == f"/legal-aid/my/{case.pk}/"
    choice = LawyerChoice.objects.get(case=case)
    assert (choice.lawyer, choice.override_reason) == (roster["yang"], "")
    assert AuditEntry.objects.filter(action="legal_aid.lawyer_choice", target_id=str(choice.pk)).count() == 1
    assert "杨律师（大明湖律师事务所）" in client.get(response["Location"]).content.decode()

    case_transition(actor=aid["officer"], case_id=case.pk, transition="approve", data={"opinion": "符合条件"})
    staff = login_verified(Client(), aid["officer"])
    html = staff.get(f"/legal-aid/cases/{case.pk}/").content.decode()
    assert f'value="{roster["yang"].pk}" id="h-{roster["yang"].pk}" checked' in html
    assert 'id="h-auto"' not in html
    # Confirming the preselected lawyer is a manual assignment through the engine.
    response = staff.post(f"/legal-aid/cases/{case.pk}/assign/", {"handler_id": str(roster["yang"].pk), "reason": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.handler) == ("handling", roster["yang"])
    assert CaseEvent.objects.get(case=case, action="assign").data["strategy"] == "manual"
    assert AuditEntry.objects.filter(action="legal_aid.lawyer_choice_followed").count() == 1


def test_a_lawyer_off_the_centres_roster_is_refused_and_nothing_is_written(roster, citizen):
    before = _counts()
    for wrong in (roster["chen"], roster["far"]):  # not on the roster; on another centre's roster
        with pytest.raises(SifaError) as refused:
            legal_aid_apply(actor=citizen, data=aid_form(), preferred_lawyer_id=wrong.pk)
        assert refused.value.code == ErrorCode.INVALID_INPUT
        assert "援助律师名册" in refused.value.details["preferred_lawyer"]
    assert _counts() == before

    response = citizen_client(citizen).post(
        "/legal-aid/apply/",
        {**aid_form(), "declaration": "on", "idempotency_key": "k2", "preferred_lawyer_id": str(roster["far"].pk)},
    )
    assert response.status_code == 422
    assert "所选律师不在受理该申请的法律援助中心的援助律师名册中" in response.content.decode()
    api = citizen_client(citizen).post(
        "/api/v1/legal-aid/applications",
        {"data": aid_form(), "preferred_lawyer_id": roster["chen"].pk, "idempotency_key": "k3"},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api.json()["code"] == "invalid_input"
    assert _counts() == before


def test_assigning_someone_else_needs_a_reason_which_is_audited_and_shown_to_the_applicant(roster, citizen, aid):
    case = _approved(citizen, aid, roster["liu"])
    before = (_counts(), Case.objects.get(pk=case.pk).version)
    with pytest.raises(SifaError) as refused:
        lawyer_assign(actor=aid["officer"], case_id=case.pk, handler_id=roster["yang"].pk, reason="  ")
    assert refused.value.details == {"reason": "未按申请人的选择指派律师时，必须填写理由"}
    staff = login_verified(Client(), aid["officer"])
    page = staff.post(f"/legal-aid/cases/{case.pk}/assign/", {"handler_id": str(roster["yang"].pk), "reason": ""})
    assert page.status_code == 422
    assert "必须填写理由" in page.content.decode()
    assert (_counts(), Case.objects.get(pk=case.pk).version) == before

    api = staff.post(
        f"/api/v1/legal-aid/applications/{case.pk}/assign",
        {"handler_id": roster["yang"].pk, "reason": "刘律师近期在外地开庭，无法及时会见"},
        content_type="application/json",
    )
    assert api.status_code == 200
    assert (api.json()["handler_name"], api.json()["preferred_lawyer"]) == ("杨律师", "刘律师")
    choice = LawyerChoice.objects.get(case=case)
    assert (choice.override_reason, choice.overridden_by) == ("刘律师近期在外地开庭，无法及时会见", aid["officer"])
    entry = AuditEntry.objects.get(action="legal_aid.lawyer_override")
    assert entry.actor_id == aid["officer"].pk
    assert Case.objects.get(pk=case.pk).handler == roster["yang"]

    mine = citizen_client(citizen).get(f"/legal-aid/my/{case.pk}/").content.decode()
    assert "未按您的选择指派：刘律师近期在外地开庭，无法及时会见" in mine
    assert "杨律师（大明湖律师事务所）" in mine
    timeline = citizen_client(citizen).get(f"/my/cases/{case.pk}/").content.decode()
    assert "刘律师近期在外地开庭" in timeline
    assert f"/legal-aid/my/{case.pk}/" in timeline


def test_a_suspended_lawyer_the_applicant_chose_cannot_be_assigned(roster, citizen, aid, make_staff, monkeypatch):
    monkeypatch.setattr(screening, "today", lambda: date(2026, 11, 25))
    screening.registry_import(
        actor=make_staff("370102", roles=(Role.INTEGRITY_OFFICER,), username="integrity"),
        registry="lawyer",
        data=f"姓名,身份证号码,执业证号,执业状态,停止执业起,停止执业止\n刘律师,{LAWYER},13701201010001,停止执业,2026-10-01,\n".encode(),
        filename="l.csv",
        division_code="370102",
    )
    HandlerProfile.objects.filter(user=roster["liu"]).update(licence_no="13701201010001")
    case = _approved(citizen, aid, roster["liu"])
    before = (_counts(), Case.objects.get(pk=case.pk).version)
    with pytest.raises(SifaError) as refused:
        lawyer_assign(actor=aid["officer"], case_id=case.pk)
    assert refused.value.code == ErrorCode.REPRESENTATIVE_BLOCKED
    assert refused.value.message == "律师刘律师处于停止执业或被吊销执业证状态，不能指派。请改派其他律师并填写理由。"
    page = login_verified(Client(), aid["officer"]).post(f"/legal-aid/cases/{case.pk}/assign/", {"handler_id": ""})
    assert page.status_code == 409
    assert "律师刘律师处于停止执业" in page.content.decode()
    after = Case.objects.get(pk=case.pk)
    assert (after.stage, after.handler_id) == ("assigning", None)
    assert (_counts(), after.version) == before
    assert LawyerChoice.objects.get(case=case).override_reason == ""


def test_roster_holds_only_lawyers_of_firms_inside_the_centre_and_changes_are_audited(aid, roster):
    with pytest.raises(SifaError) as far:
        roster_add(actor=aid["officer"], centre_id=aid["centre"].pk, lawyer_id=roster["far"].pk, practising_since=2000)
    assert far.value.details == {"lawyer_id": "只能将本辖区律师事务所的执业律师列入名册"}
    with pytest.raises(SifaError) as other_centre:
        roster_add(
            actor=aid["officer"],
            centre_id=aid["far_officer"].organisation_id,
            lawyer_id=roster["far"].pk,
            practising_since=2000,
        )
    assert other_centre.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(SifaError):
        roster_add(actor=aid["officer"], centre_id=aid["centre"].pk, lawyer_id=roster["chen"].pk, practising_since=1900)
    assert AidLawyer.objects.filter(centre=aid["centre"]).count() == 2
    assert AuditEntry.objects.filter(action="legal_aid.roster_add").count() == 3
