"""E1 at the acceptance review: an application scored against the platform's earlier filings."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.arbitration import litigation, services
from sifa.arbitration.models import LitigationCheck
from sifa.audit.models import AuditEntry
from sifa.cases.models import Case
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from sifa.risk.litigation import score_case

from .conftest import APPLICATION, file_case, id_of, make_user, registered_arbitrator

pytestmark = pytest.mark.django_db

PHONE = APPLICATION["phone"]  # the applicant's: 13912340002
COLLUDING = {
    "applicant_name": "李甲",
    "respondent_name": "李乙",
    "respondent_id_number": id_of("37010219900202031"),
    "respondent_phone": PHONE,
    "respondent_address": "济南市槐荫区经十路9号",
    "dispute_type": "借款合同",
    "title": "借款合同纠纷",
    "claims": "请求裁决被申请人偿还借款500000元。",
}


def _pay(staff: Any, case: Case, receipt: str) -> None:
    fee = services.fee_assess(actor=staff, case_id=case.pk)
    services.fee_record(actor=staff, case_id=case.pk, kind="paid", amount=fee.amount, receipt_number=receipt)


def _colluding_case(arb: dict[str, Any], key: str = "collude") -> Case:
    debt = (timezone.localdate() - timedelta(days=10)).isoformat()
    return file_case(arb["citizen"], key, debt_date=debt, **COLLUDING)


def _types(check: LitigationCheck) -> list[str]:
    return [w["type"] for w in check.warnings]


def test_shared_phone_is_collusion_high_and_blocks_acceptance_until_acknowledged(arb) -> None:
    staff = arb["staff"]
    case = _colluding_case(arb)
    _pay(staff, case, "JNZC-0100")
    with pytest.raises(SifaError, match="高风险（80 分）") as refused:
        services.arbitration_accept(actor=staff, case_id=case.pk, opinion="符合受理条件")
    assert refused.value.code == ErrorCode.CONFLICT
    assert Case.objects.get(pk=case.pk).stage == "review"
    check = LitigationCheck.objects.get(case=case)  # kept although the acceptance was refused
    assert (check.score, check.level, check.blocks_acceptance) == (80, "high", True)
    assert check.warnings == [
        {
            "type": "collusion",
            "label": "关联方串通仲裁",
            "category": "虚假诉讼",
            "points": 50,
            "evidence": "申请人李甲与被申请人李乙：共用电话 139****0002",
        },
        {
            "type": "quick_loan_suit",
            "label": "借贷后短期内申请仲裁",
            "category": "虚假诉讼",
            "points": 30,
            "evidence": f"借贷发生于 {case.data['debt_date']}，10 天后即申请仲裁"
            f"（{timezone.localdate(case.created_at)}）",
        },
    ]
    assert PHONE not in json.dumps(check.warnings, ensure_ascii=False)
    assert AuditEntry.objects.filter(action="arbitration.litigation_check", target_id=str(check.pk)).count() == 1

    with pytest.raises(SifaError) as empty:
        services.litigation_acknowledge(actor=staff, case_id=case.pk, reason="  ", check_id=check.pk)
    assert empty.value.code == ErrorCode.INVALID_INPUT
    recheck = services.litigation_check_run(actor=staff, case_id=case.pk)
    with pytest.raises(SifaError) as stale:  # the page showed the first check; a newer one exists
        services.litigation_acknowledge(actor=staff, case_id=case.pk, reason="已核查", check_id=check.pk)
    assert stale.value.code == ErrorCode.STALE_VERSION
    assert not AuditEntry.objects.filter(action="arbitration.litigation_acknowledge").exists()

    services.litigation_acknowledge(
        actor=staff, case_id=case.pk, reason="已电话核实双方为父子，借款有银行流水", check_id=recheck.pk
    )
    recheck.refresh_from_db()
    assert recheck.acknowledged_by == staff
    assert recheck.acknowledgement == "已电话核实双方为父子，借款有银行流水"
    assert AuditEntry.objects.filter(action="arbitration.litigation_acknowledge").count() == 1
    assert AuditEntry.objects.filter(action="arbitration.litigation_check").count() == 2
    case = services.arbitration_accept(actor=staff, case_id=case.pk, opinion="符合受理条件")
    assert case.stage == "forming"
    with pytest.raises(SifaError, match="待受理审查"):  # no checks once accepted: the record stays
        services.litigation_check_run(actor=staff, case_id=case.pk)


def test_medium_risk_does_not_block_and_repeat_after_a_lost_award_is_found(arb) -> None:
    staff = arb["staff"]
    arbitrator = registered_arbitrator(staff)
    lost = file_case(arb["citizen"], "lost")
    _pay(staff, lost, "JNZC-0200")
    services.arbitration_accept(actor=staff, case_id=lost.pk, opinion="受理")
    services.tribunal_form(
        actor=staff, case_id=lost.pk, form="sole", seats=[services.Seat(arbitrator.pk, "sole", "joint")]
    )
    services.hearing_schedule(
        actor=staff, case_id=lost.pk, hearing_at=timezone.now() + timedelta(days=3), place="第一仲裁庭"
    )
    services.award_issue(
        actor=staff,
        case_id=lost.pk,
        award_amount="0",
        reasoning="申请人未能证明已交付货物。",
        rulings="驳回申请人的全部仲裁请求",
        fee_burden="仲裁费由申请人承担",
    )
    assert Case.objects.get(pk=lost.pk).stage == "closed"

    again = file_case(arb["citizen"], "again")
    other_cause = file_case(arb["citizen"], "other-cause", dispute_type="房屋租赁", title="房屋租赁合同纠纷")
    check = services.litigation_check_run(actor=staff, case_id=again.pk)
    assert check.warnings == [
        {
            "type": "repeat_after_loss",
            "label": "败诉后重复申请仲裁",
            "category": "滥诉",
            "points": 30,
            "evidence": f"申请人山东泉水商贸有限公司在 {lost.reference} 中败诉后"
            "再次对被申请人济南明湖建材有限公司申请仲裁",
        }
    ]
    assert (check.score, check.level, check.history_cases) == (30, "medium", 1)
    assert services.litigation_check_run(actor=staff, case_id=other_cause.pk).warnings == []
    _pay(staff, again, "JNZC-0201")
    assert services.arbitration_accept(actor=staff, case_id=again.pk, opinion="受理").stage == "forming"


def _against_one_respondent(arb: dict[str, Any], k: int) -> Case:
    return file_case(
        arb["citizen"],
        f"mass-{k}",
        applicant_name=f"购房人{k}",
        id_number=id_of(f"37010219800101{100 + k:03d}"),
        phone=f"1391234{k:04d}",
        claimant_address=f"济南市历城区花园路{k}号",
        respondent_name="济南某某置业有限公司",
        respondent_credit_code="91370100MA3C000001",
        respondent_address="济南市历城区工业北路88号",
        claims=f"请求裁决被申请人返还购房定金{k}0000元。",
    )


def test_mass_respondent_counts_only_earlier_filings(arb) -> None:
    staff = arb["staff"]
    filings = [_against_one_respondent(arb, k) for k in range(1, 11)]
    tenth = services.litigation_check_run(actor=staff, case_id=filings[9].pk)
    assert tenth.warnings == [
        {
            "type": "mass_defendant",
            "label": "同一被申请人大量被申请仲裁",
            "category": "涉众",
            "points": 20,
            "evidence": "被申请人济南某某置业有限公司一年内被申请仲裁 10 件",
        }
    ]
    assert (tenth.score, tenth.level, tenth.history_cases) == (20, "low", 9)
    # Checked after all ten exist, the ninth still sees only the eight before it: no look-ahead.
    ninth = services.litigation_check_run(actor=staff, case_id=filings[8].pk)
    assert (ninth.warnings, ninth.history_cases) == ([], 8)


def test_party_graph_uses_only_earlier_filings_and_mediation_parties(arb, world) -> None:
    """A and B share nothing; a later filing by someone with A's phone and B's address links them."""
    staff = arb["staff"]
    a_vs_b = {"applicant_name": "王某", "respondent_name": "赵某", "respondent_address": "济南市天桥区北园大街5号"}
    first = file_case(arb["citizen"], "ab-1", **a_vs_b)
    file_case(
        arb["citizen"],
        "link",
        applicant_name="孙某",
        id_number=id_of("37010219750505051"),
        claimant_address="济南市天桥区北园大街5号",  # B's address, with A's phone (the form's default)
        respondent_name="周某",
        respondent_address="济南市长清区1号",
    )
    second = file_case(arb["citizen"], "ab-2", **a_vs_b)
    assert services.litigation_check_run(actor=staff, case_id=first.pk).warnings == []
    linked = services.litigation_check_run(actor=staff, case_id=second.pk)
    assert [(w["type"], w["evidence"]) for w in linked.warnings] == [
        ("collusion", "申请人王某与被申请人赵某：经共用电话、住址或亲属关系间接关联（关联组 3 人）")
    ]
    # The tables the scorer ran on hold pseudonyms, never an identifier in clear.
    tables = litigation.history_tables(second)
    dumped = json.dumps([tables.cases, tables.parties], ensure_ascii=False)
    assert PHONE not in dumped
    assert APPLICATION["id_number"] not in dumped
    assert "139" in dumped


def test_mediation_parties_link_the_graph_but_are_not_suits(arb, world) -> None:
    from sifa.accounts.services import citizen_ensure
    from sifa.mediation.services import RespondentIn, dispute_file

    Organisation.objects.create(
        name="解放路街道人民调解委员会", kind=OrganisationKind.MEDIATION_COMMITTEE, division_id="370102001"
    )
    staff = arb["staff"]
    # An earlier mediation: its applicant gave the arbitration applicant's phone and lives where the
    # arbitration respondent is served. Only that mediation links the two sides.
    dispute_file(
        actor=citizen_ensure(mobile="13912349999"),
        data={
            "applicant_name": "钱某",
            "id_number": id_of("37010219660606061"),
            "phone": PHONE,
            "address": "济南市历下区文化东路7号",
            "division": "370102001",
            "location": "文化东路7号",
            "dispute_type": "债务纠纷",
            "title": "欠款",
            "facts": "欠款未还。",
            "request": "请求归还欠款。",
        },
        respondents=[RespondentIn(name="钱某某", phone="13912348888", address="济南市历下区文化东路7号")],
    )
    case = file_case(
        arb["citizen"], "via-mediation", respondent_name="钱某某", respondent_address="济南市历下区文化东路7号"
    )
    check = services.litigation_check_run(actor=staff, case_id=case.pk)
    assert [w["type"] for w in check.warnings] == ["collusion"]
    assert "间接关联" in check.warnings[0]["evidence"]
    assert check.history_cases == 0  # the mediation is not counted as a filing
    without = litigation.history_tables(case, mediation=False)
    alone = score_case(cases=without.cases, parties=without.parties, case_no=case.reference)
    assert alone.flags == ()


def test_scope_page_and_api(arb, world) -> None:
    case = _colluding_case(arb)
    services.litigation_check_run(actor=arb["staff"], case_id=case.pk)
    other_commission = Organisation.objects.create(
        name="都匀仲裁委员会", kind=OrganisationKind.ARBITRATION_COMMISSION, division_id="522701"
    )
    outsider = login_verified(Client(), make_user(other_commission, "dy_arb", Role.ARBITRATION_STAFF))
    assert outsider.get(f"/arbitration/cases/{case.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/arbitration/cases/{case.pk}/litigation-risk").status_code == 404
    assert outsider.post(f"/api/v1/arbitration/cases/{case.pk}/litigation-risk").status_code == 404
    assert outsider.post(f"/arbitration/cases/{case.pk}/risk-check/").status_code == 404
    far_bureau = login_verified(Client(), make_user(world["bureaus"]["522701"], "dy_bureau", Role.BUREAU_STAFF))
    assert far_bureau.get(f"/api/v1/arbitration/cases/{case.pk}/litigation-risk").status_code == 404
    applicant = Client()
    applicant.force_login(arb["citizen"], backend="django.contrib.auth.backends.ModelBackend")
    assert applicant.get(f"/api/v1/arbitration/cases/{case.pk}/litigation-risk").status_code == 403
    assert Client().get(f"/api/v1/arbitration/cases/{case.pk}/litigation-risk").status_code == 401

    bureau = login_verified(Client(), arb["bureau"])  # oversight of the city: reads, cannot recheck
    body = bureau.get(f"/api/v1/arbitration/cases/{case.pk}/litigation-risk").json()
    assert (body["checked"], body["score"], body["level_label"], body["blocks_acceptance"]) == (True, 80, "高", True)
    assert body["warnings"][0]["evidence"] == "申请人李甲与被申请人李乙：共用电话 139****0002"
    assert bureau.post(f"/api/v1/arbitration/cases/{case.pk}/litigation-risk").status_code == 403
    assert LitigationCheck.objects.filter(case=case).count() == 1

    own = login_verified(Client(), arb["staff"])
    rerun = own.post(f"/api/v1/arbitration/cases/{case.pk}/litigation-risk")
    assert rerun.status_code == 200
    assert rerun.json()["check_id"] == LitigationCheck.objects.filter(case=case).order_by("-id").first().pk


def test_case_page_shows_warnings_in_chinese_masked_and_records_the_acknowledgement(arb) -> None:
    staff = arb["staff"]
    case = _colluding_case(arb)
    _pay(staff, case, "JNZC-0300")
    client = login_verified(Client(), staff)
    page = client.get(f"/arbitration/cases/{case.pk}/").content.decode()
    assert "诉讼风险提示（虚假诉讼、滥诉、涉众）" in page
    assert "风险分 80，等级：高" in page
    row = "<td>虚假诉讼</td><td>关联方串通仲裁</td><td>50</td><td>申请人李甲与被申请人李乙：共用电话 139****0002</td>"
    assert row in page
    assert "借贷后短期内申请仲裁" in page
    assert PHONE not in page
    assert 'id="risk-blocks"' in page
    assert client.get(f"/arbitration/cases/{case.pk}/").status_code == 200  # viewing again: no new check
    check = LitigationCheck.objects.get(case=case)
    assert AuditEntry.objects.filter(action="arbitration.litigation_check").count() == 1

    refused = client.post(f"/arbitration/cases/{case.pk}/accept/", {"opinion": "受理"})
    assert refused.status_code == 409
    assert "须先核查预警并填写确认说明" in refused.content.decode()
    client.post(f"/arbitration/cases/{case.pk}/risk-acknowledge/", {"check": check.pk, "reason": "已核实借款真实"})
    page = client.get(f"/arbitration/cases/{case.pk}/").content.decode()
    assert "核查确认：已核实借款真实" in page
    assert 'id="risk-blocks"' not in page
    supervision = client.get("/arbitration/cases/").content.decode()
    assert "高 80" in supervision
    assert "已核查确认" in supervision
    assert client.post(f"/arbitration/cases/{case.pk}/accept/", {"opinion": "受理"}).status_code == 302
    accepted = client.get(f"/arbitration/cases/{case.pk}/").content.decode()
    assert "风险分 80，等级：高" in accepted  # later reviewers see what the accepting staff saw
    assert "重新检查诉讼风险" not in accepted
