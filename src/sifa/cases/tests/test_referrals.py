"""Referrals (转办), applications on a citizen's behalf, the handling organisation's view (#4)."""

import pytest

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.cases.access import can_see
from sifa.cases.assignment import pick
from sifa.cases.models import Case, CaseEvent, CaseStatus, Notification, Referral, ReferralStatus
from sifa.cases.referrals import effective_status, referral_create, referral_list, referral_update
from sifa.cases.selectors import case_visible, my_tasks
from sifa.cases.services import case_submit
from sifa.cases.tests.conftest import aid_form, pdf_upload
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Division, Organisation


@pytest.fixture
def case(citizen, aid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return case_submit(
            actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()}
        )


def test_an_outside_referral_is_tracked_in_order_and_audited(case, aid, citizen, django_capture_on_commit_callbacks):
    officer = aid["officer"]
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_create(
            actor=officer,
            case_id=case.pk,
            kind="labour_inspection",
            authority="历下区劳动保障监察大队",
            reason="欠薪线索",
        )
    assert referral.status == ReferralStatus.SENT
    assert CaseEvent.objects.filter(case=case, action="refer").count() == 1
    assert AuditEntry.objects.filter(action="case.refer").count() == 1
    assert Notification.objects.filter(user=citizen, kind="referral").exists()

    referral_update(actor=officer, referral_id=referral.pk, status="received", note="已签收")
    with pytest.raises(SifaError) as skipped:
        referral_update(actor=officer, referral_id=referral.pk, status="done", note="")
    assert skipped.value.code == ErrorCode.CONFLICT
    referral_update(actor=officer, referral_id=referral.pk, status="accepted", note="立案")
    referral = referral_update(actor=officer, referral_id=referral.pk, status="done", note="追回 12,000 元")
    assert referral.status == ReferralStatus.DONE
    assert [u.status for u in referral.updates.all()] == ["sent", "received", "accepted", "done"]
    assert AuditEntry.objects.filter(action="case.referral.update").count() == 3


def test_bad_input_and_strangers_change_nothing(case, aid):
    with pytest.raises(SifaError) as bad_kind:
        referral_create(actor=aid["officer"], case_id=case.pk, kind="court", authority="法院", reason="x")
    assert bad_kind.value.code == ErrorCode.INVALID_INPUT
    with pytest.raises(SifaError) as blank:
        referral_create(actor=aid["officer"], case_id=case.pk, kind="litigation", authority=" ", reason="x")
    assert blank.value.details == {"authority": "请填写接收单位（128 字以内）"}
    with pytest.raises(SifaError) as stranger:
        referral_create(actor=aid["far_officer"], case_id=case.pk, kind="litigation", authority="法院", reason="x")
    assert stranger.value.code == ErrorCode.NOT_FOUND
    assert not Referral.objects.exists()
    assert not CaseEvent.objects.filter(action="refer").exists()


def test_a_referral_to_a_platform_case_follows_that_case(case, aid, citizen):
    officer = aid["officer"]
    target = case_submit(
        actor=officer, service_type="legal_aid", data=aid_form(title="转来的案件"), on_behalf_of=citizen
    )
    assert target.applicant == citizen
    assert target.submitted_by == officer
    referral = referral_create(
        actor=officer,
        case_id=case.pk,
        kind="legal_aid",
        authority="法律援助中心",
        reason="调解不成",
        target_case_id=target.pk,
    )
    assert effective_status(referral) == ReferralStatus.ACCEPTED
    with pytest.raises(SifaError) as manual:
        referral_update(actor=officer, referral_id=referral.pk, status="done", note="")
    assert manual.value.code == ErrorCode.CONFLICT
    target.status = CaseStatus.CLOSED
    target.save(update_fields=["status"])
    referral.refresh_from_db()
    assert effective_status(referral) == ReferralStatus.DONE
    assert list(referral_list(user=officer, status="done")) == [referral]
    assert list(referral_list(user=officer, status="accepted")) == []
    assert list(referral_list(user=citizen)) == []


def test_only_staff_may_apply_for_a_citizen(citizen, other_citizen, aid):
    with pytest.raises(SifaError) as refused:
        case_submit(
            actor=citizen,
            service_type="legal_aid",
            data=aid_form(),
            files={"hardship_proof": pdf_upload()},
            on_behalf_of=other_citizen,
        )
    assert refused.value.code == ErrorCode.INVALID_INPUT
    with pytest.raises(SifaError):
        case_submit(actor=aid["officer"], service_type="legal_aid", data=aid_form(), on_behalf_of=aid["lawyers"][0])


def test_members_of_the_handling_organisation_see_its_cases(case, aid, make_user):
    clerk = make_user(aid["centre"], (Role.LAWYER,), full_name="中心值班律师")  # no oversight role
    outsider = aid["lawyers"][0]
    assert can_see(clerk, case)
    assert case in case_visible(user=clerk)
    assert case in my_tasks(user=clerk)
    assert not can_see(outsider, case)
    assert case not in case_visible(user=outsider)


def test_weighted_assignment_prefers_the_cases_own_township(world, citizen, make_user):
    near_town = Division.objects.filter(parent_id="370102").order_by("code").first()
    far_town = Division.objects.create(code="370102998", name="测试街道", level=near_town.level, parent_id="370102")
    towns = [near_town, far_town]
    committee = {
        t.code: Organisation.objects.create(
            name=f"{t.name}人民调解委员会", kind=OrganisationKind.MEDIATION_COMMITTEE, division=t
        )
        for t in towns
    }
    near = make_user(committee[near_town.code], (Role.MEDIATOR,), full_name="本街道调解员")
    far = make_user(committee[far_town.code], (Role.MEDIATOR,), full_name="邻街道调解员")
    aid = Organisation.objects.create(name="中心", kind=OrganisationKind.LEGAL_AID_CENTRE, division_id="370102")
    officer = make_user(aid, (Role.LEGAL_AID_OFFICER,))
    busy = [
        case_submit(actor=officer, service_type="legal_aid", data=aid_form(title=f"在办{i}"), on_behalf_of=citizen)
        for i in range(2)
    ]
    Case.objects.filter(pk__in=[c.pk for c in busy]).update(handler=near)  # the near mediator is busier …
    case = case_submit(actor=officer, service_type="legal_aid", data=aid_form(), on_behalf_of=citizen)
    case.division = near_town
    assert pick(case=case, strategy="weighted", role=Role.MEDIATOR, organisation_kinds=()) == near  # … and still first
    case.division = far_town
    assert pick(case=case, strategy="weighted", role=Role.MEDIATOR, organisation_kinds=()) == far


def test_pages_and_api_refer_and_record_feedback(case, aid, client):
    from conftest import login_verified

    login_verified(client, aid["officer"])
    page = client.post(
        f"/cases/{case.pk}/refer/", {"kind": "litigation", "authority": "历下区人民法院", "reason": "调解不成"}
    )
    assert page.status_code == 302
    referral = Referral.objects.get()
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "历下区人民法院" in detail
    assert "已转出" in detail
    bad = client.post(f"/cases/referrals/{referral.pk}/", {"status": "done", "note": ""})
    assert bad.status_code == 422
    assert "不能改为" in bad.content.decode()
    ok = client.post(f"/cases/referrals/{referral.pk}/", {"status": "received", "note": "法院已签收"})
    assert ok.status_code == 302
    listing = client.get("/cases/referrals/?status=received").content.decode()
    assert case.reference in listing

    api = client.post(
        f"/api/v1/cases/{case.pk}/referrals",
        {"kind": "arbitration", "authority": "济南仲裁委员会", "reason": "当事人约定仲裁"},
        content_type="application/json",
    )
    assert api.status_code == 201
    assert api.json()["status"] == "sent"
    fed = client.post(
        f"/api/v1/cases/referrals/{api.json()['id']}/status",
        {"status": "declined", "note": "无仲裁协议"},
        content_type="application/json",
    )
    assert fed.json()["status"] == "declined"
    assert client.get("/api/v1/cases/referrals?status=declined").json()["count"] == 1
